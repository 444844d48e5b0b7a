"""French public holidays, named in French, from the `holidays` library."""

from __future__ import annotations

import threading
from datetime import date
from functools import lru_cache
from typing import Optional

import holidays


class HolidayCalendar:
    """Public holidays of France, or of one French subdivision (e.g. "57" for Moselle).

    The library computes a year the first time it is asked about it; a lock
    keeps that safe when several threads of the web server ask at once.
    """

    def __init__(self, subdivision: Optional[str] = None):
        self.subdivision = subdivision
        self._holidays = holidays.France(subdiv=subdivision, language="fr")
        self._lock = threading.Lock()

    def name(self, day: date) -> Optional[str]:
        """French name of the public holiday on `day` ("Lundi de Pâques"), or None."""
        with self._lock:
            return self._holidays.get(day)

    def is_holiday(self, day: date) -> bool:
        return self.name(day) is not None


@lru_cache(maxsize=None)
def holiday_calendar(subdivision: Optional[str] = None) -> HolidayCalendar:
    """Shared calendar for a subdivision (None: mainland France)."""
    return HolidayCalendar(subdivision)


def holiday_name(day: date, subdivision: Optional[str] = None) -> Optional[str]:
    """French name of the French public holiday on `day`, or None.

    >>> holiday_name(date(2027, 3, 29))
    'Lundi de Pâques'
    """
    return holiday_calendar(subdivision).name(day)
