"""Request and response bodies of the handoff API (``/api/v1/handoff``)."""
from __future__ import annotations

import json
import re
from datetime import datetime
from enum import Enum
from typing import Any, Dict, List, Optional

from pydantic import Field, constr, root_validator, validator

from ..schemas.common import (TEXT_PATTERN, ApiModel, Email, OutModel, Phone, check_year, line,
                              text as free_text)
from ..security import CLIENT_ID_PATTERN

ConversationId = constr(strip_whitespace=True, min_length=1, max_length=128,
                        regex=CLIENT_ID_PATTERN)
ChannelName = constr(strip_whitespace=True, min_length=1, max_length=30,
                     regex=r"^[a-z][a-z0-9_.]{0,29}$")
ServiceCode = constr(strip_whitespace=True, min_length=1, max_length=60,
                     regex=r"^[a-z][a-z0-9_]{0,59}$")
CallbackUrl = constr(strip_whitespace=True, max_length=500, regex=r"^https?://[^\s]+$")
SlotName = constr(min_length=1, max_length=60, regex=r"^[A-Za-z_][A-Za-z0-9_]{0,59}$")
MAX_SLOTS_JSON = 10_000
_STORABLE = re.compile(TEXT_PATTERN)


class Kind(str, Enum):
    live = "live"
    callback = "callback"


class Reason(str, Enum):
    citizen_request = "citizen_request"
    repeated_misunderstanding = "repeated_misunderstanding"
    identity_check_failed = "identity_check_failed"
    urgency = "urgency"
    human_only_topic = "human_only_topic"


class Urgency(str, Enum):
    danger = "danger"
    distress = "distress"
    urgent = "urgent"


class Author(str, Enum):
    citizen = "citizen"
    bot = "bot"
    agent = "agent"


def _printable(value: Any) -> None:
    """Refuse strings that a database cannot store (control characters, lone surrogates)."""
    if isinstance(value, str):
        if value and not _STORABLE.match(value):
            raise ValueError("Une valeur contient des caractères non autorisés.")
    elif isinstance(value, dict):
        for key, item in value.items():
            _printable(key)
            _printable(item)
    elif isinstance(value, list):
        for item in value:
            _printable(item)


class TranscriptItem(ApiModel):
    author: Author
    text: free_text(2000) = Field(..., description="Texte du message.")
    at: Optional[datetime] = Field(None, description="Date et heure du message.")
    message_id: Optional[line(100)] = Field(None, description="Identifiant du message (Rasa).")

    _year = validator("at", allow_reuse=True)(check_year)


class CallbackIn(ApiModel):
    phone: Optional[Phone] = None
    email: Optional[Email] = None
    preferred_time: Optional[line(200)] = Field(None, description="Moment préféré, en clair.")

    @root_validator(skip_on_failure=True)
    def _one_contact(cls, values):
        if not values.get("phone") and not values.get("email"):
            raise ValueError("Indiquez un numéro de téléphone ou une adresse e-mail.")
        return values


class TicketIn(ApiModel):
    """What the assistant knows when it hands a conversation over."""

    kind: Kind = Field(..., description="live : un agent reprend la conversation ; "
                                        "callback : un agent rappellera l'usager.")
    channel: ChannelName = Field(..., description="Canal de l'usager : socketio, messenger, "
                                                  "rest…")
    conversation_id: ConversationId = Field(..., description="Identifiant de la conversation "
                                                             "(sender_id de Rasa).")
    reason: Reason
    urgency: Optional[Urgency] = Field(None, description="Niveau d'urgence détecté.")
    service: Optional[ServiceCode] = None
    intent: Optional[line(100)] = Field(None, description="Dernière intention comprise.")
    slots: Dict[SlotName, Any] = Field(default_factory=dict,
                                       description="Informations recueillies par l'assistant.")
    transcript: List[TranscriptItem] = Field(default_factory=list, max_items=100)
    citizen_name: Optional[line(120)] = None
    callback: Optional[CallbackIn] = None
    callback_url: Optional[CallbackUrl] = Field(
        None, description="Intégrations REST : adresse à qui envoyer les messages des agents.")

    @validator("slots")
    def _bounded_slots(cls, value):
        _printable(value)
        try:
            size = len(json.dumps(value, allow_nan=False))
        except (TypeError, ValueError):
            raise ValueError("Les informations recueillies doivent être du JSON simple.")
        if size > MAX_SLOTS_JSON:
            raise ValueError("Les informations recueillies sont trop volumineuses.")
        return value

    @root_validator(skip_on_failure=True)
    def _callback_needs_contact(cls, values):
        if values.get("kind") == Kind.callback and values.get("callback") is None:
            raise ValueError("Une demande de rappel doit indiquer un moyen de contact.")
        return values


class TicketOut(OutModel):
    reference: str = Field(..., description="Référence AGT-AAAA-NNNNN.")
    kind: Kind
    status: str = Field(..., description="waiting, claimed, closed ou returned.")
    priority: int = Field(..., description="3 danger, 2 détresse, 1 urgent, 0 normal.")
    queue_position: Optional[int] = Field(None, description="Rang dans la file (tickets en "
                                                            "attente).")
    existing: bool = Field(False, description="Vrai si un ticket était déjà ouvert pour cette "
                                              "conversation.")
    created_at: datetime


class AvailabilityOut(OutModel):
    available: bool = Field(..., description="Un agent peut répondre maintenant.")
    open: bool = Field(..., description="Le service est ouvert.")
    agents_online: int
    waiting: int = Field(..., description="Conversations en attente d'un agent.")
    service: str
    next_opening: Optional[datetime] = None
    summary: str = Field(..., description="Phrase en français sur les horaires.")


class CitizenMessageIn(ApiModel):
    conversation_id: ConversationId
    text: free_text(4000)
    message_id: Optional[line(100)] = None
    channel: Optional[ChannelName] = None


class CitizenMessagesIn(ApiModel):
    messages: List[CitizenMessageIn] = Field(..., min_items=1, max_items=200)


class CitizenMessagesOut(OutModel):
    stored: int = Field(..., description="Messages rattachés à un ticket ouvert.")


class MessageOut(OutModel):
    id: int
    author: str = Field(..., description="citizen, agent, bot ou system.")
    text: str
    agent_name: Optional[str] = None
    created_at: datetime


class ConversationTicketOut(OutModel):
    reference: str
    status: str
    queue_position: Optional[int] = None
    agent_name: Optional[str] = None


class ConversationMessagesOut(OutModel):
    conversation_id: str
    bot_active: bool = Field(..., description="Faux tant qu'un agent a la main.")
    ticket: Optional[ConversationTicketOut] = None
    messages: List[MessageOut]
