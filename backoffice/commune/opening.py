"""Opening hours computations: daily windows, closure reasons and "open now?".

A `Schedule` combines a place's weekly hours (which may depend on the date,
e.g. summer and winter hours of the recycling centre), its exceptional
closures and the public holidays, and answers for any date or instant.
Instants are read in the commune's timezone; naive ones are taken as local
wall-clock time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from .publicholidays import HolidayCalendar
from .schema import Closure
from .wording import format_date, format_time, weekday_name

Window = Tuple[time, time]

#: How far ahead `Schedule.status` looks for the next opening.
SEARCH_DAYS = 30


@dataclass(frozen=True)
class OpeningStatus:
    """Whether a place is open at an instant, in data and in one French sentence.

    open: open at that instant. closes_at: end of the current window when open.
    next_opening: the next time the place opens after the instant (after
    `closes_at` when open), searched about a month ahead; None if none.
    reason: why it is closed, in French ("jour férié : Armistice"), None when open.
    summary: a sentence for the citizen ("Ouvert jusqu'à 17 h 30 aujourd'hui").
    """

    open: bool
    closes_at: Optional[datetime]
    next_opening: Optional[datetime]
    reason: Optional[str]
    summary: str


def subtract(windows: Sequence[Window], span: Window) -> List[Window]:
    """`windows` minus the closed `span` (`time.max` meaning midnight)."""
    result = []
    for start, end in windows:
        if start < span[0]:
            result.append((start, min(end, span[0])))
        if end > span[1]:
            result.append((max(start, span[1]), end))
    return [window for window in result if window[0] < window[1]]


def to_local(at: datetime, tz: ZoneInfo) -> datetime:
    """`at` in `tz`; a naive datetime is read as wall-clock time in `tz`."""
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


class Schedule:
    """Opening rules of one service or place.

    `weekly_windows(day)` gives the usual windows of that day (before
    holidays and closures); `closures` are the exceptional closures that
    concern this place.
    """

    def __init__(self, place_id: str, weekly_windows: Callable[[date], List[Window]], closures: Sequence[Closure],
                 holidays: HolidayCalendar, tz: ZoneInfo, open_on_holidays: bool = False):
        self.place_id = place_id
        self._weekly = weekly_windows
        self._closures = [closure for closure in closures if closure.services is None or place_id in closure.services]
        self._holidays = holidays
        self._tz = tz
        self._open_on_holidays = open_on_holidays

    # --- one day
    def _closures_on(self, day: date) -> List[Closure]:
        return [closure for closure in self._closures if closure.start <= day <= closure.last_day]

    def closure_reason(self, day: date) -> Optional[str]:
        """Why the place is closed all day on `day` (French), or None if it opens."""
        holiday = self._holidays.name(day)
        if holiday and not self._open_on_holidays:
            return f"jour férié : {holiday}"
        closures = self._closures_on(day)
        for closure in closures:
            if closure.whole_day:
                return f"fermeture exceptionnelle : {closure.reason}"
        weekly = self._weekly(day)
        if not weekly:
            return f"fermé le {weekday_name(day)}"
        remaining = weekly
        for closure in closures:
            remaining = subtract(remaining, closure.closed_span())
        if not remaining:
            return f"fermeture exceptionnelle : {closures[0].reason}"
        return None

    def windows(self, day: date) -> List[Window]:
        """Opening windows on `day`, holidays and closures applied; empty when closed."""
        if self.closure_reason(day) is not None:
            return []
        windows = self._weekly(day)
        for closure in self._closures_on(day):
            windows = subtract(windows, closure.closed_span())
        return windows

    # --- one instant
    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self._tz)

    def next_opening(self, at: datetime) -> Optional[datetime]:
        """First window start strictly after `at`, within about a month."""
        at = to_local(at, self._tz)
        for offset in range(SEARCH_DAYS + 1):
            day = at.date() + timedelta(days=offset)
            for start, _ in self.windows(day):
                candidate = self._at(day, start)
                if candidate > at:
                    return candidate
        return None

    def status(self, at: datetime) -> OpeningStatus:
        """Open or closed at `at`, with the next opening and a French summary."""
        at = to_local(at, self._tz)
        day, now = at.date(), at.time().replace(tzinfo=None)
        windows = self.windows(day)
        for start, end in windows:
            if start <= now < end:
                return self._open_status(day, end, windows)
        following = self.next_opening(at)
        reason, summary = self._closed_wording(day, now, windows, following)
        return OpeningStatus(False, None, following, reason, summary)

    def _open_status(self, day: date, end: time, windows: Sequence[Window]) -> OpeningStatus:
        closes_at = self._at(day, end) if end != time.max else self._at(day + timedelta(days=1), time.min)
        summary = f"Ouvert jusqu'à {format_time(end)} aujourd'hui"
        later = [window for window in windows if window[0] >= end]
        if later:
            summary += ", puis " + " et ".join(f"de {format_time(s)} à {format_time(e)}" for s, e in later)
        return OpeningStatus(True, closes_at, self.next_opening(closes_at), None, summary)

    def _closed_wording(self, day: date, now: time, windows: Sequence[Window],
                        following: Optional[datetime]) -> Tuple[str, str]:
        before_first = not any(end <= now for _, end in windows)
        reopening = self._reopening(day, following, "ouverture" if before_first and windows else "réouverture")
        full_day = self.closure_reason(day)
        if full_day is not None:
            if full_day.startswith("fermé le "):
                return full_day, f"Fermé le {weekday_name(day)} ; {reopening}"
            return full_day, f"Fermé aujourd'hui ({format_date(day)}, {full_day}) ; {reopening}"
        partial = next((closure for closure in self._closures_on(day)
                        if closure.closed_span()[0] <= now < closure.closed_span()[1]), None)
        if partial is not None:
            reason = f"fermeture exceptionnelle : {partial.reason}"
            return reason, f"Fermé ({reason}) ; {reopening}"
        earlier = [end for _, end in windows if end <= now]
        later = [start for start, _ in windows if start > now]
        if not earlier:
            return "pas encore ouvert", f"Fermé pour le moment ; {reopening}"
        if later:
            gap = "pause de midi" if time(11) <= max(earlier) <= time(14, 30) else "fermé entre deux plages horaires"
            return gap, f"Fermé ({gap}) ; {reopening}"
        return "fermé pour aujourd'hui", f"Fermé pour aujourd'hui ; {reopening}"

    @staticmethod
    def _reopening(day: date, following: Optional[datetime], word: str = "réouverture") -> str:
        if following is None:
            return f"aucune ouverture prévue dans les {SEARCH_DAYS} prochains jours"
        moment = format_time(following.time())
        if following.date() == day:
            return f"{word} aujourd'hui à {moment}"
        when = format_date(following.date(), reference=day)
        if following.date() == day + timedelta(days=1):
            when = f"demain {when}"
        return f"{word} {when} à {moment}"
