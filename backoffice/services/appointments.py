"""Appointment booking, rescheduling and cancellation against the database.

Capacity is enforced by the partial unique index on (procedure, start,
counter) of confirmed appointments: we pick the first counter that looks
free and insert; if a concurrent booking took it, the insert fails, the
transaction is replayed (see transactions.run_transaction) and sees the
slot as it now is.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Dict, List, Optional, Set

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import PARIS, to_local, to_utc
from ..errors import ApiError
from ..models import Appointment, AppointmentEvent
from ..references import allocate_reference
from ..schemas.appointments import AppointmentCreate
from .slots import BookingHorizon, bookable_slots, closed_reason, validate_start

STATUS_LABELS = {"confirmed": "Rendez-vous confirmé", "cancelled": "Rendez-vous annulé"}


def get_procedure(commune, code: str):
    """The commune's procedure ``code``, or a 404 ApiError."""
    procedure = commune.procedures.get(code)
    if procedure is None:
        raise ApiError(404, "unknown_procedure",
                       "Cette démarche n'existe pas. Démarches possibles : "
                       + ", ".join(sorted(commune.procedures)) + ".",
                       {"procedures": sorted(commune.procedures)})
    return procedure


def _taken_counters(session: Session, procedure: str, start: datetime,
                    exclude_id: Optional[int] = None) -> Set[int]:
    query = select(Appointment.counter).where(
        Appointment.procedure == procedure, Appointment.start_at == to_utc(start),
        Appointment.status == "confirmed")
    if exclude_id is not None:
        query = query.where(Appointment.id != exclude_id)
    return set(session.execute(query).scalars())


def _free_counter(session: Session, procedure, start: datetime,
                  exclude_id: Optional[int] = None) -> int:
    taken = _taken_counters(session, procedure.code, start, exclude_id)
    for counter in range(1, procedure.counters + 1):
        if counter not in taken:
            return counter
    raise ApiError(409, "slot_unavailable",
                   "Ce créneau n'est plus disponible. Merci d'en choisir un autre.")


def booked_counts(session: Session, procedure: str, first: datetime,
                  last: datetime) -> Dict[datetime, int]:
    """Confirmed appointments per slot start (UTC) between two instants."""
    rows = session.execute(
        select(Appointment.start_at, func.count())
        .where(Appointment.procedure == procedure, Appointment.status == "confirmed",
               Appointment.start_at >= to_utc(first), Appointment.start_at <= to_utc(last))
        .group_by(Appointment.start_at)).all()
    return {start: count for start, count in rows}


def free_slots(session: Session, commune, procedure, first: date, last: date,
               now: datetime) -> List[dict]:
    """Bookable slots of ``procedure`` between two days with their free counters."""
    horizon = BookingHorizon.of(procedure, now)
    candidates = list(bookable_slots(commune, procedure, first, last, horizon))
    if not candidates:
        return []
    counts = booked_counts(session, procedure.code, candidates[0][0], candidates[-1][0])
    slots = []
    for start, end in candidates:
        available = procedure.counters - counts.get(to_utc(start), 0)
        if available > 0:
            slots.append({"start": start, "end": end, "available": available})
    return slots


def closed_days(commune, procedure, first: date, last: date) -> List[dict]:
    """Days of the period when the service does not open, with the reason."""
    days, day = [], first
    while day <= last:
        reason = closed_reason(commune, procedure.service, day)
        if reason:
            days.append({"date": day, "reason": reason})
        day += timedelta(days=1)
    return days


def _event(appointment: Appointment, action: str, now: datetime, channel: str) -> None:
    appointment.events.append(AppointmentEvent(
        action=action, start_at=appointment.start_at, counter=appointment.counter,
        occurred_at=now, channel=channel))


