"""Commune data layer of the Guichet back office.

Loads a commune folder (e.g. communes/villebrune: commune.yml, services.yml,
calendar.yml, procedures.yml, streets.yml, waste.yml, waste_sorting.yml,
parking.yml, transport.yml, roadworks.yml), validates it with located French
error messages, and computes opening hours, street look-ups, waste
collection dates, sorting answers, bus departures and roadworks.

    commune = load_commune("communes/villebrune")
    commune.opening_status("etat_civil", now).summary
"""

from .commune import Commune
from .errors import CommuneDataError, CommuneLookupError, DataIssue
from .loader import FILES, load_commune
from .opening import OpeningStatus
from .publicholidays import HolidayCalendar, holiday_name
from .sorting import SortingMatch
from .streets import StreetMatch, StreetResolution
from .transport import Departure
from .waste import CollectionDate
from .wording import format_date, format_price, format_time

__all__ = [
    "FILES", "CollectionDate", "Commune", "CommuneDataError", "CommuneLookupError", "DataIssue", "Departure",
    "HolidayCalendar", "OpeningStatus", "SortingMatch", "StreetMatch", "StreetResolution", "format_date",
    "format_price", "format_time", "holiday_name", "load_commune",
]
