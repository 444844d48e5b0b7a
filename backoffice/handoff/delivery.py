"""Delivery of agent messages to the citizen, and of the bot's resumption, through Rasa.

The back office posts to Rasa's ``/webhooks/handoff/deliver`` (channels/handoff.py), on
any instance behind the load balancer, with the shared secret. That instance appends the
messages to the tracker as bot utterances and pushes them on the citizen's channel
(socket.io room, through Redis when there are several instances; Messenger's Send API).
REST citizens read them with the poll endpoint; a REST integration that gave a
``callback_url`` (host allowed by HANDOFF_CALLBACK_HOSTS) is also sent them.

Messages are delivered in order, all the undelivered ones of a ticket at once. A failure
is recorded on the messages (attempts, error, time of the next attempt, doubling up to
HANDOFF_RETRY_BACKOFF_MAX_SECONDS); backoffice/handoff/retry.py retries them in the
background until HANDOFF_RETRY_MAX_ATTEMPTS, after which the console shows them as not
delivered for good. Nothing is dropped: the next message of the agent carries them again.
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict
from datetime import timedelta
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from ..transactions import run_transaction
from .models import AGENT, SYSTEM, Message, Ticket
from .settings import HandoffSettings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Handoff-Secret"
DELIVER_PATH = "/webhooks/handoff/deliver"
_ticket_locks: Dict[int, threading.Lock] = defaultdict(threading.Lock)


class DeliveryFailed(Exception):
    """Rasa did not accept the delivery; the reason is logged and shown to the agent."""


class Delivery:
    """HTTP client of Rasa's handoff webhook (a transport may be injected by tests)."""

    def __init__(self, settings: HandoffSettings,
                 transport: Optional[httpx.BaseTransport] = None,
                 now: Optional[Callable[[], Any]] = None) -> None:
        self.settings = settings
        self.client = httpx.Client(timeout=settings.delivery_timeout, transport=transport)
        self.now = now

    def post_to_rasa(self, ticket: Ticket, messages: List[Dict[str, Any]],
                     resume_text: Optional[str] = None) -> None:
        body = {"conversation_id": ticket.conversation_id, "channel": ticket.channel,
                "reference": ticket.reference, "messages": messages,
                "resume": {"text": resume_text} if resume_text else None}
        try:
            response = self.client.post(f"{self.settings.rasa_url}{DELIVER_PATH}", json=body,
                                        headers={SECRET_HEADER: self.settings.secret})
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"Rasa injoignable ({exc.__class__.__name__})") from exc
        if response.status_code != 200:
            raise DeliveryFailed(f"Rasa a répondu {response.status_code}")

    def post_to_callback(self, ticket: Ticket, messages: List[Dict[str, Any]]) -> None:
        """Best effort: the REST integration can always poll instead."""
        url = ticket.callback_url
        if not url or (urlsplit(url).hostname or "").lower() not in self.settings.callback_hosts:
            return
        try:
            self.client.post(url, json={"conversation_id": ticket.conversation_id,
                                        "reference": ticket.reference, "messages": messages})
        except httpx.HTTPError as exc:
            logger.warning("Callback %s of %s failed: %s", url, ticket.reference, exc)

    def close(self) -> None:
        self.client.close()


def record_failure(message: Message, error: str, now: Any, settings: HandoffSettings) -> None:
    """One more failed attempt; no next attempt once the last one has failed."""
    message.delivery_error = error[:200]
    message.delivery_attempts = (message.delivery_attempts or 0) + 1
    message.next_attempt_at = (
        now + timedelta(seconds=settings.retry_delay(message.delivery_attempts))
        if message.delivery_attempts < settings.retry_max_attempts else None)


def _payload(message: Message) -> Dict[str, Any]:
    return {"id": message.id, "author": message.author, "text": message.text,
            "agent_name": message.agent.display_name if message.agent else None}


def deliver_pending(sessions: sessionmaker, delivery: Delivery, ticket_id: int, now: Any,
                    resume_text: Optional[str] = None) -> Optional[str]:
    """Deliver the ticket's undelivered agent and system messages (and the resumption).

    Returns None on success, else the reason of the failure (French). With
    ``resume_text`` a failure leaves the messages undelivered and raises nothing: the
    caller decides (give-back is refused when Rasa could not resume the bot).
    """
    with _ticket_locks[ticket_id]:
        def load(session):
            ticket = session.get(Ticket, ticket_id)
            pending = session.execute(select(Message).where(
                Message.ticket_id == ticket_id, Message.author.in_((AGENT, SYSTEM)),
                Message.delivered_at.is_(None)).order_by(Message.id)).scalars().all()
            return ticket, [_payload(m) for m in pending]

        ticket, messages = run_transaction(sessions, load)
        if not messages and not resume_text:
            return None
        error = None
        try:
            delivery.post_to_rasa(ticket, messages, resume_text)
        except DeliveryFailed as exc:
            logger.warning("Delivery of %s failed: %s", ticket.reference, exc)
            error = str(exc)
        if error is None and messages:
            delivery.post_to_callback(ticket, messages)

        def record(session):
            for item in session.execute(select(Message).where(
                    Message.id.in_([m["id"] for m in messages]))).scalars():
                if error is None:
                    item.delivered_at, item.delivery_error = now, None
                    item.next_attempt_at = None
                else:
                    record_failure(item, error, now, delivery.settings)

        if messages:
            run_transaction(sessions, record)
        return error
