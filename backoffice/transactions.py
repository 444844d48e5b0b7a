"""Run a unit of work in one transaction, retrying when the database reports a race.

A unique-index violation (someone took the same slot or idempotency key
between our read and our write) or a PostgreSQL serialization failure or
deadlock rolls the whole attempt back and runs it again from a fresh read.
"""
from __future__ import annotations

import logging
from typing import Callable, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .db import session_scope

logger = logging.getLogger(__name__)
T = TypeVar("T")

_RETRYABLE_PGCODES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


class RetriesExhausted(Exception):
    """The work kept conflicting with concurrent transactions."""


def _is_retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    code = getattr(exc.orig, "pgcode", None)
    return isinstance(exc, OperationalError) and code in _RETRYABLE_PGCODES


def run_transaction(factory: sessionmaker, work: Callable[[Session], T], attempts: int = 8) -> T:
    """Call ``work(session)`` in a transaction, committed on success; retry races."""
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(factory) as session:
                return work(session)
        except DBAPIError as exc:
            if not _is_retryable(exc):
                raise
            logger.info("Transaction conflict (attempt %d/%d): %s", attempt, attempts,
                        exc.__class__.__name__)
    raise RetriesExhausted(f"gave up after {attempts} conflicting attempts")
