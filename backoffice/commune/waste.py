"""Waste collection dates: regular rules, public-holiday shifts, bulky-waste rounds.

Dates come from a sector's `CollectionRule` (weekly, every other week or
monthly, possibly seasonal); a date falling on a public holiday is then
moved according to the commune's `HolidayRule` (to the next day that is
neither a Sunday nor a holiday, dropped, or kept).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Dict, Iterator, List, Optional

from .publicholidays import HolidayCalendar
from .schema import BulkyRound, CollectionRule, HolidayRule, Sector
from .schema.fields import weekday_index
from .wording import format_date

#: How far ahead dates are searched (seasonal types may wait months).
HORIZON_DAYS = 400
#: How far back regular dates are looked at, so a collection shifted into the window is kept.
LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class CollectionDate:
    """A collection day; `shifted_from` is the usual day when a holiday moved it."""

    date: date
    shifted_from: Optional[date] = None
    reason: Optional[str] = None


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> Optional[date]:
    """The `nth` given weekday (Monday = 0) of a month; -1 for the last; None if absent."""
    days = [week[weekday] for week in calendar.Calendar().monthdatescalendar(year, month)
            if week[weekday].month == month]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if nth <= len(days) else None


def _months(start: date, end: date) -> Iterator[tuple]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def regular_dates(rule: CollectionRule, start: date, end: date) -> Iterator[date]:
    """Usual collection days of `rule` from `start` to `end` inclusive, before holiday shifts."""
    weekdays = {weekday_index(name) for name in rule.weekdays}
    if rule.frequency == "monthly":
        candidates = sorted(
            found for year, month in _months(start, end) for weekday in weekdays
            if (found := nth_weekday(year, month, weekday, rule.week_of_month)) is not None
        )
    else:
        candidates = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
        candidates = [day for day in candidates if day.weekday() in weekdays]
        if rule.frequency == "every_other_week":
            reference_monday = rule.reference_date - timedelta(days=rule.reference_date.weekday())
            candidates = [day for day in candidates
                          if ((day - timedelta(days=day.weekday()) - reference_monday).days // 7) % 2 == 0]
    for day in candidates:
        if start <= day <= end and (rule.season is None or rule.season.contains(day)):
            yield day


def shift_for_holiday(day: date, rule: HolidayRule, holidays: HolidayCalendar) -> Optional[CollectionDate]:
    """Apply the public-holiday rule to a usual collection day; None when it is dropped."""
    holiday = holidays.name(day)
    if holiday is None or rule.mode == "unchanged":
        return CollectionDate(day)
    if rule.mode == "skip":
        return None
    moved = day + timedelta(days=1)
    while moved.weekday() == 6 or holidays.is_holiday(moved):
        moved += timedelta(days=1)
    return CollectionDate(moved, shifted_from=day,
                          reason=f"{format_date(day)} est férié ({holiday}) : collecte reportée au {format_date(moved)}")


def _next_dates(dates: Iterator[date], rule: HolidayRule, holidays: HolidayCalendar, start: date,
                count: int) -> List[CollectionDate]:
    found = []
    for day in dates:
        collection = shift_for_holiday(day, rule, holidays)
        if collection is not None and collection.date >= start:
            found.append(collection)
        if len(found) >= count + 2:  # a shift can reorder neighbours: keep a little margin
            break
    return sorted(found, key=lambda item: item.date)[:count]


def next_collections(sector: Sector, rule: HolidayRule, holidays: HolidayCalendar, start: date,
                     count: int = 2) -> Dict[str, List[CollectionDate]]:
    """The next `count` collections on or after `start`, per waste type of the sector."""
    window_start, window_end = start - timedelta(days=LOOKBACK_DAYS), start + timedelta(days=HORIZON_DAYS)
    return {
        waste_type: _next_dates(regular_dates(collection, window_start, window_end), rule, holidays, start, count)
        for waste_type, collection in sector.collections.items()
    }


def round_dates(bulky_round: BulkyRound, start: date, end: date) -> Iterator[date]:
    """Usual days of a monthly bulky-waste round between `start` and `end`."""
    weekday = weekday_index(bulky_round.weekday)
    for year, month in _months(start, end):
        day = nth_weekday(year, month, weekday, bulky_round.week_of_month)
        if day is not None and start <= day <= end:
            yield day


def next_bulky_rounds(bulky_round: BulkyRound, rule: HolidayRule, holidays: HolidayCalendar, start: date,
                      count: int = 3) -> List[CollectionDate]:
    """The next `count` bulky-waste rounds on or after `start`, holiday rule applied."""
    dates = round_dates(bulky_round, start - timedelta(days=LOOKBACK_DAYS), start + timedelta(days=HORIZON_DAYS))
    return _next_dates(dates, rule, holidays, start, count)
