"""FastAPI application factory of the back office."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Optional

from fastapi import FastAPI

from .clock import Clock
from .commune import load_commune
from .context import AppContext
from .db import make_engine, make_session_factory
from . import fast_responses
from .errors import install_error_handlers
from .handoff import install as install_handoff
from .migrate import upgrade
from .ratelimit import LookupLimiter
from .routers import admin, appointments, cases, health, territory
from .routers import commune as commune_info
from .settings import Settings

logger = logging.getLogger(__name__)

DESCRIPTION = """\
Back-office municipal de **Guichet** : rendez-vous, dossiers des usagers et données
de la commune, servis au serveur d'actions de l'assistant.

* Authentification : en-tête `X-API-Key` (clients machines) ; `X-Admin-Key` pour `/api/v1/admin`.
* Erreurs : toujours `{"error": {"code", "message", "details"}}`, message en français.
* Créations rejouables avec l'en-tête `Idempotency-Key`.

Voir `docs/backoffice-api.md`.
"""


def create_app(settings: Optional[Settings] = None, *, commune=None,
               clock: Optional[Clock] = None) -> FastAPI:
    """Build the back-office app: migrate the database, load the commune, mount the API."""
    settings = settings or Settings.from_env()
    fast_responses.install()
    if settings.auto_migrate:
        upgrade(settings.database_url)
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="Guichet — back-office municipal", version="1.0.0",
                  description=DESCRIPTION, openapi_url="/openapi.json", lifespan=lifespan)
    app.state.context = AppContext(
        settings=settings, engine=engine, sessions=make_session_factory(engine),
        commune=commune if commune is not None else load_commune(settings.commune_dir),
        clock=clock or Clock.from_setting(settings.fixed_now),
        limiter=LookupLimiter(settings.lookup_max_failures, settings.lookup_window_seconds))
    install_error_handlers(app)
    for module in (health, commune_info, territory, appointments, cases, admin):
        app.include_router(module.router)
    install_handoff(app)

    return app
