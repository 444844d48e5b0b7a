"""PostgreSQL test databases shared by the back-office and handoff test suites.

Each suite gets its own database per pytest process (``<prefix><pid>``), created and
migrated once per session, emptied before each test, dropped at the end; databases left by
killed pytest processes are dropped too. Without a server on ``BO_TEST_PG_HOST``:
``BO_TEST_PG_PORT`` (default 127.0.0.1:5432) the PostgreSQL variants are skipped.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Iterable, Iterator

import pytest
from sqlalchemy import create_engine, text

PG_HOST = os.environ.get("BO_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BO_TEST_PG_PORT", "5432"))
PG_ADMIN_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/test"


def postgres_answers() -> bool:
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


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def database_url(name: str) -> str:
    return f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}"


def _stale_databases(conn, prefix: str) -> list:
    """Test databases left by pytest processes that no longer run (killed sessions)."""
    names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                         {"prefix": prefix + "%"}).scalars()
    stale = []
    for name in names:
        pid = name[len(prefix):]
        if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            stale.append(name)
    return stale


def postgres_database(prefix: str) -> Iterator[str]:
    """Body of a session fixture: yields the URL of a new migrated ``<prefix><pid>`` base."""
    if not postgres_answers():
        pytest.skip(f"no PostgreSQL server on {PG_HOST}:{PG_PORT}")
    name = f"{prefix}{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for stale in _stale_databases(conn, prefix):
            conn.execute(text(f"DROP DATABASE IF EXISTS {stale} WITH (FORCE)"))
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    from backoffice.migrate import upgrade
    url = database_url(name)
    upgrade(url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def empty_database(request, tmp_path: Path, postgres_fixture: str,
                   tables: Iterable[str]) -> str:
    """Body of a fixture parametrized with "sqlite" / "postgresql": an empty migrated base
    (a new SQLite file, or the PostgreSQL base of ``postgres_fixture`` with ``tables``
    truncated)."""
    from backoffice.migrate import upgrade
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'backoffice.db'}"
        upgrade(url)
        return url
    url = request.getfixturevalue(postgres_fixture)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url
