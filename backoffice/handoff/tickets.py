"""Handoff tickets: availability, creation, queue, atomic claim, messages, notes, closing.

Functions work inside the caller's transaction (``run_transaction``) and raise
:class:`~backoffice.errors.ApiError` with French messages. Delivery of agent messages
to the citizen is in :mod:`backoffice.handoff.delivery`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..commune import CommuneLookupError
from ..errors import ApiError, not_found
from ..references import allocate_reference
from . import texts
from .models import (AGENT, CITIZEN, CLAIMED, LIVE, OPEN_STATUSES, WAITING, Agent,
                     Message, Note, Ticket)
from .schemas import CitizenMessageIn, TicketIn
from .sessions import agents_online
from .settings import HandoffSettings

#: Queue priority of each urgency level (higher first).
PRIORITIES = {"danger": 3, "distress": 2, "urgent": 1}


def priority_of(urgency: Optional[str]) -> int:
    return PRIORITIES.get(urgency or "", 0)


# -- availability ------------------------------------------------------------------------
def availability(session: Session, commune: Any, settings: HandoffSettings, now: datetime,
                 service: Optional[str] = None) -> Dict[str, Any]:
    """Whether an agent can answer now: the service is open and an agent is online."""
    service_id = service if service and service in commune.services else settings.service
    try:
        status = commune.opening_status(service_id, now)
    except CommuneLookupError:  # pragma: no cover - HANDOFF_SERVICE names a real service
        service_id, status = settings.service, commune.opening_status(settings.service, now)
    online = agents_online(session, now, settings)
    waiting = session.execute(select(func.count(Ticket.id)).where(
        Ticket.kind == LIVE, Ticket.status == WAITING)).scalar_one()
    return {"available": bool(status.open and online), "open": status.open,
            "agents_online": online, "waiting": waiting, "service": service_id,
            "next_opening": status.next_opening, "summary": status.summary}


def unavailable_error(info: Dict[str, Any]) -> ApiError:
    if info["open"]:
        message = "Aucun agent n'est disponible pour le moment."
    else:
        message = f"Les agents de la mairie ne sont pas joignables en ce moment : {info['summary']}"
    return ApiError(409, "no_agent_available", message, {
        "open": info["open"], "agents_online": info["agents_online"],
        "next_opening": info["next_opening"].isoformat() if info["next_opening"] else None,
        "summary": info["summary"]})


# -- tickets -----------------------------------------------------------------------------
def find_ticket(session: Session, reference: str) -> Ticket:
    ticket = session.execute(select(Ticket).where(
        Ticket.reference == reference.strip().upper())).scalar_one_or_none()
    if ticket is None:
        raise not_found("Aucun ticket ne correspond à cette référence.", "ticket_not_found")
    return ticket


def open_live_ticket(session: Session, conversation_id: str) -> Optional[Ticket]:
    return open_live_tickets(session, [conversation_id]).get(conversation_id)


def open_live_tickets(session: Session, conversation_ids: Iterable[str]) -> Dict[str, Ticket]:
    """The open live ticket of each of ``conversation_ids`` that has one, by conversation
    (one query for a batch; the index ``uq_handoff_live_open`` allows one per conversation)."""
    wanted = set(conversation_ids)
    if not wanted:
        return {}
    return {ticket.conversation_id: ticket for ticket in session.execute(select(Ticket).where(
        Ticket.conversation_id.in_(wanted), Ticket.kind == LIVE,
        Ticket.status.in_(OPEN_STATUSES))).scalars()}


def latest_live_ticket(session: Session, conversation_id: str) -> Optional[Ticket]:
    return session.execute(select(Ticket).where(
        Ticket.conversation_id == conversation_id, Ticket.kind == LIVE)
        .order_by(Ticket.id.desc()).limit(1)).scalar_one_or_none()


def queue_position(session: Session, ticket: Ticket) -> Optional[int]:
    """Rank of a waiting live ticket: more urgent first, then older first."""
    if ticket.kind != LIVE or ticket.status != WAITING:
        return None
    ahead = session.execute(select(func.count(Ticket.id)).where(
        Ticket.kind == LIVE, Ticket.status == WAITING, Ticket.id != ticket.id,
        or_(Ticket.priority > ticket.priority,
            and_(Ticket.priority == ticket.priority,
                 or_(Ticket.created_at < ticket.created_at,
                     and_(Ticket.created_at == ticket.created_at, Ticket.id < ticket.id))))))
    return ahead.scalar_one() + 1


def _transcript(data: TicketIn) -> List[Dict[str, Any]]:
    return [{"author": item.author.value, "text": item.text,
             "at": item.at.isoformat() if item.at else None, "message_id": item.message_id}
            for item in data.transcript]


def create_ticket(session: Session, data: TicketIn, now: datetime) -> tuple:
    """Create the ticket (or find the open live one of the conversation): (ticket, existing)."""
    if data.kind.value == LIVE:
        existing = open_live_ticket(session, data.conversation_id)
        if existing is not None:
            return existing, True
    callback = data.callback
    ticket = Ticket(
        reference=allocate_reference(session, "AGT", now.year), kind=data.kind.value,
        status=WAITING, channel=data.channel, conversation_id=data.conversation_id,
        reason=data.reason.value, urgency=data.urgency.value if data.urgency else None,
        priority=priority_of(data.urgency.value if data.urgency else None),
        service=data.service, intent=data.intent, slots=data.slots,
        transcript=_transcript(data), citizen_name=data.citizen_name,
        callback_phone=callback.phone if callback else None,
        callback_email=callback.email if callback else None,
        callback_time=callback.preferred_time if callback else None,
        callback_url=data.callback_url, created_at=now)
    session.add(ticket)
    session.flush()  # a concurrent open ticket raises IntegrityError: run_transaction retries
    return ticket, False


def ticket_out(session: Session, ticket: Ticket, existing: bool = False) -> Dict[str, Any]:
    return {"reference": ticket.reference, "kind": ticket.kind, "status": ticket.status,
            "priority": ticket.priority, "queue_position": queue_position(session, ticket),
            "existing": existing, "created_at": ticket.created_at}


def queue(session: Session) -> List[Ticket]:
    """Open tickets: waiting ones by priority then waiting time, then those being handled."""
    waiting = session.execute(select(Ticket).where(Ticket.status == WAITING).order_by(
        Ticket.priority.desc(), Ticket.created_at, Ticket.id)).scalars().all()
    claimed = session.execute(select(Ticket).where(Ticket.status == CLAIMED).order_by(
        Ticket.claimed_at, Ticket.id)).scalars().all()
    return list(waiting) + list(claimed)


def claim(session: Session, reference: str, agent: Agent, now: datetime) -> Ticket:
    """Give a waiting ticket to ``agent``; exactly one of concurrent claims wins (409 else)."""
    ticket = find_ticket(session, reference)
    won = session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.status == WAITING)
        .values(status=CLAIMED, agent_id=agent.id, claimed_at=now)
        .execution_options(synchronize_session=False)).rowcount == 1
    session.expire(ticket)
    if not won:
        holder = ticket.agent.display_name if ticket.agent else None
        raise ApiError(409, "already_claimed",
                       f"Ce ticket a déjà été pris en charge par {holder}." if holder
                       else "Ce ticket n'est plus en attente.", {"agent": holder})
    return ticket


def require_owner(ticket: Ticket, agent: Agent) -> None:
    if ticket.status != CLAIMED or ticket.agent_id != agent.id:
        raise ApiError(409, "not_your_ticket",
                       "Prenez d'abord ce ticket en charge : il n'est pas à votre nom.")


def finish(session: Session, ticket: Ticket, agent: Agent, status: str, now: datetime) -> None:
    """Close ``ticket`` (status closed or returned) if it is still open."""
    done = session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.status.in_(OPEN_STATUSES))
        .values(status=status, closed_at=now, agent_id=ticket.agent_id or agent.id)
        .execution_options(synchronize_session=False)).rowcount == 1
    session.expire(ticket)
    if not done:
        raise ApiError(409, "ticket_closed", "Ce ticket est déjà clôturé.")


# -- messages and notes ------------------------------------------------------------------
def add_message(session: Session, ticket: Ticket, author: str, text: str, now: datetime,
                agent: Optional[Agent] = None, delivered: bool = False) -> Message:
    message = Message(ticket_id=ticket.id, conversation_id=ticket.conversation_id,
                      author=author, agent_id=agent.id if agent else None, text=text,
                      created_at=now, delivered_at=now if delivered else None)
    session.add(message)
    session.flush()
    return message


def add_citizen_messages(session: Session, items: Iterable[CitizenMessageIn],
                         now: datetime) -> int:
    """Attach messages written during a live handoff to its open ticket; others are dropped.
    Every citizen message passes here, nearly all outside a handoff: one query finds the
    open live tickets of the batch's conversations, and only their messages are looked at
    further."""
    items = list(items)
    in_handoff = open_live_tickets(session, (item.conversation_id for item in items))
    stored = 0
    for item in items:
        ticket = in_handoff.get(item.conversation_id)
        if ticket is None:
            continue
        if item.message_id and item.message_id in {
                line.get("message_id") for line in ticket.transcript or []}:
            continue  # the message that started the handoff is already in the transcript
        if item.message_id and session.execute(select(Message.id).where(
                Message.ticket_id == ticket.id,
                Message.external_id == item.message_id)).first():
            continue
        try:
            with session.begin_nested():
                session.add(Message(ticket_id=ticket.id, conversation_id=ticket.conversation_id,
                                    author=CITIZEN, text=item.text,
                                    external_id=item.message_id, created_at=now,
                                    delivered_at=now))
        except IntegrityError:
            continue
        stored += 1
    return stored


def messages_after(session: Session, after: int, *, ticket: Optional[Ticket] = None,
                   conversation_id: Optional[str] = None, limit: int = 200) -> List[Message]:
    query = select(Message).where(Message.id > after).order_by(Message.id).limit(limit)
    if ticket is not None:
        query = query.where(Message.ticket_id == ticket.id)
    else:
        query = query.where(Message.conversation_id == conversation_id)
    return list(session.execute(query).scalars())


def undelivered_labels(session: Session, ticket: Ticket) -> Dict[str, str]:
    """Agent messages of ``ticket`` not delivered yet, by id, with the console's label."""
    pending = session.execute(select(Message).where(
        Message.ticket_id == ticket.id, Message.author == AGENT,
        Message.delivered_at.is_(None)).order_by(Message.id)).scalars()
    return {str(m.id): message_out(m)["delivery_label"] for m in pending}


