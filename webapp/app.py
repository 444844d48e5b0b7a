"""FastAPI application factory of the Guichet web front."""

from __future__ import annotations

import time
from typing import Callable, Optional

from fastapi import FastAPI

from webapp import api_handover, api_places
from webapp.errors import install_error_handlers
from webapp.handover_store import HandoverStore, InMemoryHandoverStore
from webapp.places import PlaceRegistry
from webapp.ratelimit import RateLimiter
from webapp.settings import Settings
from webapp.static import install_static


def create_app(
    settings: Optional[Settings] = None,
    store: Optional[HandoverStore] = None,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    settings = settings or Settings.from_env()
    store = store or InMemoryHandoverStore(clock=clock)
    limit, window = settings.handover_rate
    app = FastAPI(title="Guichet web", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.handover_store = store
    install_error_handlers(app)
    app.include_router(api_places.build_router(PlaceRegistry(settings.places_file)))
    app.include_router(
        api_handover.build_router(
            store,
            RateLimiter(limit, window, clock=clock),
            settings.public_url,
            settings.handover_ttl,
            clock,
        )
    )

    @app.get("/health", include_in_schema=False)
    def health() -> dict:
        return {"status": "ok"}

    install_static(app, settings)
    return app
