"""Fixtures of the back-office API tests (all named bo_*).

Every API test runs against a real SQLite file and, when a server answers on
127.0.0.1:5432, against a real PostgreSQL database ``guichet_test_bo_<pid>``
(created for the test session and dropped after it, emptied before each test). The schema is
always built by the Alembic migrations, never by ``create_all``.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from .bo_helpers import ADMIN_KEY, API_KEY, COMMUNE_DIR, FIXED_NOW

# Back-office modules are imported inside the fixtures, so that this conftest never
# breaks the commune-layer tests sharing the folder.

PG_HOST = os.environ.get("BO_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BO_TEST_PG_PORT", "5432"))
PG_ADMIN_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/test"
#: One database per pytest process, so that parallel runs never drop each other's base.
PG_DB_PREFIX = "guichet_test_bo_"
PG_TEST_DB = f"{PG_DB_PREFIX}{os.getpid()}"
PG_TEST_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{PG_TEST_DB}"


TABLES = ("appointment_events", "appointments", "case_events", "cases", "reference_counters",
          "idempotency_keys", "lookup_failures")


def _postgres_answers() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            pass
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        return False


def _stale_databases(conn) -> list:
    """Test databases left by pytest processes that no longer run (killed sessions)."""
    names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                         {"prefix": PG_DB_PREFIX + "%"}).scalars()
    stale = []
    for name in names:
        pid = name[len(PG_DB_PREFIX):]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
            stale.append(name)
    return stale


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture(scope="session")
def bo_postgres_url() -> Iterator[str]:
    """URL of a freshly created and migrated guichet_test database (skip if no server)."""
    if not _postgres_answers():
        pytest.skip(f"no PostgreSQL server on {PG_HOST}:{PG_PORT}")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for stale in _stale_databases(conn):
            conn.execute(text(f"DROP DATABASE IF EXISTS {stale} WITH (FORCE)"))
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_TEST_DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {PG_TEST_DB}"))
    from backoffice.migrate import upgrade
    upgrade(PG_TEST_URL)
    yield PG_TEST_URL
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_TEST_DB} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def bo_database_url(request, tmp_path: Path) -> str:
    """An empty, migrated database: a new SQLite file, or the emptied PostgreSQL test base."""
    from backoffice.migrate import upgrade
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'backoffice.db'}"
        upgrade(url)
        return url
    url = request.getfixturevalue("bo_postgres_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def bo_server(bo_app) -> Iterator[str]:
    """The app served by a real uvicorn server in a thread; yields its base URL."""
    import uvicorn
    port = _free_port()
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
