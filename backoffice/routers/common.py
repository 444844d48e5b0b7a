"""Small helpers shared by the routers (channel header, reference path parameter, case
creation with an idempotency key)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Optional, TypeVar

from fastapi import Header, Path, Request

from ..errors import ApiError
from ..idempotency import IdempotentRequest, execute_idempotent
from ..services import cases as case_service
from ..references import REFERENCE_INPUT_PATTERN, normalize_reference
from ..schemas.common import check_year

When = TypeVar("When", date, datetime)

CHANNEL_PATTERN = r"^[a-z][a-z0-9_]{0,29}$"


async def channel_header(channel: str = Header(
        "api", alias="X-Channel", pattern=CHANNEL_PATTERN, max_length=30,
        description="Canal d'origine de la demande (ex. assistant, guichet, web), "
                    "conservé pour les statistiques.")) -> str:
    return channel


async def reference_path(reference: str = Path(
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


def create_case(ctx, caller, request: Request, key: Optional[str], data: Any, channel: str,
                actor: str, build: Callable[[Any, datetime], Any]):
    """Create the case ``build(session, now)`` describes, once per idempotency key (201)."""
    now = ctx.clock.now()
    idem = IdempotentRequest.build(caller.key_id, key, "POST", request.url.path, data.dict())

    def work(session):
        case = case_service.create(session, build(session, now), now, actor=actor,
                                   channel=channel)
        return 201, case_service.to_out(case), case.reference

    return execute_idempotent(ctx.sessions, idem, work, now, ctx.settings.idempotency_ttl_hours)
