"""Handoff API for the assistant and integrations (``/api/v1/handoff``, X-API-Key).

* ``GET  /handoff/availability`` — can an agent answer now?
* ``POST /handoff/tickets`` — hand a conversation over (live) or ask for a callback;
* ``POST /handoff/citizen-messages`` — messages written during a live handoff (event broker);
* ``GET  /handoff/conversations/{id}/messages?after=`` — what agents said (REST poll).
"""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Path, Query, Request

from ..context import AppContext, get_context
from ..idempotency import IdempotentRequest, execute_idempotent, idempotency_key_header
from ..schemas.common import COMMON_ERRORS, error_responses
from ..security import CLIENT_ID_PATTERN, Caller, require_api_key
from ..transactions import run_transaction
from . import tickets
from .models import LIVE
from .schemas import (AvailabilityOut, CitizenMessagesIn, CitizenMessagesOut,
                      ConversationMessagesOut, TicketIn, TicketOut)

router = APIRouter(prefix="/api/v1/handoff", tags=["Mise en relation"],
                   responses=error_responses(*COMMON_ERRORS))


async def handoff_state(request: Request):
    return request.app.state.handoff


@router.get("/availability", response_model=AvailabilityOut,
            summary="Un agent peut-il répondre maintenant ?")
def get_availability(service: Optional[str] = Query(
        None, max_length=60, pattern=r"^[a-z][a-z0-9_]{0,59}$",
        description="Service concerné (ex. ccas) ; par défaut l'accueil de la mairie."),
        _caller: Caller = Depends(require_api_key), ctx: AppContext = Depends(get_context),
        state=Depends(handoff_state)):
    now = ctx.clock.now()
    return run_transaction(ctx.sessions, lambda session: tickets.availability(
        session, ctx.commune, state.settings, now, service))


@router.post("/tickets", status_code=201, response_model=TicketOut,
             responses={**error_responses(409), 200: {"model": TicketOut}},
             summary="Mettre l'usager en relation avec un agent, ou demander un rappel")
def create_ticket(data: TicketIn, request: Request,
                  key: Optional[str] = Depends(idempotency_key_header),
                  caller: Caller = Depends(require_api_key),
                  ctx: AppContext = Depends(get_context), state=Depends(handoff_state)):
    """A live ticket needs the service open and an agent online (else 409
    ``no_agent_available``: offer a callback). A conversation has one open live ticket:
    asking again answers 200 with it (``existing``)."""
    now = ctx.clock.now()
    idem = IdempotentRequest.build(caller.key_id, key, "POST", request.url.path, data.dict())

    def work(session):
        if data.kind.value == LIVE:
            existing = tickets.open_live_ticket(session, data.conversation_id)
            if existing is None:
                info = tickets.availability(session, ctx.commune, state.settings, now,
                                            data.service)
                if not info["available"]:
                    raise tickets.unavailable_error(info)
        ticket, existing = tickets.create_ticket(session, data, now)
        return (200 if existing else 201), tickets.ticket_out(session, ticket, existing), \
            ticket.reference

    return execute_idempotent(ctx.sessions, idem, work, now, ctx.settings.idempotency_ttl_hours)


@router.post("/citizen-messages", response_model=CitizenMessagesOut,
             summary="Transmettre les messages écrits par les usagers pendant une mise en "
                     "relation")
def post_citizen_messages(data: CitizenMessagesIn, _caller: Caller = Depends(require_api_key),
                          ctx: AppContext = Depends(get_context)):
    """Messages of conversations without an open live ticket are ignored (not stored)."""
    now = ctx.clock.now()
    stored = run_transaction(ctx.sessions, lambda session: tickets.add_citizen_messages(
        session, data.messages, now))
    return {"stored": stored}


@router.get("/conversations/{conversation_id}/messages", response_model=ConversationMessagesOut,
            summary="Lire les messages des agents d'une conversation (canal REST)")
def get_conversation_messages(
        conversation_id: str = Path(..., max_length=128, pattern=CLIENT_ID_PATTERN),
        after: int = Query(0, ge=0, le=2**62, description="Dernier identifiant déjà lu."),
        _caller: Caller = Depends(require_api_key), ctx: AppContext = Depends(get_context)):
    def read(session):
        ticket = tickets.latest_live_ticket(session, conversation_id)
        messages = tickets.messages_after(session, after, conversation_id=conversation_id)
        ticket_out = None
        if ticket is not None:
            ticket_out = {"reference": ticket.reference, "status": ticket.status,
                          "queue_position": tickets.queue_position(session, ticket),
                          "agent_name": ticket.agent.display_name if ticket.agent else None}
        return {"conversation_id": conversation_id,
                "bot_active": ticket is None or not ticket.is_open,
                "ticket": ticket_out,
                "messages": [tickets.message_out(m) for m in messages]}

    return run_transaction(ctx.sessions, read)
