"""Resolve a citizen's street (or sector) wording, with French errors when it is unclear."""
from __future__ import annotations

from typing import List, Optional, Tuple

from ..errors import ApiError


def street_error(commune, candidates: List[str], unknown_status: int) -> ApiError:
    """422 ``ambiguous_street`` for several candidates, else ``unknown_street``."""
    if len(candidates) > 1:
        return ApiError(422, "ambiguous_street",
                        "Plusieurs rues correspondent : " + ", ".join(candidates)
                        + ". Merci de préciser laquelle.", {"candidates": candidates})
    message = f"Cette rue n'a pas été trouvée à {commune.info.name}."
    if candidates:
        message += f" S'agit-il de « {candidates[0]} » ?"
    else:
        message += " Merci de vérifier son nom."
    return ApiError(unknown_status, "unknown_street", message, {"candidates": candidates})


def resolve_street(commune, query: str, unknown_status: int = 422):
    """The one street (StreetMatch: name, sector) meant by ``query``, or an ApiError."""
    resolution = commune.resolve_street(query)
    if resolution.match is not None:
        return resolution.match
    raise street_error(commune, [c.name for c in resolution.candidates], unknown_status)


def locate(commune, query: str) -> Tuple[Optional[str], str]:
    """(official street name, or None when ``query`` names a sector; sector id)."""
    for sector in commune.sectors.values():
        if query.strip().casefold() in (sector.id, sector.name.casefold()):
            return None, sector.id
    match = resolve_street(commune, query, unknown_status=404)
    return match.name, match.sector
