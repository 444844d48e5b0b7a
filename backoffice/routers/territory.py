"""Territory API over the commune data: streets, waste, parking, transport, roadworks."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from fastapi import APIRouter, Depends, Query

from .. import commune_views as views
from ..commune import CommuneLookupError
from ..context import AppContext, get_context
from ..errors import ApiError
from ..schemas.commune import (BulkyRoundsOut, CollectionsOut, DeparturesOut, ParkingOut,
                               RecyclingCentreOut, RoadworksOut, SortingOut, StreetSearchOut,
                               TransportOut)
from ..schemas.common import COMMON_ERRORS, error_responses
from ..security import require_api_key
from ..services.locating import locate
from .common import check_date

router = APIRouter(prefix="/api/v1", tags=["Territoire"],
                   dependencies=[Depends(require_api_key)],
                   responses=error_responses(*COMMON_ERRORS))

StreetQuery = Query(..., min_length=1, max_length=200,
                    description="Rue (approximative : « 12 av de la republique ») ou secteur.")


def _lookup_error(exc: CommuneLookupError, code: str) -> ApiError:
    return ApiError(404, code, exc.message, {"candidates": exc.candidates})


@router.get("/streets/search", response_model=StreetSearchOut, summary="Chercher une rue")
def search_streets(q: str = Query(..., min_length=1, max_length=200),
                   limit: int = Query(5, ge=1, le=20),
                   ctx: AppContext = Depends(get_context)):
    commune = ctx.commune
    found = commune.resolve_street(q, limit)
    resolution = "one" if found.match else ("several" if found.candidates else "none")
    return {"query": q, "resolution": resolution,
            "street": found.match.name if found.match else None,
            "sector": found.match.sector if found.match else None,
            "candidates": [candidate.name for candidate in found.candidates],
            "matches": views.plain(commune.search_streets(q, limit))}


@router.get("/waste/collections", response_model=CollectionsOut,
            responses=error_responses(404), summary="Prochains jours de collecte d'une rue")
def waste_collections(street: str = StreetQuery,
                      start: Optional[date] = Query(None, alias="from",
                                                    description="Défaut : aujourd'hui."),
                      count: int = Query(2, ge=1, le=10),
                      ctx: AppContext = Depends(get_context)):
    commune = ctx.commune
    name, sector = locate(commune, street)
    first = check_date(start, "from") if start else ctx.clock.today()
    per_type = commune.next_collections(sector, first, count)
    collections = []
    for waste_type, dates in per_type.items():
        kind = commune.waste_types.get(waste_type)
        collections.append({
            "waste_type": waste_type, "name": kind.name if kind else waste_type,
            "container": kind.container if kind else "", "advice": kind.advice if kind else None,
            "dates": [views.collection_date(found) for found in dates]})
    return {"street": name, "sector": sector, "sector_name": commune.sectors[sector].name,
            "start": first, "holiday_rule": commune.holiday_rule.description,
            "collections": collections}


@router.get("/waste/bulky-rounds", response_model=BulkyRoundsOut,
            responses=error_responses(404), summary="Prochaines tournées d'encombrants")
def bulky_rounds(street: Optional[str] = Query(
                     None, min_length=1, max_length=200,
                     description="Rue ou secteur ; sans rue, les tournées de chaque secteur."),
                 start: Optional[date] = Query(None, alias="from"),
                 count: int = Query(3, ge=1, le=12),
                 ctx: AppContext = Depends(get_context)):
    commune = ctx.commune
    first = check_date(start, "from") if start else ctx.clock.today()
    info = commune.bulky_waste
    body = {"street": None, "sector": None, "weekday": None, "week_of_month": None,
            "capacity": None, "rounds": [], "sectors": [],
            "description": info.description, "booking": info.booking,
            "max_volume": info.max_volume, "accepted": list(info.accepted),
            "refused": list(info.refused)}

    def rounds_of(sector: str) -> list:
        return [views.collection_date(found)
                for found in commune.next_bulky_round_details(sector, first, count)]

    if street is None:
        body["sectors"] = [
            {"sector": sector.id, "sector_name": sector.name,
             "weekday": commune.bulky_round(sector.id).weekday,
             "week_of_month": commune.bulky_round(sector.id).week_of_month,
             "rounds": rounds_of(sector.id)}
            for sector in commune.sectors.values()]
        return body
    name, sector = locate(commune, street)
    rule = commune.bulky_round(sector)
    body.update(street=name, sector=sector, weekday=rule.weekday,
                week_of_month=rule.week_of_month,
                capacity=rule.capacity or ctx.settings.bulky_round_capacity,
                rounds=rounds_of(sector))
    return body


@router.get("/waste/recycling-center", response_model=RecyclingCentreOut,
            summary="Déchetterie : informations et ouverture")
def recycling_center(at: Optional[datetime] = Query(None, description="Défaut : maintenant."),
                     ctx: AppContext = Depends(get_context)):
    commune = ctx.commune
    centre = commune.recycling_centre
    moment = check_date(at, "at") if at else ctx.clock.now()
    status = views.opening_status(centre.id, moment, commune.recycling_status(moment),
                                  commune.recycling_windows(moment))
    body = views.plain(centre)
    body.update(status=status, current_season=centre.season_of(status["at"].date()).name)
    return body


@router.get("/waste/sorting", response_model=SortingOut, summary="Dans quelle poubelle ?")
def waste_sorting(item: str = Query(..., min_length=1, max_length=200),
                  limit: int = Query(3, ge=1, le=10),
                  ctx: AppContext = Depends(get_context)):
    return {"query": item, "matches": views.plain(ctx.commune.sort_item(item, limit))}


@router.get("/parking", response_model=ParkingOut, summary="Stationnement")
def parking(street: Optional[str] = Query(None, min_length=1, max_length=200,
                                          description="Rue dont on veut connaître la zone."),
            ctx: AppContext = Depends(get_context)):
    guide = ctx.commune.parking
    zone = guide.zone_of_street(street) if street else None
    return {"street_zone": zone.id if zone else None,
            "zones": views.plain(ctx.commune.parking_zones()),
            "resident_card": views.plain(guide.resident_card),
            "impound": views.plain(guide.impound),
            "disabled_parking": views.plain(guide.disabled_parking)}


@router.get("/transport/lines", response_model=TransportOut, summary="Réseau de bus")
def transport_lines(ctx: AppContext = Depends(get_context)):
    return views.plain(ctx.commune.transport.data)


@router.get("/transport/departures", response_model=DeparturesOut,
            responses=error_responses(404), summary="Prochains départs à un arrêt")
def transport_departures(line: str = Query(..., min_length=1, max_length=100, description="ex. 3"),
                         stop: str = Query(..., min_length=1, max_length=200),
                         at: Optional[datetime] = Query(None, description="Défaut : maintenant."),
                         count: int = Query(3, ge=1, le=10),
                         towards: Optional[str] = Query(None, min_length=1, max_length=200),
                         ctx: AppContext = Depends(get_context)):
    commune = ctx.commune
    moment = check_date(at, "at") if at else ctx.clock.now()
    try:
        found_line = commune.find_line(line)
    except CommuneLookupError as exc:
        raise _lookup_error(exc, "unknown_line") from exc
    try:
        departures = commune.departures(found_line.id, stop, moment, count, towards)
    except CommuneLookupError as exc:
        raise _lookup_error(exc, "unknown_stop") from exc
    first = departures[0] if departures else None
    return {"line": found_line.id, "stop": first.stop if first else stop,
            "towards": first.towards if first else towards, "at": moment,
            "departures": [departure.at for departure in departures]}


@router.get("/roadworks", response_model=RoadworksOut, summary="Travaux de voirie")
def roadworks(street: Optional[str] = Query(None, min_length=1, max_length=200),
              on: Optional[date] = Query(None, description="Travaux en cours ce jour-là."),
              ctx: AppContext = Depends(get_context)):
    day = check_date(on, "on") if on else None
    return {"street": street, "on": day,
            "roadworks": views.plain(ctx.commune.roadworks(street, day))}