def add_note(session: Session, ticket: Ticket, agent: Agent, text: str, now: datetime) -> Note:
    note = Note(ticket_id=ticket.id, agent_id=agent.id, text=text, created_at=now)
    session.add(note)
    session.flush()
    return note


def notes_of(session: Session, ticket: Ticket) -> List[Note]:
    return list(session.execute(select(Note).where(Note.ticket_id == ticket.id)
                                .order_by(Note.id)).scalars())


def message_out(message: Message) -> Dict[str, Any]:
    delivered = message.delivered_at is not None or message.author != AGENT
    attempts = message.delivery_attempts or 0
    # next_attempt_at is cleared when the last background attempt has failed.
    failed_for_good = not delivered and attempts > 0 and message.next_attempt_at is None
    return {"id": message.id, "author": message.author, "text": message.text,
            "agent_name": message.agent.display_name if message.agent else None,
            "created_at": message.created_at, "delivered": delivered,
            "delivery_error": message.delivery_error, "delivery_attempts": attempts,
            "delivery_failed": failed_for_good,
            "delivery_label": texts.delivery_label(delivered, failed_for_good, attempts)}


def summary(ticket: Ticket) -> Dict[str, Any]:
    """What the bot understood, in the words the console shows."""
    return {"reason": texts.reason_label(ticket.reason),
            "urgency": texts.URGENCY_LABELS.get(ticket.urgency, ticket.urgency),
            "intent": ticket.intent, "slots": ticket.slots or {},
            "channel": texts.CHANNEL_LABELS.get(ticket.channel, ticket.channel)}
