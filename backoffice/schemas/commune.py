"""Response schemas of the commune-data endpoints (identity, services, waste, transport...).

These are the API's own shapes, independent of the YAML files: a connector to
a real municipal system must produce exactly these. Clock times are "HH:MM"
strings in Europe/Paris; weekly hours map French weekday names to windows.
"""
from datetime import date, datetime
from typing import Dict, List, Optional

from pydantic import Field

from .common import OutModel


class WindowOut(OutModel):
    start: str = Field(..., example="08:30")
    end: str = Field(..., example="12:00")


WeeklyHours = Dict[str, List[WindowOut]]


class AddressOut(OutModel):
    street: str
    postal_code: str
    city: str
    full: str


class EmergencyNumberOut(OutModel):
    number: str
    label: str


class CommuneOut(OutModel):
    name: str
    slug: str
    address: AddressOut
    phone: str
    email: str
    website: str
    timezone: str
    main_service: str
    greeting: str
    farewell: str
    emergency_numbers: List[EmergencyNumberOut]


class ServiceOut(OutModel):
    id: str
    name: str
    description: Optional[str]
    aliases: List[str]
    phone: str
    email: str
    address: str
    hours: WeeklyHours
    human_only: bool = Field(..., description="Sujet traité uniquement par un agent.")
    open_on_holidays: bool
    notes: List[str]


class OpeningStatusOut(OutModel):
    service: str
    at: datetime
    open: bool
    closes_at: Optional[datetime]
    next_opening: Optional[datetime]
    reason: Optional[str]
    summary: str = Field(..., example="Ouvert jusqu'à 12 h aujourd'hui, puis de 13 h 30 à 17 h 30")
    windows_today: List[WindowOut]


class HolidayOut(OutModel):
    date: date
    name: str


class HolidaysOut(OutModel):
    year: int
    holidays: List[HolidayOut]


class StreetMatchOut(OutModel):
    name: str
    sector: str
    score: float


class StreetSearchOut(OutModel):
    query: str
    resolution: str = Field(..., description="« one » : une rue clairement désignée (street) ; "
                                             "« several » : pas de rue certaine, candidates à "
                                             "proposer ; « none » : aucune rue proche.",
                            example="one")
    street: Optional[str] = Field(None, description="Nom officiel quand resolution = one.")
    sector: Optional[str] = None
    candidates: List[str] = Field(..., description="Rues proches, la plus probable d'abord.")
    matches: List[StreetMatchOut]


class CollectionDateOut(OutModel):
    date: date
    shifted_from: Optional[date]
    reason: Optional[str]


class WasteCollectionOut(OutModel):
    waste_type: str
    name: str
    container: str
    advice: Optional[str]
    dates: List[CollectionDateOut]


class CollectionsOut(OutModel):
    street: Optional[str] = Field(..., description="Rue reconnue (nom officiel).")
    sector: str
    sector_name: str
    start: date
    holiday_rule: str
    collections: List[WasteCollectionOut]


class BulkySectorRoundsOut(OutModel):
    sector: str
    sector_name: str
    weekday: str
    week_of_month: int
    rounds: List[CollectionDateOut]


class BulkyRoundsOut(OutModel):
    street: Optional[str]
    sector: Optional[str] = Field(..., description="Absent quand aucune rue n'est donnée.")
    weekday: Optional[str]
    week_of_month: Optional[int]
    capacity: Optional[int]
    rounds: List[CollectionDateOut] = Field(
        ..., description="Prochaines tournées du secteur ; vide sans rue (voir sectors).")
    sectors: List[BulkySectorRoundsOut] = Field(
        default_factory=list,
        description="Sans rue : la règle et les prochaines tournées de chaque secteur.")
    description: str
    booking: str
    max_volume: str
    accepted: List[str]
    refused: List[str]


class RecyclingSeasonOut(OutModel):
    name: str
    start: str = Field(..., example="04-01")
    end: str = Field(..., example="10-31")
    hours: WeeklyHours


class RecyclingCentreOut(OutModel):
    id: str
    name: str
    address: str
    phone: str
    email: Optional[str]
    access: str
    badge: str
    accepted: List[str]
    refused: List[str]
    seasons: List[RecyclingSeasonOut]
    current_season: str
    status: OpeningStatusOut


class SortingMatchOut(OutModel):
    item: str
    bin: str
    bin_name: str
    advice: str
    score: float


class SortingOut(OutModel):
    query: str
    matches: List[SortingMatchOut]


class PriceStepOut(OutModel):
    minutes: int
    price: float


class ParkingZoneOut(OutModel):
    id: str
    name: str
    kind: str = Field(..., description="payant, zone_bleue ou gratuit")
    streets: List[str]
    places: Optional[int]
    hours: Optional[WeeklyHours]
    max_minutes: Optional[int]
    prices: List[PriceStepOut]
    free_periods: List[str]
    payment: List[str]
    post_parking_fee: Optional[float]
    notes: List[str]


class ResidentCardOut(OutModel):
    name: str
    price: float
    validity: str
    zones: List[str]
    service: str
    conditions: List[str]
    documents: List[str]
    how_to_apply: str


class FeeOut(OutModel):
    label: str
    price: float


class ImpoundOut(OutModel):
    name: str
    address: str
    phone: str
    hours: WeeklyHours
    fees: List[FeeOut]
    documents: List[str]
    notes: List[str]


class ReservedSpacesOut(OutModel):
    location: str
    count: int


class DisabledParkingOut(OutModel):
    rules: List[str]
    reserved_spaces: List[ReservedSpacesOut]


class ParkingOut(OutModel):
    street_zone: Optional[str] = Field(None, description="Zone de la rue demandée (paramètre "
                                                         "street), null si hors zone.")
    zones: List[ParkingZoneOut]
    resident_card: ResidentCardOut
    impound: ImpoundOut
    disabled_parking: DisabledParkingOut


class StopOut(OutModel):
    name: str
    minutes: int = Field(..., description="Temps de parcours depuis le premier arrêt.")


class DayServiceOut(OutModel):
    first: str
    last: str
    every_minutes: int


class LineServiceOut(OutModel):
    weekday: Optional[DayServiceOut]
    saturday: Optional[DayServiceOut]
    sunday: Optional[DayServiceOut]


class LineOut(OutModel):
    id: str
    name: str
    stops: List[StopOut]
    service: LineServiceOut
    notes: List[str]


class FareOut(OutModel):
    name: str
    price: float
    conditions: Optional[str]


class NetworkOut(OutModel):
    name: str
    operator: str
    phone: str
    website: Optional[str]
    sales_points: List[str]


class TransportOut(OutModel):
    network: NetworkOut
    holiday_service: str
    fares: List[FareOut]
    passes: List[FareOut]
    lines: List[LineOut]


class DeparturesOut(OutModel):
    line: str
    stop: str
    towards: Optional[str]
    at: datetime
    departures: List[datetime]


class RoadworkOut(OutModel):
    id: str
    title: str
    streets: List[str]
    start: date
    end: date
    description: str
    impact: str
    diversion: Optional[str]
    hours: Optional[str]
    service: Optional[str]


class RoadworksOut(OutModel):
    street: Optional[str]
    on: Optional[date]
    roadworks: List[RoadworkOut]
