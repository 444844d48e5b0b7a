"""Small dependencies shared by the routers (channel header, reference path parameter)."""
from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from fastapi import Header, Path

from ..errors import ApiError
from ..references import REFERENCE_INPUT_PATTERN, normalize_reference
from ..schemas.common import check_year

When = TypeVar("When", date, datetime)

CHANNEL_PATTERN = r"^[a-z][a-z0-9_]{0,29}$"


def channel_header(channel: str = Header(
        "api", alias="X-Channel", pattern=CHANNEL_PATTERN, max_length=30,
        description="Canal d'origine de la demande (ex. assistant, guichet, web), "
                    "conservé pour les statistiques.")) -> str:
    return channel


def reference_path(reference: str = Path(
        ..., pattern=REFERENCE_INPUT_PATTERN, max_length=16,
        description="Référence PRÉFIXE-AAAA-NNNNN (minuscules acceptées), ex. RDV-2026-00042.")
) -> str:
    try:
        return normalize_reference(reference)
    except ValueError as exc:  # pragma: no cover - the pattern already guarantees the form
        raise ApiError(422, "invalid_reference", str(exc)) from exc


def check_date(value: When, parameter: str) -> When:
    """Refuse a query date or datetime outside the supported years (422)."""
    try:
        return check_year(value)
    except ValueError as exc:
        raise ApiError(422, "date_out_of_range", str(exc), {"parameter": parameter}) from exc
