"""Errors raised by the commune-data layer.

`CommuneDataError` reports invalid commune files to the municipal staff who
write them (French messages naming the file, the line and the field);
`CommuneLookupError` reports a name that matches nothing, or several things,
when a caller asks for a service, a street, a sector or a bus line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence


@dataclass(frozen=True)
class DataIssue:
    """One problem found in a commune data file."""

    file: str
    line: Optional[int]
    field: Optional[str]
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"ligne {self.line}")
        if self.field:
            parts.append(f"champ « {self.field} »")
        return f"{', '.join(parts)} : {self.message}"


class CommuneDataError(ValueError):
    """The commune data files are invalid; `issues` lists every problem found.

    `str(error)` gives one French line per problem, the first one first, e.g.
    ``communes/villebrune/services.yml, ligne 12, champ « services[0].hours.lundi[0] » :
    heure invalide « 25:00 »``.
    """

    def __init__(self, issues: Sequence[DataIssue]):
        self.issues: List[DataIssue] = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    @property
    def first(self) -> DataIssue:
        """The first problem reported (in file then line order)."""
        return self.issues[0]


@dataclass
class CommuneLookupError(LookupError):
    """A service, street, sector or line name that could not be resolved.

    `message` is a French sentence that can be shown to a citizen or an agent;
    `candidates` lists the names that came close (several for an ambiguity).
    """

    message: str
    candidates: List[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message
