"""Schemas of commune.yml (identity), services.yml and calendar.yml."""

from __future__ import annotations

from datetime import date, time
from typing import List, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import conlist, root_validator, validator

from .base import Model, WeeklyHours
from .fields import ClockTime, Email, Identifier, IsoDate, Phone, PostalCode, Text


class Address(Model):
    street: Text
    postal_code: PostalCode
    city: Text

    def __str__(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


class EmergencyNumber(Model):
    number: Phone
    label: Text


class CommuneInfo(Model):
    """commune.yml: who the commune is and how the assistant speaks for it."""

    name: Text
    slug: Text
    address: Address
    phone: Phone
    email: Email
    website: Text
    timezone: Text = "Europe/Paris"
    holiday_subdivision: Optional[Text] = None
    main_service: Identifier
    greeting: Text
    farewell: Text
    tone: List[Text] = []
    emergency_numbers: conlist(EmergencyNumber, min_items=1)

    @validator("website")
    def _website(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"adresse web invalide « {value} » (elle doit commencer par https://)")
        return value

    @validator("timezone")
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"fuseau horaire inconnu « {value} » (par exemple Europe/Paris)") from None
        return value

    @validator("holiday_subdivision")
    def _subdivision(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value not in holidays.France.subdivisions:
            known = ", ".join(holidays.France.subdivisions)
            raise ValueError(f"subdivision inconnue « {value} » (possibles : {known})")
        return value


class Service(Model):
    """One municipal service, its contacts and its weekly opening hours."""

    id: Identifier
    name: Text
    description: Optional[Text] = None
    aliases: List[Text] = []
    phone: Phone
    email: Email
    address: Text
    hours: WeeklyHours
    human_only: bool = False
    open_on_holidays: bool = False
    notes: List[Text] = []


class ServicesFile(Model):
    services: conlist(Service, min_items=1)


class Closure(Model):
    """An exceptional closure, for one day or a range of days, all day or part of it.

    `services` lists the service ids concerned (the recycling centre's id
    included); "all" or leaving it out means every service. With `from_time`
    and/or `until_time`, only that part of each day is closed.
    """

    start: IsoDate
    end: Optional[IsoDate] = None
    services: Optional[List[Identifier]] = None
    reason: Text
    from_time: Optional[ClockTime] = None
    until_time: Optional[ClockTime] = None

    @validator("services", pre=True)
    def _all_services(cls, value):
        return None if value in ("all", "tous") else value

    @validator("end", always=True)
    def _end_after_start(cls, value: Optional[date], values) -> Optional[date]:
        start = values.get("start")
        if value is not None and start is not None and value < start:
            raise ValueError(f"la date de fin « {value} » est avant la date de début « {start} »")
        return value

    @root_validator(skip_on_failure=True)
    def _part_of_day(cls, values):
        start, end = values.get("from_time"), values.get("until_time")
        if start is not None and end is not None and end <= start:
            raise ValueError("l'heure de fin de fermeture doit être après l'heure de début")
        return values

    @property
    def last_day(self) -> date:
        return self.end or self.start

    @property
    def whole_day(self) -> bool:
        return self.from_time is None and self.until_time is None

    def applies(self, service_id: str, day: date) -> bool:
        return self.start <= day <= self.last_day and (self.services is None or service_id in self.services)

    def closed_span(self) -> "tuple[time, time]":
        """Closed part of each day as (start, end); `time.max` stands for midnight."""
        return (self.from_time or time.min, self.until_time or time.max)


class CalendarFile(Model):
    closures: List[Closure] = []
