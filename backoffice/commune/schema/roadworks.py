"""Schema of roadworks.yml: planned works on the commune's streets."""

from __future__ import annotations

from datetime import date
from typing import List, Optional

from pydantic import conlist, validator

from .base import Model
from .fields import Identifier, IsoDate, Text


class Roadwork(Model):
    id: Text
    title: Text
    streets: conlist(Text, min_items=1)
    start: IsoDate
    end: IsoDate
    description: Text
    impact: Text
    diversion: Optional[Text] = None
    hours: Optional[Text] = None
    service: Optional[Identifier] = None

    @validator("end")
    def _end_after_start(cls, value: date, values) -> date:
        start = values.get("start")
        if start is not None and value < start:
            raise ValueError(f"la date de fin « {value} » est avant la date de début « {start} »")
        return value

    def active_on(self, day: date) -> bool:
        return self.start <= day <= self.end


class RoadworksFile(Model):
    roadworks: List[Roadwork] = []
