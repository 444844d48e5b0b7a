"""Citizen cases API: status look-up and creation of EC, SIG and DEC requests.

Every creating endpoint is declared by :func:`create_endpoint`, which makes it
idempotent (``Idempotency-Key``) and records the case with the caller's channel.
"""
# No ``from __future__ import annotations`` here: the body type of each generated
# endpoint must be a real class for FastAPI to read it.

from typing import Callable, Optional, Type

from fastapi import APIRouter, Depends, Request

from ..context import AppContext, get_context
from ..idempotency import idempotency_key_header
from ..schemas.cases import BinRequestIn, BulkyPickupIn, CaseOut, CivilStatusRequestIn, ReportIn
from ..schemas.common import COMMON_ERRORS, ReferenceAccess, error_responses
from ..security import Caller, require_api_key
from ..services import cases as service
from ..services.access import guarded_access
from ..services.bulky import book_pickup
from ..services.requests import bin_request_case, civil_status_case, report_case
from .common import channel_header, create_case

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


#: ``build(ctx, data, session, now) -> NewCase``
CaseBuilder = Callable[[AppContext, object, object, object], object]


def create_endpoint(path: str, name: str, body: Type, summary: str, build: CaseBuilder) -> None:
    """Declare ``POST path`` creating the case ``build`` returns, idempotently (201)."""

    def endpoint(data: body, request: Request,
                 key: Optional[str] = Depends(idempotency_key_header),
                 caller: Caller = Depends(require_api_key),
                 channel: str = Depends(channel_header),
                 ctx: AppContext = Depends(get_context)):
        return create_case(ctx, caller, request, key, data, channel, "citoyen",
                           lambda session, now: build(ctx, data, session, now))

    endpoint.__name__ = name
    router.post(path, status_code=201, response_model=CaseOut, responses=error_responses(409),
                summary=summary)(endpoint)


create_endpoint(
    "/civil-status-requests", "create_civil_status_request", CivilStatusRequestIn,
    "Demander un acte d'état civil (référence EC-…)",
    lambda ctx, data, _session, _now: civil_status_case(ctx.commune, data))

create_endpoint(
    "/reports", "create_report", ReportIn,
    "Signaler un problème sur l'espace public (référence SIG-…)",
    lambda ctx, data, _session, _now: report_case(ctx.commune, data))

create_endpoint(
    "/bulky-waste-pickups", "create_bulky_pickup", BulkyPickupIn,
    "Réserver un enlèvement d'encombrants (référence DEC-…)",
    lambda ctx, data, session, now: book_pickup(session, ctx.commune, data, now,
                                                ctx.settings.bulky_round_capacity,
                                                ctx.settings.bulky_min_lead_days))

create_endpoint(
    "/bin-requests", "create_bin_request", BinRequestIn,
    "Demander un bac neuf, plus grand, ou remplacer un bac cassé ou volé (référence DEC-…)",
    lambda ctx, data, _session, _now: bin_request_case(ctx.commune, data))
