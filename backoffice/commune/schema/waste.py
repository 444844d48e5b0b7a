"""Schema of waste.yml: collection rules per sector, bulky waste and recycling centre."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Dict, List, Literal, Optional

from pydantic import conint, conlist, root_validator, validator

from ..wording import WEEKDAYS
from .base import Model, Season, WeeklyHours
from .fields import Email, Identifier, IsoDate, Phone, Text, Weekday


class WasteType(Model):
    id: Identifier
    name: Text
    container: Text
    advice: Optional[Text] = None


class CollectionRule(Model):
    """When one waste type is collected in one sector.

    weekly: every listed weekday; every_other_week: the listed weekdays of
    every other week, the week of `reference_date` being a collection week;
    monthly: the `week_of_month`-th listed weekday of each month (-1 = last).
    `season` limits collections to part of the year.
    """

    weekdays: conlist(Weekday, min_items=1)
    frequency: Literal["weekly", "every_other_week", "monthly"] = "weekly"
    reference_date: Optional[IsoDate] = None
    week_of_month: Optional[conint(ge=-1, le=5)] = None
    season: Optional[Season] = None

    @root_validator(skip_on_failure=True)
    def _frequency_fields(cls, values):
        frequency = values["frequency"]
        reference, nth = values.get("reference_date"), values.get("week_of_month")
        if frequency == "every_other_week":
            if reference is None:
                raise ValueError("une collecte une semaine sur deux demande une date de référence (reference_date)")
            if WEEKDAYS[reference.weekday()] not in values["weekdays"]:
                raise ValueError(
                    f"la date de référence {reference} ne tombe pas un jour de collecte ({', '.join(values['weekdays'])})"
                )
        if frequency == "monthly" and nth in (None, 0):
            raise ValueError("une collecte mensuelle demande le rang du jour dans le mois (week_of_month : 1 à 5, ou -1 pour le dernier)")
        return values


class Sector(Model):
    id: Identifier
    name: Text
    description: Optional[Text] = None
    collections: Dict[Identifier, CollectionRule]


class HolidayRule(Model):
    """What happens to a collection falling on a public holiday.

    next_day: moved to the next day that is neither a holiday nor a Sunday;
    skip: not made up; unchanged: collected anyway.
    """

    mode: Literal["next_day", "skip", "unchanged"]
    description: Text


class BulkyRound(Model):
    """A sector's bulky-waste round: the `week_of_month`-th `weekday` of each month."""

    weekday: Weekday
    week_of_month: conint(ge=-1, le=5)
    capacity: Optional[conint(ge=1)] = None

    @validator("week_of_month")
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("le rang du jour dans le mois va de 1 à 5, ou -1 pour le dernier")
        return value


class BulkyWaste(Model):
    description: Text
    booking: Text
    max_volume: Text
    accepted: List[Text] = []
    refused: List[Text] = []
    rounds: Dict[Identifier, BulkyRound]


class RecyclingSeason(Season):
    name: Text
    hours: WeeklyHours


class RecyclingCentre(Model):
    id: Identifier
    name: Text
    address: Text
    phone: Phone
    email: Optional[Email] = None
    access: Text
    badge: Text
    open_on_holidays: bool = False
    seasons: conlist(RecyclingSeason, min_items=1)
    accepted: List[Text] = []
    refused: List[Text] = []

    @validator("seasons")
    def _seasons_cover_year(cls, seasons: List[RecyclingSeason]) -> List[RecyclingSeason]:
        day = date(2024, 1, 1)  # a leap year, so 29 February is checked too
        while day.year == 2024:
            matching = [season.name for season in seasons if season.contains(day)]
            if len(matching) != 1:
                what = "aucune saison" if not matching else f"plusieurs saisons ({', '.join(matching)})"
                raise ValueError(f"le {day:%d/%m} est couvert par {what} : chaque jour doit l'être par une seule")
            day += timedelta(days=1)
        return seasons

    def season_of(self, day: date) -> RecyclingSeason:
        return next(season for season in self.seasons if season.contains(day))


class WasteFile(Model):
    waste_types: conlist(WasteType, min_items=1)
    holiday_rule: HolidayRule
    sectors: conlist(Sector, min_items=1)
    bulky_waste: BulkyWaste
    recycling_centre: RecyclingCentre
