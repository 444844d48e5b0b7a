"""Parking look-ups: a zone by name or by street, and the price of a stay."""

from __future__ import annotations

from typing import Optional

from .fuzzy import FuzzyIndex
from .schema import ParkingFile, ParkingZone
from .streets import StreetIndex
from .text import fold


class ParkingGuide:
    """Parking zones, resident card, impound lot and disabled parking of the commune."""

    def __init__(self, data: ParkingFile, streets: StreetIndex):
        self.data = data
        self.zones = {zone.id: zone for zone in data.zones}
        self.resident_card = data.resident_card
        self.impound = data.impound
        self.disabled_parking = data.disabled_parking
        self._streets = streets
        self._names: FuzzyIndex[ParkingZone] = FuzzyIndex(
            [(zone.name, zone) for zone in data.zones] + [(f"zone {zone.id}", zone) for zone in data.zones])

    def zone_of_street(self, street: str) -> Optional[ParkingZone]:
        """The zone a street belongs to (approximate street name), or None."""
        resolution = self._streets.resolve(street)
        if resolution.match is None:
            return None
        key = fold(resolution.match.name)
        return next((zone for zone in self.data.zones if key in {fold(name) for name in zone.streets}), None)

    def find_zone(self, query: str) -> Optional[ParkingZone]:
        """A zone by id ("rouge"), by name ("zone bleue") or by one of its streets."""
        key = fold(query)
        if key in self.zones:
            return self.zones[key]
        matches = self._names.search(query, limit=2, threshold=80.0)
        if matches and (len(matches) == 1 or matches[0][1] > matches[1][1]):
            return matches[0][0]
        return self.zone_of_street(query)

    @staticmethod
    def price(zone: ParkingZone, minutes: int) -> Optional[float]:
        """Price of parking `minutes` minutes in a paid zone; None beyond the longest stay."""
        for step in sorted(zone.prices, key=lambda step: step.minutes):
            if minutes <= step.minutes:
                return step.price
        return None if zone.prices else 0.0
