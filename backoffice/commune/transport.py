"""Bus timetables: which line a citizen means, which stop, and the next departures.

Lines are named loosely ("3", "ligne 3", "L3", "bus 3", or part of the line
name); stops are matched fuzzily. Departure times at a stop are the terminus
departures plus the travel time to the stop. Public holidays use the Sunday
timetable (or no service), as the network says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo

from .errors import CommuneLookupError
from .fuzzy import FuzzyIndex, words_ratio
from .opening import to_local
from .publicholidays import HolidayCalendar
from .schema import DayService, Line, Stop, TransportFile
from .text import fold, without_stop_words

_LINE_PREFIX = re.compile(r"^(?:la\s+)?(?:ligne|line|bus|navette|l|n°|no|numero|num)\s*(?=\w)")

#: How many days ahead departures are searched.
DEPARTURE_HORIZON_DAYS = 7
STOP_THRESHOLD = 70.0


@dataclass(frozen=True)
class Departure:
    """A bus leaving `stop` of `line` at `at`, heading for `towards`."""

    line: str
    stop: str
    towards: str
    at: datetime


class BusNetwork:
    """The bus lines of the commune and their timetables."""

    def __init__(self, data: TransportFile, holidays: HolidayCalendar, tz: ZoneInfo):
        self.data = data
        self.lines: List[Line] = list(data.lines)
        self._holidays = holidays
        self._tz = tz
        self._names: FuzzyIndex[Line] = FuzzyIndex(((line.name, line) for line in self.lines), scorer=words_ratio)

    # --- finding things
    def find_line(self, query: str) -> Line:
        """The line meant by "3", "ligne 3", "L3", "bus 3" or part of its name."""
        key = _LINE_PREFIX.sub("", fold(query)).strip()
        for line in self.lines:
            if fold(line.id) == key:
                return line
        words = without_stop_words(key.split()) if key else []
        matches = self._names.search(" ".join(words), limit=3, threshold=75.0) if words else []
        if len(matches) == 1 or (matches and matches[0][1] - matches[1][1] >= 10):
            return matches[0][0]
        if matches:
            close = [line for line, _ in matches]
            listed = ", ".join(f"ligne {line.id} ({line.name})" for line in close)
            raise CommuneLookupError(f"Plusieurs lignes correspondent à « {query} » : {listed}. Laquelle ?",
                                     [f"ligne {line.id}" for line in close])
        known = ", ".join(f"ligne {line.id} ({line.name})" for line in self.lines)
        raise CommuneLookupError(f"Je ne trouve pas la ligne « {query} ». Lignes du réseau : {known}.",
                                 [f"ligne {line.id}" for line in self.lines])

    def find_stop(self, line: Line, query: str) -> Stop:
        """The stop of `line` closest to `query` (accents, case and typos tolerated)."""
        matches = FuzzyIndex((stop.name, stop) for stop in line.stops).search(query, limit=3,
                                                                              threshold=STOP_THRESHOLD)
        if matches and (len(matches) == 1 or matches[0][1] - matches[1][1] >= 5 or matches[0][1] == 100):
            return matches[0][0]
        names = [stop.name for stop in (m[0] for m in matches)] or [stop.name for stop in line.stops]
        raise CommuneLookupError(
            f"Je ne trouve pas l'arrêt « {query} » sur la ligne {line.id}. Arrêts : {', '.join(names)}.", names)

    # --- timetables
    def day_service(self, line: Line, day: date) -> Optional[DayService]:
        """Timetable of `line` on `day` (weekday, Saturday, Sunday or holiday), None if no bus."""
        if self._holidays.is_holiday(day):
            return line.service.sunday if self.data.holiday_service == "sunday" else None
        if day.weekday() == 6:
            return line.service.sunday
        if day.weekday() == 5:
            return line.service.saturday
        return line.service.weekday

    def _direction(self, line: Line, stop: Stop, towards: Optional[str]) -> Tuple[bool, str]:
        """(outbound?, terminus name): outbound runs from the first stop to the last."""
        first, last = line.stops[0], line.stops[-1]
        if towards:
            terminus = self.find_stop(line, towards)
            if terminus.name == first.name:
                return False, first.name
            if terminus.name == last.name:
                return True, last.name
            return terminus.minutes > stop.minutes, (last.name if terminus.minutes > stop.minutes else first.name)
        if stop.name == last.name:
            return False, first.name
        return True, last.name

    def departures(self, line_query: str, stop_query: str, at: datetime, count: int = 3,
                   towards: Optional[str] = None) -> List[Departure]:
        """The next `count` buses leaving the stop at or after `at`, in one direction.

        Default direction: towards the last stop of the line (towards the
        first one when the stop is the last one).
        """
        line = self.find_line(line_query)
        stop = self.find_stop(line, stop_query)
        outbound, terminus = self._direction(line, stop, towards)
        offset = stop.minutes if outbound else line.stops[-1].minutes - stop.minutes
        at = to_local(at, self._tz)
        found: List[Departure] = []
        for days in range(DEPARTURE_HORIZON_DAYS + 1):
            day = at.date() + timedelta(days=days)
            service = self.day_service(line, day)
            for leaves in (service.departures() if service else []):
                moment = datetime.combine(day, leaves, tzinfo=self._tz) + timedelta(minutes=offset)
                if moment >= at:
                    found.append(Departure(line.id, stop.name, terminus, moment))
                    if len(found) == count:
                        return found
        return found
