"""Citizen cases API: status look-up and creation of EC, SIG and DEC requests."""
from __future__ import annotations

from typing import Callable, Optional

from fastapi import APIRouter, Depends, Request

from ..context import AppContext, get_context
from ..idempotency import IdempotentRequest, execute_idempotent, idempotency_key_header
from ..schemas.cases import BulkyPickupIn, CaseOut, CivilStatusRequestIn, ReportIn
from ..schemas.common import COMMON_ERRORS, ReferenceAccess, error_responses
from ..security import Caller, require_api_key
from ..services import cases as service
from ..services.access import guarded_access
from ..services.bulky import book_pickup
from ..services.requests import civil_status_case, report_case
from .common import channel_header

router = APIRouter(prefix="/api/v1", tags=["Dossiers"],
                   responses=error_responses(*COMMON_ERRORS))

NOT_FOUND = ("Aucun dossier ne correspond à cette référence et à cette adresse e-mail. "
             "Merci de les vérifier, ou contactez la mairie.")


@router.post("/cases/lookup", response_model=CaseOut, responses=error_responses(404, 429),
             summary="Suivre un dossier (référence + e-mail du demandeur)")
def lookup_case(data: ReferenceAccess, caller: Caller = Depends(require_api_key),
                ctx: AppContext = Depends(get_context)):
    return guarded_access(ctx, caller, data.reference, data.email, "cases.lookup", NOT_FOUND,
                          finder=service.find, email_of=lambda case: case.requester_email,
                          matches=service.email_matches,
                          action=lambda _session, case: service.to_out(case))


def _create(ctx: AppContext, caller: Caller, request: Request, key: Optional[str],
            payload, channel: str, build: Callable) -> object:
    """Create a case built by ``build(session, now)``, idempotently."""
    now = ctx.clock.now()
    idem = IdempotentRequest.build(caller.key_id, key, "POST", request.url.path, payload.dict())

    def work(session):
        case = service.create(session, build(session, now), now, actor="citoyen",
                              channel=channel)
        return 201, service.to_out(case), case.reference

    return execute_idempotent(ctx.sessions, idem, work, now, ctx.settings.idempotency_ttl_hours)


@router.post("/civil-status-requests", status_code=201, response_model=CaseOut,
             responses=error_responses(409),
             summary="Demander un acte d'état civil (référence EC-…)")
def create_civil_status_request(data: CivilStatusRequestIn, request: Request,
                                key: Optional[str] = Depends(idempotency_key_header),
                                caller: Caller = Depends(require_api_key),
                                channel: str = Depends(channel_header),
                                ctx: AppContext = Depends(get_context)):
    return _create(ctx, caller, request, key, data, channel,
                   lambda _session, _now: civil_status_case(ctx.commune, data))


@router.post("/reports", status_code=201, response_model=CaseOut,
             responses=error_responses(409),
             summary="Signaler un problème sur l'espace public (référence SIG-…)")
def create_report(data: ReportIn, request: Request,
                  key: Optional[str] = Depends(idempotency_key_header),
                  caller: Caller = Depends(require_api_key),
                  channel: str = Depends(channel_header),
                  ctx: AppContext = Depends(get_context)):
    return _create(ctx, caller, request, key, data, channel,
                   lambda _session, _now: report_case(ctx.commune, data))


@router.post("/bulky-waste-pickups", status_code=201, response_model=CaseOut,
             responses=error_responses(409),
             summary="Réserver un enlèvement d'encombrants (référence DEC-…)")
def create_bulky_pickup(data: BulkyPickupIn, request: Request,
                        key: Optional[str] = Depends(idempotency_key_header),
                        caller: Caller = Depends(require_api_key),
                        channel: str = Depends(channel_header),
                        ctx: AppContext = Depends(get_context)):
    return _create(ctx, caller, request, key, data, channel,
                   lambda session, now: book_pickup(session, ctx.commune, data, now,
                                                    ctx.settings.bulky_round_capacity,
                                                    ctx.settings.bulky_min_lead_days))
