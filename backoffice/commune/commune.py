"""The loaded commune: its data, and every computation on it as a method.

A `Commune` is built by `load_commune` from validated files and is
read-only. Its methods are pure: they take explicit dates and instants
(instants are read in the commune's timezone, naive ones as local time)
and never touch a database or the network. `now()` is the one exception,
for callers that have no clock of their own.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Union
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz

from .errors import CommuneLookupError
from .fuzzy import FuzzyIndex
from .opening import OpeningStatus, Schedule, to_local
from .parking import ParkingGuide
from .publicholidays import holiday_calendar
from .roadworks import find_roadworks
from .schema import (BulkyRound, Closure, DisabledParking, Impound, Line, ParkingZone, Procedure, RecyclingCentre,
                     ResidentCard, Roadwork, Sector, Service, Street, WasteType)
from .sorting import SortingGuide, SortingMatch
from .streets import StreetIndex, StreetMatch, StreetResolution
from .text import fold, singular, without_stop_words, words
from .transport import BusNetwork, Departure
from .waste import CollectionDate, next_bulky_rounds, next_collections

#: Words (folded, singular) that many services share: they never decide which one is
#: meant ("piscine municipale" is not the police municipale).
GENERIC_SERVICE_WORDS = frozenset(
    "service municipal municipale mairie ville commune communal communale public publique "
    "bureau accueil guichet centre office".split())
#: How close a distinctive word of the question must be to a word of the service's names.
DISTINCTIVE_WORD_SCORE = 80.0


def distinctive_words(text: str) -> List[str]:
    """The words of `text` that can tell one service from another."""
    return [word for word in (singular(w) for w in without_stop_words(words(text)))
            if len(word) > 2 and word not in GENERIC_SERVICE_WORDS]

if TYPE_CHECKING:
    from .crosscheck import Files

DateLike = Union[date, datetime]


class Commune:
    """Everything the back office knows about one commune.

    Data attributes: `info` (identity, commune.yml), `services` and
    `procedures` (dicts by id), `situations` (situation code -> French label),
    `closures`, `streets`, `sectors`, `waste_types`, `bulky_waste`,
    `recycling_centre`, `sorting` (bins and items), `parking`, `transport`,
    `emergency_numbers`.
    """

    def __init__(self, files: "Files", folder: Optional[Path] = None):
        self.folder = folder
        self.files = files
        self.info = files.commune
        self.name: str = files.commune.name
        self.slug: str = files.commune.slug
        self.tz = ZoneInfo(files.commune.timezone)
        self.holidays = holiday_calendar(files.commune.holiday_subdivision)
        self.emergency_numbers = list(files.commune.emergency_numbers)
        self.services: Dict[str, Service] = {service.id: service for service in files.services.services}
        self.procedures: Dict[str, Procedure] = {procedure.id: procedure for procedure in files.procedures.procedures}
        self.situations: Dict[str, str] = dict(files.procedures.situations)
        self.closures: List[Closure] = list(files.calendar.closures)
        self.streets: List[Street] = list(files.streets.streets)
        self.sectors: Dict[str, Sector] = {sector.id: sector for sector in files.waste.sectors}
        self.waste_types: Dict[str, WasteType] = {kind.id: kind for kind in files.waste.waste_types}
        self.holiday_rule = files.waste.holiday_rule
        self.bulky_waste = files.waste.bulky_waste
        self.recycling_centre: RecyclingCentre = files.waste.recycling_centre
        self._street_index = StreetIndex(self.streets, commune_name=self.name)
        self.sorting = SortingGuide(files.sorting)
        self.parking = ParkingGuide(files.parking, self._street_index)
        self.transport = BusNetwork(files.transport, self.holidays, self.tz)
        self._roadworks: List[Roadwork] = list(files.roadworks.roadworks)
        self._service_names: FuzzyIndex[Service] = FuzzyIndex(
            (text, service) for service in self.services.values()
            for text in (service.id.replace("_", " "), service.name, *service.aliases))
        self._schedules: Dict[str, Schedule] = {
            service.id: Schedule(service.id, service.hours.windows, self.closures, self.holidays, self.tz,
                                 service.open_on_holidays)
            for service in self.services.values()
        }
        centre = self.recycling_centre
        self._schedules[centre.id] = Schedule(centre.id, lambda day: centre.season_of(day).hours.windows(day),
                                              self.closures, self.holidays, self.tz, centre.open_on_holidays)

    def __repr__(self) -> str:
        return f"<Commune {self.slug}: {len(self.services)} services, {len(self.streets)} rues>"

    # ------------------------------------------------------------------ time
    def now(self) -> datetime:
        """Current instant in the commune's timezone."""
        return datetime.now(self.tz)

    def _day(self, value: DateLike) -> date:
        return to_local(value, self.tz).date() if isinstance(value, datetime) else value

    def holiday_name(self, day: DateLike) -> Optional[str]:
        """French name of the public holiday on `day`, or None."""
        return self.holidays.name(self._day(day))

    # ------------------------------------------------------- opening hours
    def schedule(self, place_id: str) -> Schedule:
        """Opening rules of a service (or of the recycling centre, by its id)."""
        try:
            return self._schedules[place_id]
        except KeyError:
            raise CommuneLookupError(f"Service inconnu « {place_id} ».", sorted(self._schedules)) from None

    def closure_reason(self, service_id: str, day: DateLike) -> Optional[str]:
        """Why the service is closed all day on `day` (French), or None when it opens."""
        return self.schedule(service_id).closure_reason(self._day(day))

    def opening_windows(self, service_id: str, day: DateLike) -> List[tuple]:
        """The service's opening windows [(start, end) times] on `day`; empty when closed."""
        return self.schedule(service_id).windows(self._day(day))

    def opening_status(self, service_id: str, at: datetime) -> OpeningStatus:
        """Whether the service is open at `at`, when it closes or reopens, and a French summary."""
        return self.schedule(service_id).status(at)

    def find_service(self, query: str) -> Optional[Service]:
        """The service a citizen means ("urbanisme", "la mairie", "cantine"...), or None."""
        if query in self.services:
            return self.services[query]
        matches = self._service_names.search(query, limit=2, threshold=75.0)
        if not matches or (len(matches) > 1 and matches[0][1] <= matches[1][1]):
            return None
        service = matches[0][0]
        return service if self._names_distinctive_words(service, query) else None

    def _names_distinctive_words(self, service: Service, query: str) -> bool:
        """Whether a distinctive word of `query` is (nearly) a word of the service's names;
        a query of generic words only ("la mairie de Villebrune") relies on the fuzzy score."""
        commune_words = set(distinctive_words(self.info.name))
        asked = [word for word in distinctive_words(query) if word not in commune_words]
        if not asked:
            return True
        known = {singular(word) for text in (service.id.replace("_", " "), service.name,
                                             *service.aliases) for word in words(text)}
        return any(fuzz.ratio(word, other) >= DISTINCTIVE_WORD_SCORE
                   for word in asked for other in known)

    # -------------------------------------------------------------- streets
    def search_streets(self, query: str, limit: int = 5) -> List[StreetMatch]:
        """Streets matching `query` (typos, accents, house numbers, abbreviations tolerated)."""
        return self._street_index.search(query, limit=limit)

    def resolve_street(self, query: str, limit: int = 5) -> StreetResolution:
        """One clear street, or the ambiguous candidates (at most `limit`), or nothing."""
        return self._street_index.resolve(query, limit)

    def sector_of(self, street_or_sector: str) -> str:
        """Waste sector id of a sector id/name or of a street; `CommuneLookupError` if unclear."""
        key = fold(street_or_sector)
        for sector in self.sectors.values():
            if key in (sector.id, fold(sector.name)):
                return sector.id
        resolution = self.resolve_street(street_or_sector)
        if resolution.match is not None:
            return resolution.match.sector
        names = [candidate.name for candidate in resolution.candidates]
        if names:
            raise CommuneLookupError(f"Plusieurs rues correspondent à « {street_or_sector} » : "
                                     f"{', '.join(names)}. Laquelle est la vôtre ?", names)
        raise CommuneLookupError(f"Je ne trouve pas la rue « {street_or_sector} » à {self.name}.")

    # ---------------------------------------------------------------- waste
    def next_collections(self, street_or_sector: str, start: DateLike,
                         count: int = 2) -> Dict[str, List[CollectionDate]]:
        """Next `count` collection days on or after `start`, per waste type, holiday shifts applied."""
        sector = self.sectors[self.sector_of(street_or_sector)]
        return next_collections(sector, self.holiday_rule, self.holidays, self._day(start), count)

    def bulky_round(self, street_or_sector: str) -> BulkyRound:
        """The bulky-waste round rule (weekday, week of month, capacity) of a sector or street."""
        return self.bulky_waste.rounds[self.sector_of(street_or_sector)]

    def next_bulky_rounds(self, street_or_sector: str, start: DateLike, count: int = 3) -> List[date]:
        """Dates of the next `count` bulky-waste rounds of the sector, on or after `start`."""
        return [found.date for found in self.next_bulky_round_details(street_or_sector, start, count)]

    def next_bulky_round_details(self, street_or_sector: str, start: DateLike,
                                 count: int = 3) -> List[CollectionDate]:
        """Like `next_bulky_rounds`, with the holiday shift of each date."""
        return next_bulky_rounds(self.bulky_round(street_or_sector), self.holiday_rule, self.holidays,
                                 self._day(start), count)

    def bulky_round_capacity(self, street_or_sector: str) -> Optional[int]:
        """Pick-ups accepted per round in the sector, None when the data sets no limit."""
        return self.bulky_round(street_or_sector).capacity

    def recycling_status(self, at: datetime) -> OpeningStatus:
        """Whether the recycling centre is open at `at` (summer or winter hours, holidays closed)."""
        return self.schedule(self.recycling_centre.id).status(at)

    def recycling_windows(self, day: DateLike) -> List[tuple]:
        """Opening windows of the recycling centre on `day`."""
        return self.schedule(self.recycling_centre.id).windows(self._day(day))

    def sort_item(self, query: str, limit: int = 3) -> List[SortingMatch]:
        """Which bin an item goes in: best matches over item names and aliases."""
        return self.sorting.sort_item(query, limit)

    # ------------------------------------------------------------ transport
    def lines(self) -> List[Line]:
        """The bus lines, in file order."""
        return list(self.transport.lines)

    def find_line(self, query: str) -> Line:
        """The line meant by "3", "ligne 3", "L3"...; `CommuneLookupError` if none."""
        return self.transport.find_line(query)

    def departures(self, line: str, stop: str, at: datetime, count: int = 3,
                   towards: Optional[str] = None) -> List[Departure]:
        """Next buses at a stop, with line, stop and direction."""
        return self.transport.departures(line, stop, at, count, towards)

    def next_departures(self, line: str, stop: str, at: datetime, count: int = 3,
                        towards: Optional[str] = None) -> List[datetime]:
        """Times of the next `count` buses leaving `stop` on `line` at or after `at`."""
        return [departure.at for departure in self.departures(line, stop, at, count, towards)]

    # ------------------------------------------------------------ roadworks
    def roadworks(self, street: Optional[str] = None, on: Optional[DateLike] = None) -> List[Roadwork]:
        """Works on a street (approximate name) and/or in progress on a date; all when no filter."""
        return find_roadworks(self._roadworks, self._street_index, street,
                              self._day(on) if on is not None else None)

    # -------------------------------------------------------------- parking
    def parking_zones(self) -> List[ParkingZone]:
        return list(self.parking.zones.values())

    def parking_zone(self, query: str) -> Optional[ParkingZone]:
        """A parking zone by id, name or street."""
        return self.parking.find_zone(query)

    @property
    def resident_card(self) -> ResidentCard:
        return self.parking.resident_card

    @property
    def impound(self) -> Impound:
        return self.parking.impound

    @property
    def disabled_parking(self) -> DisabledParking:
        return self.parking.disabled_parking
