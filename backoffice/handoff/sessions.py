"""Server-side console sessions and their CSRF tokens.

The cookie carries a random token; the database keeps its SHA-256 with the agent, a CSRF
token and the last activity, so that every back-office instance sharing the database
knows the session and a logout is immediate. A session ends after
``session_idle_minutes`` without activity or ``session_max_hours`` after login. The
latest activity of an agent's sessions is also their presence ("online").
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import Agent, AgentSession
from .settings import HandoffSettings

COOKIE = "guichet_console"
#: Double-submit cookie protecting the login form (no session exists yet).
LOGIN_CSRF_COOKIE = "guichet_console_login"
#: Last-activity writes are skipped when the previous one is more recent than this.
TOUCH_EVERY = timedelta(seconds=10)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(given: Optional[str], expected: Optional[str]) -> bool:
    return bool(given and expected) and hmac.compare_digest(given.encode(), expected.encode())


def open_session(session: Session, agent: Agent, now: datetime) -> str:
    """Record a new session for ``agent``; returns the cookie's token."""
    token = new_token()
    session.add(AgentSession(token_hash=token_hash(token), agent_id=agent.id,
                             csrf_token=new_token(), created_at=now, last_seen_at=now))
    session.flush()
    return token


def _expired(record: AgentSession, now: datetime, settings: HandoffSettings) -> bool:
    return (now - record.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
            or now - record.created_at > timedelta(hours=settings.session_max_hours))


def resolve(session: Session, token: Optional[str], now: datetime,
            settings: HandoffSettings) -> Optional[AgentSession]:
    """The live session of ``token`` (its activity refreshed), or None."""
    if not token or len(token) > 100:
        return None
    record = session.execute(select(AgentSession).where(
        AgentSession.token_hash == token_hash(token))).scalar_one_or_none()
    if record is None:
        return None
    if _expired(record, now, settings) or not record.agent.active:
        session.delete(record)
        return None
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
    return record


def close_session(session: Session, token: Optional[str]) -> None:
    if token:
        session.execute(delete(AgentSession).where(AgentSession.token_hash == token_hash(token)))


def agents_online(session: Session, now: datetime, settings: HandoffSettings) -> int:
    """Agents who can answer: a console session active within the presence window, and
    not "en pause" (``Agent.available``)."""
    since = now - timedelta(seconds=settings.presence_seconds)
    return session.execute(
        select(func.count(func.distinct(AgentSession.agent_id)))
        .join(Agent, Agent.id == AgentSession.agent_id)
        .where(AgentSession.last_seen_at >= since, Agent.active.is_(True),
               Agent.available.is_(True))).scalar_one()
