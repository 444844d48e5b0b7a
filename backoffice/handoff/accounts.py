"""Agent accounts: bcrypt password hashes, creation (CLI) and the documented demo agent."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import bcrypt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Agent

#: bcrypt reads at most 72 bytes of a password; longer ones are refused, never truncated.
MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_CHARS = 8
#: The demo agent created by ``python -m backoffice seed`` (documented in docs/handoff.md).
DEMO_USERNAME, DEMO_NAME, DEMO_PASSWORD = "agent.demo", "Camille Martin", "guichet-demo-2026"


class AccountError(ValueError):
    """An account could not be created; the message is French."""


def hash_password(password: str) -> str:
    raw = password.encode("utf-8")
    if len(raw) > MAX_PASSWORD_BYTES:
        raise AccountError(f"Le mot de passe ne doit pas dépasser {MAX_PASSWORD_BYTES} octets.")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(
            f"Le mot de passe doit contenir au moins {MIN_PASSWORD_CHARS} caractères.")
    return bcrypt.hashpw(raw, bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    raw = password.encode("utf-8")
    if len(raw) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(raw, password_hash.encode("ascii"))
    except ValueError:
        return False


#: Hash checked when the user name is unknown, so that timing does not reveal accounts.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt()).decode("ascii")


def authenticate(session: Session, username: str, password: str) -> Optional[Agent]:
    agent = find_agent(session, username)
    if agent is None or not agent.active:
        verify_password(password, _DUMMY_HASH)
        return None
    return agent if verify_password(password, agent.password_hash) else None


def find_agent(session: Session, username: str) -> Optional[Agent]:
    return session.execute(select(Agent).where(
        func.lower(Agent.username) == username.strip().lower())).scalar_one_or_none()


def create_agent(session: Session, username: str, display_name: str, password: str,
                 now: datetime) -> Agent:
    username = username.strip().lower()
    if not username or len(username) > 60 or any(c.isspace() for c in username):
        raise AccountError("L'identifiant doit faire de 1 à 60 caractères, sans espace.")
    if not display_name.strip() or len(display_name.strip()) > 120:
        raise AccountError("Le nom affiché doit faire de 1 à 120 caractères.")
    if find_agent(session, username) is not None:
        raise AccountError(f"L'agent « {username} » existe déjà.")
    agent = Agent(username=username, display_name=display_name.strip(),
                  password_hash=hash_password(password), active=True, created_at=now)
    session.add(agent)
    session.flush()
    return agent


def ensure_demo_agent(session: Session, now: datetime) -> bool:
    """Create the demo agent unless it exists; True when created."""
    if find_agent(session, DEMO_USERNAME) is not None:
        return False
    create_agent(session, DEMO_USERNAME, DEMO_NAME, DEMO_PASSWORD, now)
    return True


def set_available(session: Session, agent_id: int, available: bool) -> bool:
    """An agent comes back (True) or goes "en pause" (False): only available agents count
    as able to answer a citizen (sessions.agents_online)."""
    agent = session.get(Agent, agent_id)
    agent.available = available
    return available
