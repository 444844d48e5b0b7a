"""Health check (no authentication): database reachability and loaded commune."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..context import AppContext, get_context
from ..schemas.common import OutModel

logger = logging.getLogger(__name__)
router = APIRouter(tags=["Supervision"])


class HealthOut(OutModel):
    status: str = Field(..., description="ok ou degraded")
    database: str = Field(..., description="ok ou unavailable")
    database_backend: str
    commune: str


@router.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut}},
            summary="État du service")
def health(ctx: AppContext = Depends(get_context)):
    database = "ok"
    try:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        logger.exception("Health check: database unavailable")
        database = "unavailable"
    body = {"status": "ok" if database == "ok" else "degraded", "database": database,
            "database_backend": ctx.engine.dialect.name, "commune": ctx.commune.info.name}
    return JSONResponse(status_code=200 if database == "ok" else 503, content=body)
