"""Appointment slot grid of a procedure: which starts exist and which may be booked.

Pure functions over the commune model (opening windows, holidays, closures,
lead time, horizon); counting what is already booked is the caller's job.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterator, List, Optional, Tuple

from ..clock import PARIS, to_local
from ..errors import ApiError

Window = Tuple[datetime, datetime]


@dataclass(frozen=True)
class BookingHorizon:
    """The bookable period of a procedure seen from ``now``."""

    earliest: datetime  # first instant a slot may start
    latest_day: date  # last day a slot may be on

    @classmethod
    def of(cls, procedure, now: datetime) -> "BookingHorizon":
        now = to_local(now)
        return cls(earliest=now + timedelta(hours=procedure.min_lead_hours),
                   latest_day=now.date() + timedelta(days=procedure.max_days_ahead))


def closed_reason(commune, service_id: str, day: date) -> Optional[str]:
    """Why the service does not open at all on ``day`` (French), else None.

    The commune layer covers public holidays, exceptional closures and the
    weekdays the service never opens.
    """
    return commune.closure_reason(service_id, day)


def day_slots(commune, procedure, day: date) -> Iterator[Window]:
    """Every slot of ``procedure`` on ``day`` fitting in the service's opening windows."""
    step = timedelta(minutes=procedure.duration_minutes)
    for opens, closes in commune.opening_windows(procedure.service, day):
        start = datetime.combine(day, opens, tzinfo=PARIS)
        window_end = datetime.combine(day, closes, tzinfo=PARIS)
        while start + step <= window_end:
            yield start, start + step
            start += step


def bookable_slots(commune, procedure, first: date, last: date,
                   horizon: BookingHorizon) -> Iterator[Window]:
    """Slots between ``first`` and ``last`` (inclusive) inside the booking horizon."""
    day = first
    last = min(last, horizon.latest_day)
    while day <= last:
        for start, end in day_slots(commune, procedure, day):
            if start >= horizon.earliest:
                yield start, end
        day += timedelta(days=1)


def _french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def validate_start(commune, procedure, start: datetime, now: datetime) -> Window:
    """Check that ``start`` is a bookable slot of ``procedure``: (start, end), or a 422."""
    start = to_local(start)
    if not procedure.bookable:
        raise ApiError(422, "procedure_not_bookable",
                       "Cette démarche ne se réserve pas en ligne. Merci de contacter le service.")
    if start <= to_local(now):
        raise ApiError(422, "slot_in_past",
                       "Ce créneau est déjà passé. Merci d'en choisir un autre.")
    horizon = BookingHorizon.of(procedure, now)
    if start < horizon.earliest:
        raise ApiError(422, "slot_too_soon",
                       f"Les rendez-vous se prennent au moins {procedure.min_lead_hours} heure(s) "
                       "à l'avance. Merci de choisir un créneau plus tardif.",
                       {"earliest": horizon.earliest.isoformat()})
    if start.date() > horizon.latest_day:
        raise ApiError(422, "slot_too_far",
                       f"Les rendez-vous se prennent au plus {procedure.max_days_ahead} jours "
                       "à l'avance. Merci de choisir une date plus proche.",
                       {"latest_day": horizon.latest_day.isoformat()})
    slots: List[Window] = list(day_slots(commune, procedure, start.date()))
    for slot_start, slot_end in slots:
        if slot_start == start:
            return slot_start, slot_end
    slots = [slot for slot in slots if slot[0] >= horizon.earliest]
    reason = closed_reason(commune, procedure.service, start.date())
    if reason:
        raise ApiError(422, "service_closed",
                       f"Le service est fermé le {_french_date(start.date())} ({reason}). "
                       "Merci de choisir un autre jour.",
                       {"reason": reason, "slots_that_day": [s.isoformat() for s, _ in slots]})
    raise ApiError(422, "slot_outside_opening_hours",
                   "Ce créneau ne correspond pas aux horaires de rendez-vous du service. "
                   "Merci de choisir l'un des créneaux proposés.",
                   {"slots_that_day": [s.isoformat() for s, _ in slots]})
