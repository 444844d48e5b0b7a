"""Per-application state shared by the routers: settings, database, commune, clock."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .clock import Clock
from .ratelimit import LookupLimiter
from .settings import Settings


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    commune: Any  # backoffice.commune model, loaded at start-up
    clock: Clock
    limiter: LookupLimiter


def get_context(request: Request) -> AppContext:
    """FastAPI dependency giving the application's context."""
    return request.app.state.context
