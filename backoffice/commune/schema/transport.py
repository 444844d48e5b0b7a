"""Schema of transport.yml: bus network, fares and lines with their timetables."""

from __future__ import annotations

from datetime import time
from typing import List, Literal, Optional

from pydantic import confloat, conint, conlist, root_validator, validator

from .base import Model
from .fields import ClockTime, Phone, Text


class Stop(Model):
    """A stop and the travel time to it from the line's first stop, in minutes."""

    name: Text
    minutes: conint(ge=0)


class DayService(Model):
    """Departures from each terminus: `first`, then every `every_minutes`, up to `last`."""

    first: ClockTime
    last: ClockTime
    every_minutes: conint(gt=0, le=240)

    @root_validator(skip_on_failure=True)
    def _last_after_first(cls, values):
        if values["last"] < values["first"]:
            raise ValueError("le dernier départ doit être après le premier")
        return values

    def departures(self) -> List[time]:
        """Departure times from a terminus, the last one included."""
        first = self.first.hour * 60 + self.first.minute
        last = self.last.hour * 60 + self.last.minute
        minutes = list(range(first, last + 1, self.every_minutes))
        if minutes[-1] != last:
            minutes.append(last)
        return [time(m // 60, m % 60) for m in minutes]


class LineService(Model):
    """Timetable per day type; a day type left out has no service."""

    weekday: Optional[DayService] = None
    saturday: Optional[DayService] = None
    sunday: Optional[DayService] = None


class Line(Model):
    id: Text
    name: Text
    stops: conlist(Stop, min_items=2)
    service: LineService
    notes: List[Text] = []

    @validator("stops")
    def _stops_in_order(cls, stops: List[Stop]) -> List[Stop]:
        if stops[0].minutes != 0:
            raise ValueError("le premier arrêt doit être à 0 minute")
        for previous, current in zip(stops, stops[1:]):
            if current.minutes <= previous.minutes:
                raise ValueError(
                    f"les temps de parcours doivent augmenter d'un arrêt à l'autre (« {previous.name} » puis « {current.name} »)"
                )
        return stops


class Fare(Model):
    name: Text
    price: confloat(ge=0)
    conditions: Optional[Text] = None


class Network(Model):
    name: Text
    operator: Text
    phone: Phone
    website: Optional[Text] = None
    sales_points: List[Text] = []


class TransportFile(Model):
    network: Network
    holiday_service: Literal["sunday", "none"] = "sunday"
    fares: List[Fare] = []
    passes: List[Fare] = []
    lines: conlist(Line, min_items=1)
