"""Shared building blocks of the commune file schemas.

`Model` is the strict, read-only pydantic v1 base (unknown fields rejected);
`WeeklyHours` and `Season` are reused by services, the recycling centre,
parking zones and waste collections.
"""

from __future__ import annotations

from datetime import date, time
from typing import Dict, List, Tuple

from pydantic import BaseModel, validator

from ..wording import WEEKDAYS
from .fields import MonthDay, TimeRange


class Model(BaseModel):
    """Base of every commune data model: strict, immutable, no unknown field."""

    class Config:
        extra = "forbid"
        allow_mutation = False
        copy_on_model_validation = "none"


class WeeklyHours(Model):
    """Opening windows per French weekday; a day left out is closed."""

    lundi: List[TimeRange] = []
    mardi: List[TimeRange] = []
    mercredi: List[TimeRange] = []
    jeudi: List[TimeRange] = []
    vendredi: List[TimeRange] = []
    samedi: List[TimeRange] = []
    dimanche: List[TimeRange] = []

    @validator(*WEEKDAYS)
    def _no_overlap(cls, windows: List[TimeRange]) -> List[TimeRange]:
        ordered = sorted(windows)
        for previous, current in zip(ordered, ordered[1:]):
            if current.start < previous.end:
                raise ValueError(f"plages horaires qui se chevauchent « {previous} » et « {current} »")
        return ordered

    def windows(self, day: date) -> List[Tuple[time, time]]:
        """Windows of the weekday of `day`, as (start, end) pairs."""
        return [window.as_tuple() for window in getattr(self, WEEKDAYS[day.weekday()])]

    def by_weekday(self) -> Dict[str, List[TimeRange]]:
        """All days, Monday first, including closed ones (empty lists)."""
        return {name: list(getattr(self, name)) for name in WEEKDAYS}


class Season(Model):
    """A yearly period from `start` to `end` inclusive ("MM-DD"), possibly across New Year."""

    start: MonthDay
    end: MonthDay

    def contains(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.start.key() <= self.end.key():
            return self.start.key() <= key <= self.end.key()
        return key >= self.start.key() or key <= self.end.key()
