"""Free appointment slots for a date wish: what to offer, and why the wish cannot be met.

GET /slots gives, for a procedure and a range of days, the free slots, the first
bookable instant (minimum lead time), the last bookable day and the days the service is
closed (with the reason: Sunday, public holiday, exceptional closure). From a
:class:`~actions.dates.DateWish` this module chooses at most six slots to offer as
buttons, spread over the days and close to the time asked for; when nothing fits it
explains why in French and offers the next free slots instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any, Dict, List, Optional

from actions.api.backoffice import get_client
from actions.dates import DateWish, french_date, french_datetime, slot_title

MAX_OFFERED = 6
#: Longest range GET /slots accepts, in days.
MAX_RANGE_DAYS = 31


@dataclass
class Proposal:
    """Slots to offer (starts, at most six) and, if the wish could not be met as asked,
    the French explanation to give first."""

    starts: List[datetime] = field(default_factory=list)
    note: Optional[str] = None


@dataclass
class SlotPage:
    """One answer of GET /slots, parsed."""

    starts: List[datetime]
    earliest_bookable: Optional[datetime]
    latest_day: Optional[date]
    closed: Dict[date, str]

    @classmethod
    def parse(cls, body: Dict[str, Any]) -> "SlotPage":
        earliest = body.get("earliest_bookable")
        latest = body.get("latest_bookable_day")
        return cls(
            starts=sorted(datetime.fromisoformat(s["start"]) for s in body.get("slots") or []
                          if s.get("available", 1) > 0),
            earliest_bookable=datetime.fromisoformat(earliest) if earliest else None,
            latest_day=date.fromisoformat(latest) if latest else None,
            closed={date.fromisoformat(d["date"]): d.get("reason") or "fermeture"
                    for d in body.get("closed_days") or []})


async def fetch_slots(procedure: str, first: date, last: date) -> SlotPage:
    """GET /slots for ``procedure`` between two days (clipped to 31 days)."""
    last = min(last, first + timedelta(days=MAX_RANGE_DAYS - 1))
    body = await get_client().acall("GET", "/slots", params={
        "procedure": procedure, "start": first.isoformat(), "end": last.isoformat()})
    return SlotPage.parse(body or {})


def _spread(starts: List[datetime], count: int) -> List[datetime]:
    """``count`` slots evenly spread over ``starts`` (the first one always included)."""
    if count >= len(starts):
        return list(starts)
    if count == 1:
        return [starts[0]]
    return [starts[round(i * (len(starts) - 1) / (count - 1))] for i in range(count)]


def pick(starts: List[datetime], wish: DateWish, limit: int = MAX_OFFERED) -> List[datetime]:
    """At most ``limit`` slots: the closest to the time asked for on each day, or else
    spread over the first days (a morning and an afternoon choice when possible)."""
    if not starts:
        return []
    if wish.at:
        minutes = wish.at.hour * 60 + wish.at.minute

        def distance(moment: datetime) -> tuple:
            return abs(moment.hour * 60 + moment.minute - minutes), moment.date()

        return sorted(sorted(starts, key=distance)[:limit])
    days = [list(group) for _, group in groupby(sorted(starts), key=lambda m: m.date())]
    per_day = max(2, -(-limit // len(days))) if len(days) < limit else 2
    chosen: List[datetime] = []
    for day in days:
        chosen += _spread(day, min(per_day, len(day)))
        if len(chosen) >= limit:
            break
    return sorted(chosen)[:limit]


def _closed_note(page: SlotPage, first: date, last: date) -> Optional[str]:
    closed = [(day, reason) for day, reason in sorted(page.closed.items()) if first <= day <= last]
    days = (last - first).days + 1
    if not closed or len(closed) < days:
        return None
    if len(closed) == 1:
        day, reason = closed[0]
        return f"Le service ne reçoit pas le {french_date(day)} ({reason})."
    return "Le service ne reçoit pas ces jours-là (" + ", ".join(
        f"{french_date(day)} : {reason}" for day, reason in closed[:3]) + ")."


def explain(page: SlotPage, wish: DateWish, first: date, last: date,
            any_in_window: bool) -> str:
    """Why no slot fits the wish, in French."""
    if page.latest_day and first > page.latest_day:
        return (f"Les rendez-vous ne peuvent pas encore être pris pour cette date : ils sont "
                f"ouverts jusqu'au {french_date(page.latest_day)} seulement.")
    closed = _closed_note(page, first, last)
    if closed:
        return closed
    if page.earliest_bookable and last < page.earliest_bookable.date():
        return (f"Les rendez-vous se prennent un peu à l'avance : le premier moment possible est "
                f"le {french_datetime(page.earliest_bookable)}.")
    if any_in_window and wish.part_of_day:
        return f"Il n'y a plus de créneau libre {wish.describe()}."
    return f"Tous les créneaux sont déjà pris {wish.describe()}."


async def propose(procedure: str, wish: DateWish, today: date) -> Proposal:
    """The slots to offer for ``wish``; raises BackOfficeError when it cannot be asked."""
    first = max(wish.earliest, today)
    last = max(first, min(wish.latest, first + timedelta(days=MAX_RANGE_DAYS - 1)))
    page = await fetch_slots(procedure, first, last)
    fitting = [s for s in page.starts if wish.accepts(s)]
    if fitting:
        return Proposal(pick(fitting, wish))
    note = explain(page, wish, first, last, bool(page.starts))
    if page.starts:
        return Proposal(pick(page.starts, wish), f"{note} Voici les autres créneaux libres à ces dates :")
    restart = last + timedelta(days=1)
    if page.latest_day and first > page.latest_day:
        restart = today
    if page.earliest_bookable:
        restart = max(restart, page.earliest_bookable.date())
    later = await fetch_slots(procedure, restart, restart + timedelta(days=MAX_RANGE_DAYS - 1))
    later_starts = [s for s in later.starts if wish.accepts(s)] or later.starts
    if not later_starts:
        return Proposal([], f"{note} Je n'ai trouvé aucun créneau libre dans les semaines qui "
                            "suivent : le service peut vous proposer une autre solution.")
    return Proposal(pick(later_starts, wish), f"{note} Voici les prochains créneaux disponibles :")


def slot_buttons(starts: List[datetime]) -> List[Dict[str, str]]:
    """Buttons whose payload gives the chosen start as the ``time`` entity (ISO)."""
    return [{"title": slot_title(start),
             "payload": "/inform" + json.dumps({"time": start.isoformat()})} for start in starts]


def parse_start(value: Any) -> Optional[datetime]:
    """An ISO slot start (from a button), timezone-aware, or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else None
