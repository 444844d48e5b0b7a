"""Fixtures of the back-office API tests (all named bo_*).

Every API test runs against a real SQLite file and, when a server answers on
127.0.0.1:5432, against a real PostgreSQL database ``guichet_test_bo_<pid>``
(created for the test session and dropped after it, emptied before each test). The schema is
always built by the Alembic migrations, never by ``create_all``.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.pg_fixtures import empty_database, postgres_database
from tools.stack import free_port

from .bo_helpers import ADMIN_KEY, API_KEY, COMMUNE_DIR, FIXED_NOW

# Back-office modules are imported inside the fixtures, so that this conftest never
# breaks the commune-layer tests sharing the folder.

#: One database per pytest process, so that parallel runs never drop each other's base.
PG_DB_PREFIX = "guichet_test_bo_"
TABLES = ("appointment_events", "appointments", "case_events", "cases", "reference_counters",
          "idempotency_keys", "lookup_failures")


@pytest.fixture(scope="session")
def bo_postgres_url() -> Iterator[str]:
    """URL of a freshly created and migrated guichet_test database (skip if no server)."""
    yield from postgres_database(PG_DB_PREFIX)


@pytest.fixture(params=["sqlite", "postgresql"])
def bo_database_url(request, tmp_path: Path) -> str:
    """An empty, migrated database: a new SQLite file, or the emptied PostgreSQL test base."""
    return empty_database(request, tmp_path, "bo_postgres_url", TABLES)


@pytest.fixture(scope="session")
def bo_commune():
    """The demo commune, loaded once."""
    from backoffice.commune import load_commune
    return load_commune(COMMUNE_DIR)


@pytest.fixture
def bo_settings(bo_database_url: str):
    from backoffice.settings import Settings
    return Settings(database_url=bo_database_url, commune_dir=COMMUNE_DIR, api_keys=(API_KEY,),
                    admin_key=ADMIN_KEY, auto_migrate=False)


@pytest.fixture
def bo_clock():
    from backoffice.clock import Clock
    return Clock(FIXED_NOW)


@pytest.fixture
def bo_app(bo_settings, bo_commune, bo_clock):
    from backoffice.app import create_app
    return create_app(bo_settings, commune=bo_commune, clock=bo_clock)


@pytest.fixture
def bo_client(bo_app):
    """In-process HTTP client (ASGI), authenticated with the test API key."""
    from fastapi.testclient import TestClient
    with TestClient(bo_app, headers={"X-API-Key": API_KEY}) as client:
        yield client


@pytest.fixture
def bo_admin(bo_client):
    """Same client, with the admin key."""
    def call(method: str, path: str, **kwargs):
        headers = {"X-Admin-Key": ADMIN_KEY, **kwargs.pop("headers", {})}
        return bo_client.request(method, path, headers=headers, **kwargs)
    return call


@pytest.fixture
def bo_server(bo_app) -> Iterator[str]:
    """The app served by a real uvicorn server in a thread; yields its base URL."""
    import uvicorn
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(bo_app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
