"""Roadworks look-up: works on a street (fuzzy) and/or in progress on a date."""

from __future__ import annotations

from datetime import date
from typing import Iterable, List, Optional

from .schema import Roadwork
from .streets import StreetIndex
from .text import fold


def streets_meant(streets: StreetIndex, query: str) -> List[str]:
    """Official names of the street(s) a citizen means: the clear match, else the close candidates."""
    resolution = streets.resolve(query)
    if resolution.match is not None:
        return [resolution.match.name]
    return [candidate.name for candidate in resolution.candidates]


def find_roadworks(works: Iterable[Roadwork], streets: StreetIndex, street: Optional[str] = None,
                   on: Optional[date] = None) -> List[Roadwork]:
    """Works on `street` (approximate name) and/or in progress on `on`, by start date."""
    selected = list(works)
    if street is not None:
        wanted = {fold(name) for name in streets_meant(streets, street)}
        selected = [work for work in selected if wanted & {fold(name) for name in work.streets}]
    if on is not None:
        selected = [work for work in selected if work.active_on(on)]
    return sorted(selected, key=lambda work: (work.start, work.id))
