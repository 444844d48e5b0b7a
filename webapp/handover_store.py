"""Storage of kiosk-to-phone hand-over tokens.

`HandoverStore` is the interface; `InMemoryHandoverStore` suits a single webapp
process. A Redis or database store only has to implement the same five methods,
with `redeem` atomic (e.g. a Lua script or `GETDEL` in Redis, a conditional
UPDATE in SQL) so a token can never be used twice.
"""

from __future__ import annotations

import abc
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Dict, List, Optional

PENDING, REDEEMED, EXPIRED = "pending", "redeemed", "expired"

# Redeemed or expired tickets are kept this long so the kiosk can learn their fate.
STATUS_GRACE_SECONDS = 120


class HandoverError(Exception):
    """Base class; `reason` is one of unknown, expired, used."""

    reason = "unknown"


class UnknownToken(HandoverError):
    reason = "unknown"


class ExpiredToken(HandoverError):
    reason = "expired"


class UsedToken(HandoverError):
    reason = "used"


class StoreFull(Exception):
    pass


@dataclass(frozen=True)
class Ticket:
    token: str
    session_id: str
    transcript: List[dict] = field(default_factory=list)
    created_at: float = 0.0
    expires_at: float = 0.0
    redeemed_at: Optional[float] = None

    def status(self, now: float) -> str:
        if self.redeemed_at is not None:
            return REDEEMED
        return EXPIRED if now >= self.expires_at else PENDING


class HandoverStore(abc.ABC):
    @abc.abstractmethod
    def create(self, session_id: str, transcript: List[dict], ttl: float) -> Ticket:
        """Stores a new single-use ticket and returns it."""

    @abc.abstractmethod
    def status(self, token: str) -> str:
        """pending | redeemed | expired; raises UnknownToken."""

    @abc.abstractmethod
    def redeem(self, token: str) -> Ticket:
        """Atomically marks the ticket used and returns it with its session."""

    @abc.abstractmethod
    def peek(self, token: str) -> Ticket:
        """Returns a pending ticket without consuming it; raises otherwise."""

    @abc.abstractmethod
    def revoke(self, token: str) -> None:
        """Makes a pending ticket unusable (kiosk cancelled); unknown tokens are ignored."""


def new_token() -> str:
    return secrets.token_urlsafe(16)


class InMemoryHandoverStore(HandoverStore):
    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        max_tickets: int = 5000,
        token_factory: Callable[[], str] = new_token,
    ) -> None:
        self._clock = clock
        self._max = max_tickets
        self._new_token = token_factory
        self._tickets: Dict[str, Ticket] = {}
        self._lock = threading.Lock()

    def _purge(self, now: float) -> None:
        stale = [
            token
            for token, ticket in self._tickets.items()
            if now >= max(ticket.expires_at, ticket.redeemed_at or 0) + STATUS_GRACE_SECONDS
        ]
        for token in stale:
            del self._tickets[token]

    def _get(self, token: str, now: float) -> Ticket:
        self._purge(now)
        ticket = self._tickets.get(token)
        if ticket is None:
            raise UnknownToken(token)
        return ticket

    def create(self, session_id: str, transcript: List[dict], ttl: float) -> Ticket:
        now = self._clock()
        with self._lock:
            self._purge(now)
            if len(self._tickets) >= self._max:
                raise StoreFull()
            token = self._new_token()
            while token in self._tickets:
                token = self._new_token()
            ticket = Ticket(token, session_id, list(transcript), now, now + ttl)
            self._tickets[token] = ticket
            return ticket

    def status(self, token: str) -> str:
        now = self._clock()
        with self._lock:
            return self._get(token, now).status(now)

    def peek(self, token: str) -> Ticket:
        now = self._clock()
        with self._lock:
            ticket = self._get(token, now)
            self._check_pending(ticket, now)
            return ticket

    def redeem(self, token: str) -> Ticket:
        now = self._clock()
        with self._lock:
            ticket = self._get(token, now)
            self._check_pending(ticket, now)
            # Forget the conversation as soon as it has been handed over.
            self._tickets[token] = replace(
                ticket, session_id="", transcript=[], redeemed_at=now
            )
            return ticket

    def revoke(self, token: str) -> None:
        now = self._clock()
        with self._lock:
            ticket = self._tickets.get(token)
            if ticket is not None and ticket.status(now) == PENDING:
                self._tickets[token] = replace(
                    ticket, session_id="", transcript=[], expires_at=now
                )

    @staticmethod
    def _check_pending(ticket: Ticket, now: float) -> None:
        state = ticket.status(now)
        if state == REDEEMED:
            raise UsedToken(ticket.token)
        if state == EXPIRED:
            raise ExpiredToken(ticket.token)
