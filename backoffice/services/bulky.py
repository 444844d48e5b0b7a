"""Bulky-waste pickups: resolve the street to its sector and book a place on a round.

Each round (sector, date) has a capacity; places are numbered and the partial
unique index ``uq_cases_pickup`` guarantees that two requests never hold the
same place. A full round sends the request to the sector's next round.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Optional, Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import to_local
from ..errors import ApiError
from ..models import Case
from ..references import allocate_reference
from ..schemas.cases import BulkyPickupIn
from .cases import NewCase
from .locating import resolve_street

#: How many upcoming rounds are tried before giving up.
ROUNDS_TRIED = 4
BULKY_SERVICE = "dechets"


def _round_capacity(commune, sector: str, default: int) -> int:
    capacity = commune.bulky_round_capacity(sector)
    return capacity if capacity is not None else default


def _taken_positions(session: Session, sector: str, day: date) -> Set[int]:
    return set(session.execute(select(Case.pickup_position).where(
        Case.sector == sector, Case.pickup_date == day, Case.pickup_position.isnot(None),
        Case.status != "annule")).scalars())


def _first_free_place(session: Session, commune, sector: str, now: datetime, capacity: int,
                      min_lead_days: int):
    earliest = to_local(now).date() + timedelta(days=min_lead_days)
    for round_day in commune.next_bulky_rounds(sector, earliest, ROUNDS_TRIED):
        taken = _taken_positions(session, sector, round_day)
        for position in range(1, capacity + 1):
            if position not in taken:
                return round_day, position
    return None, None


def book_pickup(session: Session, commune, data: BulkyPickupIn, now: datetime,
                default_capacity: int, min_lead_days: int) -> NewCase:
    """A NewCase for ``data`` holding the first free place on the sector's next rounds."""
    street = resolve_street(commune, data.street)
    # Drawing the reference first locks the DEC counter row: concurrent pickups queue
    # here, so the places read next are up to date and conflicts stay exceptional.
    reference = allocate_reference(session, "DEC", to_local(now).year)
    capacity = _round_capacity(commune, street.sector, default_capacity)
    day: Optional[date]
    day, position = _first_free_place(session, commune, street.sector, now, capacity,
                                      min_lead_days)
    if day is None:
        raise ApiError(409, "bulky_rounds_full",
                       "Les prochaines tournées d'encombrants de votre secteur sont complètes. "
                       "Merci de contacter le service des déchets.")
    when = day.strftime("%d/%m/%Y")
    return NewCase(
        kind="DEC", case_type="encombrants", reference=reference,
        title=f"Enlèvement d'encombrants : {street.name}",
        fields={
            "next_step": (f"Enlèvement prévu le {when}. Sortez vos objets la veille au soir "
                          "devant votre domicile, sans gêner le passage des piétons."),
            "service_id": BULKY_SERVICE if BULKY_SERVICE in commune.services else None,
            "requester_name": data.name, "requester_email": data.email,
            "requester_phone": data.phone, "street": street.name,
            "location_details": data.address_details or (
                data.street if data.street != street.name else None),
            "sector": street.sector, "pickup_date": day, "pickup_position": position,
            "items": list(data.items),
        })
