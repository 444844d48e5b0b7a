"""Appointments API: procedures, free slots, booking, look-up, rescheduling, cancellation."""
from __future__ import annotations

from datetime import date, timedelta
from typing import List, Optional

from fastapi import APIRouter, Depends, Path, Query, Request

from ..context import AppContext, get_context
from ..errors import ApiError
from ..idempotency import IdempotentRequest, execute_idempotent, idempotency_key_header
from ..schemas.appointments import (AppointmentCreate, AppointmentOut, AppointmentReschedule,
                                    ProcedureOut, SlotsOut)
from ..schemas.common import (COMMON_ERRORS, EmailProof, ReferenceAccess,
                              error_responses)
from ..security import Caller, require_api_key
from ..services import appointments as service
from ..services.access import guarded_access
from ..services.cases import email_matches
from ..services.slots import BookingHorizon
from ..transactions import run_transaction
from .common import channel_header, check_date, reference_path

router = APIRouter(prefix="/api/v1", tags=["Rendez-vous"],
                   responses=error_responses(*COMMON_ERRORS))

NOT_FOUND = ("Aucun rendez-vous ne correspond à cette référence et à cette adresse e-mail. "
             "Merci de les vérifier.")


def _procedure_out(procedure, situations: dict) -> dict:
    return {"code": procedure.code, "name": procedure.name, "service": procedure.service,
            "duration_minutes": procedure.duration_minutes, "counters": procedure.counters,
            "min_lead_hours": procedure.min_lead_hours,
            "max_days_ahead": procedure.max_days_ahead, "bookable": procedure.bookable,
            "documents": {situation: list(papers)
                          for situation, papers in procedure.documents.items()},
            "situations": {situation: situations.get(situation, situation)
                           for situation in procedure.documents},
            "description": procedure.description, "fee": procedure.fee,
            "delay": procedure.delay, "validity": procedure.validity,
            "notes": list(procedure.notes)}


@router.get("/procedures", response_model=List[ProcedureOut],
            summary="Démarches sur rendez-vous")
def list_procedures(_caller: Caller = Depends(require_api_key),
                    ctx: AppContext = Depends(get_context)):
    return [_procedure_out(p, ctx.commune.situations) for p in ctx.commune.procedures.values()]


@router.get("/procedures/{code}", response_model=ProcedureOut,
            responses=error_responses(404), summary="Une démarche")
def get_procedure(code: str = Path(..., max_length=60), _caller: Caller = Depends(require_api_key),
                  ctx: AppContext = Depends(get_context)):
    return _procedure_out(service.get_procedure(ctx.commune, code), ctx.commune.situations)


@router.get("/slots", response_model=SlotsOut, responses=error_responses(404),
            summary="Créneaux libres d'une démarche sur une période (31 jours au plus)")
def list_slots(procedure: str = Query(..., max_length=60, description="ex. carte_identite"),
               start: Optional[date] = Query(None,
                                             description="Premier jour (défaut : aujourd'hui)."),
               end: Optional[date] = Query(None, description="Dernier jour inclus "
                                                             "(défaut : premier jour + 13)."),
               _caller: Caller = Depends(require_api_key),
               ctx: AppContext = Depends(get_context)):
    proc = service.get_procedure(ctx.commune, procedure)
    now = ctx.clock.now()
    first = check_date(start, "start") if start else now.date()
    last = check_date(end, "end") if end else first + timedelta(days=13)
    if last < first:
        raise ApiError(422, "invalid_date_range",
                       "La date de fin doit être postérieure ou égale à la date de début.")
    span = (last - first).days + 1
    if span > ctx.settings.max_slot_range_days:
        raise ApiError(422, "date_range_too_long",
                       f"La période demandée est trop longue : {ctx.settings.max_slot_range_days} "
                       "jours au maximum.", {"max_days": ctx.settings.max_slot_range_days})
    horizon = BookingHorizon.of(proc, now)

    def read(session):
        return service.free_slots(session, ctx.commune, proc, first, last, now)

    return {"procedure": proc.code, "service": proc.service, "start": first, "end": last,
            "earliest_bookable": horizon.earliest, "latest_bookable_day": horizon.latest_day,
            "slots": run_transaction(ctx.sessions, read),
            "closed_days": service.closed_days(ctx.commune, proc, first, last)}


@router.post("/appointments", status_code=201, response_model=AppointmentOut,
             responses=error_responses(404, 409), summary="Réserver un créneau")
def book_appointment(data: AppointmentCreate, request: Request,
                     idempotency_key: Optional[str] = Depends(idempotency_key_header),
                     caller: Caller = Depends(require_api_key),
                     channel: str = Depends(channel_header),
                     ctx: AppContext = Depends(get_context)):
    now = ctx.clock.now()
    idem = IdempotentRequest.build(caller.key_id, idempotency_key, "POST", request.url.path,
                                   data.dict())

    def work(session):
        appointment = service.book(session, ctx.commune, data, now, channel)
        return 201, service.to_out(appointment, ctx.commune), appointment.reference

    return execute_idempotent(ctx.sessions, idem, work, now, ctx.settings.idempotency_ttl_hours)


def _guarded(ctx: AppContext, caller: Caller, reference: str, email: str, endpoint: str, action):
    return guarded_access(ctx, caller, reference, email, endpoint, NOT_FOUND,
                          finder=service.find, email_of=lambda a: a.citizen_email,
                          matches=email_matches, action=action)


@router.post("/appointments/lookup", response_model=AppointmentOut,
             responses=error_responses(404, 429), summary="Retrouver un rendez-vous")
def lookup_appointment(data: ReferenceAccess, caller: Caller = Depends(require_api_key),
                       ctx: AppContext = Depends(get_context)):
    return _guarded(ctx, caller, data.reference, data.email, "appointments.lookup",
                    lambda _s, appointment: service.to_out(appointment, ctx.commune))


@router.post("/appointments/{reference}/cancel", response_model=AppointmentOut,
             responses=error_responses(404, 409, 429), summary="Annuler un rendez-vous")
def cancel_appointment(data: EmailProof, reference: str = Depends(reference_path),
                       caller: Caller = Depends(require_api_key),
                       channel: str = Depends(channel_header),
                       ctx: AppContext = Depends(get_context)):
    now = ctx.clock.now()

    def action(session, appointment):
        return service.to_out(service.cancel(session, appointment, now, channel), ctx.commune)

    return _guarded(ctx, caller, reference, data.email, "appointments.cancel", action)


@router.post("/appointments/{reference}/reschedule", response_model=AppointmentOut,
             responses=error_responses(404, 409, 429), summary="Déplacer un rendez-vous")
def reschedule_appointment(data: AppointmentReschedule,
                           reference: str = Depends(reference_path),
                           caller: Caller = Depends(require_api_key),
                           channel: str = Depends(channel_header),
                           ctx: AppContext = Depends(get_context)):
    now = ctx.clock.now()

    def action(session, appointment):
        moved = service.reschedule(session, ctx.commune, appointment, data.start, now, channel)
        return service.to_out(moved, ctx.commune)

    return _guarded(ctx, caller, reference, data.email, "appointments.reschedule", action)