def book(session: Session, commune, data: AppointmentCreate, now: datetime,
         channel: str) -> Appointment:
    """Book ``data`` on the first free counter of its slot (raises 404/409/422 ApiError)."""
    procedure = get_procedure(commune, data.procedure)
    start, end = validate_start(commune, procedure, data.start, now)
    # Drawing the reference first locks the RDV counter row: concurrent bookings queue
    # here, so the counters read next are up to date and conflicts stay exceptional.
    reference = allocate_reference(session, "RDV", to_local(now).year)
    counter = _free_counter(session, procedure, start)
    appointment = Appointment(
        reference=reference, procedure=procedure.code, service_id=procedure.service,
        start_at=to_utc(start), end_at=to_utc(end), counter=counter, status="confirmed",
        citizen_name=data.name, citizen_email=data.email, citizen_phone=data.phone,
        channel=channel, created_at=now, updated_at=now)
    _event(appointment, "booked", now, channel)
    session.add(appointment)
    session.flush()  # IntegrityError here means the counter was just taken: retried.
    return appointment


def _ensure_changeable(appointment: Appointment, now: datetime) -> None:
    if appointment.status == "cancelled":
        raise ApiError(409, "appointment_cancelled",
                       "Ce rendez-vous a déjà été annulé. Vous pouvez en prendre un nouveau.")
    if appointment.start_at <= now:
        raise ApiError(409, "appointment_past",
                       "Ce rendez-vous est déjà passé et ne peut plus être modifié.")


def reschedule(session: Session, commune, appointment: Appointment, new_start: datetime,
               now: datetime, channel: str) -> Appointment:
    """Move ``appointment`` to ``new_start`` (same reference)."""
    _ensure_changeable(appointment, now)
    procedure = get_procedure(commune, appointment.procedure)
    start, end = validate_start(commune, procedure, new_start, now)
    if to_utc(start) == appointment.start_at:
        return appointment
    appointment.counter = _free_counter(session, procedure, start, exclude_id=appointment.id)
    appointment.start_at, appointment.end_at = to_utc(start), to_utc(end)
    appointment.reschedule_count += 1
    appointment.updated_at = now
    _event(appointment, "rescheduled", now, channel)
    session.flush()
    return appointment


def cancel(session: Session, appointment: Appointment, now: datetime,
           channel: str) -> Appointment:
    """Cancel ``appointment``; cancelling twice is harmless."""
    if appointment.status == "cancelled":
        return appointment
    _ensure_changeable(appointment, now)
    appointment.status = "cancelled"
    appointment.cancelled_at = appointment.updated_at = now
    _event(appointment, "cancelled", now, channel)
    session.flush()
    return appointment


def find(session: Session, reference: str) -> Optional[Appointment]:
    return session.execute(select(Appointment).where(
        Appointment.reference == reference)).scalar_one_or_none()


def of_day(session: Session, day: date) -> List[Appointment]:
    first = datetime.combine(day, datetime.min.time(), tzinfo=PARIS)
    return list(session.execute(
        select(Appointment)
        .where(Appointment.start_at >= to_utc(first),
               Appointment.start_at < to_utc(first + timedelta(days=1)))
        .order_by(Appointment.start_at, Appointment.counter)).scalars())


def to_out(appointment: Appointment, commune) -> dict:
    """Response body of an appointment (times in Europe/Paris)."""
    procedure = commune.procedures.get(appointment.procedure)
    service = commune.services.get(appointment.service_id)
    return {
        "reference": appointment.reference,
        "procedure": appointment.procedure,
        "procedure_name": procedure.name if procedure else appointment.procedure,
        "service": appointment.service_id,
        "service_name": service.name if service else appointment.service_id,
        "address": getattr(service, "address", None) if service else None,
        "start": to_local(appointment.start_at),
        "end": to_local(appointment.end_at),
        "counter": appointment.counter,
        "status": appointment.status,
        "status_label": STATUS_LABELS.get(appointment.status, appointment.status),
        "citizen": {"name": appointment.citizen_name, "email": appointment.citizen_email,
                    "phone": appointment.citizen_phone},
        "documents": dict(procedure.documents) if procedure else {},
        "created_at": to_local(appointment.created_at),
        "updated_at": to_local(appointment.updated_at),
    }
