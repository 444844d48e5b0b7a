"""Commune information API: identity and contacts, services, opening status, holidays."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import List, Optional

from fastapi import APIRouter, Depends, Path, Query

from .. import commune_views as views
from ..context import AppContext, get_context
from ..errors import ApiError
from ..schemas.commune import CommuneOut, HolidaysOut, OpeningStatusOut, ServiceOut
from ..schemas.common import COMMON_ERRORS, MAX_YEAR, MIN_YEAR, error_responses
from ..security import Caller, require_api_key
from .common import check_date

router = APIRouter(prefix="/api/v1", tags=["Commune"],
                   responses=error_responses(*COMMON_ERRORS))


def find_service(commune, service_id: str):
    """The service ``service_id`` (or the one a citizen's wording means), else 404."""
    service = commune.services.get(service_id) or commune.find_service(service_id)
    if service is None:
        raise ApiError(404, "unknown_service",
                       "Ce service n'existe pas. Services possibles : "
                       + ", ".join(sorted(commune.services)) + ".",
                       {"services": sorted(commune.services)})
    return service


@router.get("/commune", response_model=CommuneOut, summary="Identité et contacts de la commune")
def get_commune(_caller: Caller = Depends(require_api_key), ctx: AppContext = Depends(get_context)):
    info = ctx.commune.info
    body = views.plain(info)
    body["address"]["full"] = str(info.address)
    return body


@router.get("/services", response_model=List[ServiceOut], summary="Services municipaux")
def list_services(_caller: Caller = Depends(require_api_key),
                  ctx: AppContext = Depends(get_context)):
    return [views.plain(service) for service in ctx.commune.services.values()]


@router.get("/services/{service_id}", response_model=ServiceOut, responses=error_responses(404),
            summary="Un service municipal")
def get_service(service_id: str = Path(..., max_length=100),
                _caller: Caller = Depends(require_api_key),
                ctx: AppContext = Depends(get_context)):
    return views.plain(find_service(ctx.commune, service_id))


@router.get("/services/{service_id}/status", response_model=OpeningStatusOut,
            responses=error_responses(404), summary="Ouvert ou fermé (maintenant ou à un instant)")
def service_status(service_id: str = Path(..., max_length=100),
                   at: Optional[datetime] = Query(None, description="Instant ISO (défaut : "
                                                                    "maintenant, heure de Paris)."),
                   _caller: Caller = Depends(require_api_key),
                   ctx: AppContext = Depends(get_context)):
    service = find_service(ctx.commune, service_id)
    moment = check_date(at, "at") if at else ctx.clock.now()
    status = ctx.commune.opening_status(service.id, moment)
    return views.opening_status(service.id, moment, status,
                                ctx.commune.opening_windows(service.id, moment))


@router.get("/holidays", response_model=HolidaysOut, summary="Jours fériés d'une année")
def list_holidays(year: Optional[int] = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
                  _caller: Caller = Depends(require_api_key),
                  ctx: AppContext = Depends(get_context)):
    year = year or ctx.clock.today().year
    day, found = date(year, 1, 1), []
    while day.year == year:
        name = ctx.commune.holiday_name(day)
        if name:
            found.append({"date": day, "name": name})
        day += timedelta(days=1)
    return {"year": year, "holidays": found}
