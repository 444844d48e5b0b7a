"""Tables of the human handoff: agents, their console sessions, AGT tickets, messages, notes.

They share the back office's declarative ``Base`` (same metadata, same naming convention)
and its reference counters (``AGT-YYYY-NNNNN``). Invariants kept by the database:

* one open live ticket per conversation — partial unique index ``uq_handoff_live_open``;
* a ticket is claimed by exactly one agent — claims are a single
  ``UPDATE … WHERE status = 'waiting'`` (see services.claim);
* a citizen message forwarded twice is stored once — unique (ticket, external id).
"""
from __future__ import annotations

from sqlalchemy import (JSON, Boolean, Column, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text, true)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import relationship

from ..models import Base, UTCDateTime

#: Ticket kinds: a live conversation with an agent, or a request to be called back.
LIVE, CALLBACK = "live", "callback"
#: Ticket statuses; "returned" = closed by giving the conversation back to the bot.
WAITING, CLAIMED, CLOSED, RETURNED = "waiting", "claimed", "closed", "returned"
OPEN_STATUSES = (WAITING, CLAIMED)
#: Message authors.
CITIZEN, AGENT, BOT, SYSTEM = "citizen", "agent", "bot", "system"

OPEN_LIVE = text("kind = 'live' AND status IN ('waiting', 'claimed')")


class Agent(Base):
    """A town-hall agent allowed into the console (password stored as a bcrypt hash)."""

    __tablename__ = "handoff_agents"
    id = Column(Integer, primary_key=True)
    username = Column(String(60), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    password_hash = Column(String(100), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    #: False while the agent is "en pause": they do not count as an agent who can answer.
    available = Column(Boolean, nullable=False, default=True, server_default=true())
    created_at = Column(UTCDateTime, nullable=False)


class AgentSession(Base):
    """A console login: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "handoff_agent_sessions"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    agent_id = Column(Integer, ForeignKey("handoff_agents.id", ondelete="CASCADE"),
                      nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    last_seen_at = Column(UTCDateTime, nullable=False, index=True)
    agent = relationship(Agent, lazy="joined")


class Ticket(Base):
    """An AGT hand-off ticket: a live conversation or a callback request."""

    __tablename__ = "handoff_tickets"
    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    kind = Column(String(10), nullable=False)
    status = Column(String(10), nullable=False, index=True)
    channel = Column(String(30), nullable=False)
    conversation_id = Column(String(128), nullable=False, index=True)
    reason = Column(String(40), nullable=False)
    priority = Column(Integer, nullable=False, default=0)
    urgency = Column(String(10))
    service = Column(String(60))
    intent = Column(String(100))
    slots = Column(JSON, nullable=False, default=dict)
    transcript = Column(JSON, nullable=False, default=list)
    citizen_name = Column(String(120))
    callback_phone = Column(String(30))
    callback_email = Column(String(254))
    callback_time = Column(String(200))
    callback_url = Column(String(500))
    agent_id = Column(Integer, ForeignKey("handoff_agents.id", ondelete="SET NULL"))
    created_at = Column(UTCDateTime, nullable=False)
    claimed_at = Column(UTCDateTime)
    closed_at = Column(UTCDateTime)
    agent = relationship(Agent, lazy="joined")

    __table_args__ = (
        Index("uq_handoff_live_open", "conversation_id", unique=True,
              sqlite_where=OPEN_LIVE, postgresql_where=OPEN_LIVE),
        Index("ix_handoff_tickets_queue", "status", "priority", "created_at"),
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Message(Base):
    """One line of the live conversation; the id is the cursor of ``?after=``."""

    __tablename__ = "handoff_messages"
    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("handoff_tickets.id", ondelete="CASCADE"),
                       nullable=False, index=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    author = Column(String(10), nullable=False)
    agent_id = Column(Integer, ForeignKey("handoff_agents.id", ondelete="SET NULL"))
    text = Column(Text, nullable=False)
    external_id = Column(String(100))
    created_at = Column(UTCDateTime, nullable=False)
    delivered_at = Column(UTCDateTime)
    delivery_error = Column(String(200))
    #: Failed deliveries so far; the background retry stops at HANDOFF_RETRY_MAX_ATTEMPTS.
    delivery_attempts = Column(Integer, nullable=False, default=0, server_default=sql_text("0"))
    next_attempt_at = Column(UTCDateTime)
    agent = relationship(Agent, lazy="joined")

    __table_args__ = (UniqueConstraint("ticket_id", "external_id"),)


class Note(Base):
    """An internal note of an agent on a ticket; never shown to the citizen."""

    __tablename__ = "handoff_notes"
    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("handoff_tickets.id", ondelete="CASCADE"),
                       nullable=False, index=True)
    agent_id = Column(Integer, ForeignKey("handoff_agents.id", ondelete="SET NULL"))
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    agent = relationship(Agent, lazy="joined")
