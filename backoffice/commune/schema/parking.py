"""Schema of parking.yml: zones, resident card, impound lot (fourrière), disabled parking."""

from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import confloat, conint, conlist

from .base import Model, WeeklyHours
from .fields import Identifier, Phone, Text


class PriceStep(Model):
    """Price of parking for up to `minutes` minutes."""

    minutes: conint(gt=0)
    price: confloat(ge=0)


class ParkingZone(Model):
    """A parking zone: paid (payant), blue-disc (zone_bleue) or free (gratuit).

    `hours` gives when the zone is paid or time-limited; outside them parking is free.
    """

    id: Identifier
    name: Text
    kind: Literal["payant", "zone_bleue", "gratuit"]
    streets: List[Text] = []
    places: Optional[conint(ge=1)] = None
    hours: Optional[WeeklyHours] = None
    max_minutes: Optional[conint(gt=0)] = None
    prices: List[PriceStep] = []
    free_periods: List[Text] = []
    payment: List[Text] = []
    post_parking_fee: Optional[confloat(ge=0)] = None
    notes: List[Text] = []


class ResidentCard(Model):
    name: Text
    price: confloat(ge=0)
    validity: Text
    zones: conlist(Identifier, min_items=1)
    service: Identifier
    conditions: List[Text] = []
    documents: conlist(Text, min_items=1)
    how_to_apply: Text


class Fee(Model):
    label: Text
    price: confloat(ge=0)


class Impound(Model):
    """The impound lot (fourrière) where towed vehicles are kept."""

    name: Text
    address: Text
    phone: Phone
    hours: WeeklyHours
    fees: conlist(Fee, min_items=1)
    documents: conlist(Text, min_items=1)
    notes: List[Text] = []


class ReservedSpaces(Model):
    location: Text
    count: conint(ge=1)


class DisabledParking(Model):
    rules: conlist(Text, min_items=1)
    reserved_spaces: List[ReservedSpaces] = []


class ParkingFile(Model):
    zones: conlist(ParkingZone, min_items=1)
    resident_card: ResidentCard
    impound: Impound
    disabled_parking: DisabledParking
