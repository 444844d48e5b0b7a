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


async def get_context(request: Request) -> AppContext:
    """FastAPI dependency giving the application's context.

    The dependencies that do no I/O (this one, the key checks, header and path readers)
    are ``async def``: FastAPI runs a plain ``def`` dependency in a worker thread, a
    thread hand-off per dependency and per request for a few microseconds of work."""
    return request.app.state.context
