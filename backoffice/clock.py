"""Time helpers: the commune's timezone, the current instant and ISO parsing."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Callable, Optional
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def to_local(value: datetime) -> datetime:
    """Return ``value`` in Europe/Paris; naive values are read as Paris wall-clock time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=PARIS)
    return value.astimezone(PARIS)


def to_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime (naive values are Paris wall-clock time)."""
    return to_local(value).astimezone(timezone.utc)


class Clock:
    """Source of "now"; frozen when a fixed instant is given (demos and tests)."""

    def __init__(self, fixed: Optional[datetime] = None,
                 source: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self._fixed = to_local(fixed) if fixed is not None else None
        self._source = source

    def now(self) -> datetime:
        """Current instant in Europe/Paris."""
        if self._fixed is not None:
            return self._fixed
        return to_local(self._source())

    def today(self) -> date:
        return self.now().date()

    @classmethod
    def from_setting(cls, fixed_now: Optional[str]) -> "Clock":
        return cls(datetime.fromisoformat(fixed_now) if fixed_now else None)
