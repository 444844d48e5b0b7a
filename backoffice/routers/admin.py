"""Admin API (X-Admin-Key): create and update cases, list the day's appointments."""
from __future__ import annotations

from datetime import date
from typing import Optional

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..context import AppContext, get_context
from ..errors import ApiError
from ..idempotency import idempotency_key_header
from ..models import Case
from ..schemas.appointments import AdminAppointmentsOut
from ..schemas.cases import AdminCaseIn, AdminStatusIn, CaseKind, CaseListOut, CaseOut
from ..schemas.common import COMMON_ERRORS, Code, error_responses
from ..security import Caller, require_admin_key
from ..services import appointments as appointment_service
from ..services import cases as service
from ..transactions import run_transaction
from .common import channel_header, check_date, create_case, reference_path

router = APIRouter(prefix="/api/v1/admin", tags=["Administration"],
                   responses=error_responses(*COMMON_ERRORS))


@router.post("/cases", status_code=201, response_model=CaseOut,
             responses=error_responses(409), summary="Créer un dossier de n'importe quel type")
def admin_create_case(data: AdminCaseIn, request: Request,
                      key: Optional[str] = Depends(idempotency_key_header),
                      caller: Caller = Depends(require_admin_key),
                      channel: str = Depends(channel_header),
                      ctx: AppContext = Depends(get_context)):
    return create_case(ctx, caller, request, key, data, channel, "agent",
                       lambda _session, _now: service.from_admin_request(data))


@router.get("/cases", response_model=CaseListOut, summary="Lister les dossiers")
def admin_list_cases(kind: Optional[CaseKind] = None, status: Optional[Code] = None,
                     limit: int = Query(50, ge=1, le=500),
                     _caller: Caller = Depends(require_admin_key),
                     ctx: AppContext = Depends(get_context)):
    def read(session):
        query = select(Case).options(selectinload(Case.events)).order_by(
            Case.created_at.desc()).limit(limit)
        if kind is not None:
            query = query.where(Case.kind == kind.value)
        if status is not None:
            query = query.where(Case.status == status)
        return {"cases": [service.to_out(c) for c in session.execute(query).scalars()]}

    return run_transaction(ctx.sessions, read)


@router.get("/cases/{reference}", response_model=CaseOut, responses=error_responses(404),
            summary="Consulter un dossier")
def admin_get_case(reference: str = Depends(reference_path),
                   _caller: Caller = Depends(require_admin_key),
                   ctx: AppContext = Depends(get_context)):
    def read(session):
        case = service.find(session, reference)
        if case is None:
            raise ApiError(404, "not_found", f"Aucun dossier ne porte la référence {reference}.")
        return service.to_out(case)

    return run_transaction(ctx.sessions, read)


@router.post("/cases/{reference}/status", response_model=CaseOut,
             responses=error_responses(404), summary="Changer le statut d'un dossier")
def admin_change_status(data: AdminStatusIn, reference: str = Depends(reference_path),
                        _caller: Caller = Depends(require_admin_key),
                        channel: str = Depends(channel_header),
                        ctx: AppContext = Depends(get_context)):
    now = ctx.clock.now()
    extra = {"next_step": data.next_step} if "next_step" in data.__fields_set__ else {}

    def work(session):
        case = service.find(session, reference)
        if case is None:
            raise ApiError(404, "not_found", f"Aucun dossier ne porte la référence {reference}.")
        service.change_status(session, case, data.status, now, actor="agent", channel=channel,
                              note=data.note, missing_documents=data.missing_documents, **extra)
        return service.to_out(case)

    return run_transaction(ctx.sessions, work)


@router.get("/appointments", response_model=AdminAppointmentsOut,
            summary="Rendez-vous d'une journée (confirmés et annulés)")
def admin_appointments(day: Optional[date] = Query(None,
                                                   description="Jour (défaut : aujourd'hui)."),
                       _caller: Caller = Depends(require_admin_key),
                       ctx: AppContext = Depends(get_context)):
    day = check_date(day, "day") if day else ctx.clock.today()

    def read(session):
        return [appointment_service.to_out(a, ctx.commune)
                for a in appointment_service.of_day(session, day)]

    return {"day": day, "appointments": run_transaction(ctx.sessions, read)}
