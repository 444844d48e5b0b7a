"""Database-backed limiter of failed reference + e-mail look-ups.

Failures are rows of ``lookup_failures`` so that every back-office instance
sharing the database sees the same counts. A subject (a reference, or a
client) that reached the maximum number of failures within the window gets
HTTP 429 with a ``Retry-After`` header until its oldest counted failure ages out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Tuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .errors import ApiError
from .models import LookupFailure

Subject = Tuple[str, str]  # (scope, subject), e.g. ("reference", "URB-2026-00123")


@dataclass(frozen=True)
class LookupLimiter:
    max_failures: int
    window_seconds: int

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)

    def check(self, session: Session, subjects: Iterable[Subject], now: datetime) -> None:
        """Raise a 429 ApiError when one of ``subjects`` is over the limit."""
        since = now - self.window
        retry_after = 0
        for scope, subject in subjects:
            session.execute(delete(LookupFailure).where(
                LookupFailure.scope == scope, LookupFailure.subject == subject,
                LookupFailure.occurred_at < since).execution_options(synchronize_session=False))
            recent = session.execute(
                select(LookupFailure.occurred_at)
                .where(LookupFailure.scope == scope, LookupFailure.subject == subject,
                       LookupFailure.occurred_at >= since)
                .order_by(LookupFailure.occurred_at.desc())
                .limit(self.max_failures)).scalars().all()
            if len(recent) >= self.max_failures:
                free_at = recent[-1] + self.window
                retry_after = max(retry_after, math.ceil((free_at - now).total_seconds()), 1)
        if retry_after:
            minutes = max(1, math.ceil(retry_after / 60))
            raise ApiError(
                429, "too_many_attempts",
                "Trop de tentatives infructueuses. Pour protéger vos données, merci de "
                f"réessayer dans {minutes} minute(s) ou de contacter la mairie.",
                {"retry_after_seconds": retry_after},
                headers={"Retry-After": str(retry_after)})

    def record_failure(self, session: Session, subjects: Iterable[Subject],
                       endpoint: str, now: datetime) -> None:
        for scope, subject in subjects:
            session.add(LookupFailure(scope=scope, subject=subject, endpoint=endpoint,
                                      occurred_at=now))
