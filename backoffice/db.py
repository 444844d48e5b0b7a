"""Database engine and sessions: SQLite (default) or PostgreSQL, chosen by URL.

SQLite runs in WAL mode and opens every transaction with ``BEGIN IMMEDIATE`` so
that concurrent writers queue on the busy timeout instead of failing; the
double-booking guarantees themselves come from unique indexes (see models).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _file_database(url: str) -> Optional[str]:
    """The SQLite database's name (a path or a ``file:`` URI) when it lives in a file;
    None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or "mode=memory" in url:
        return None
    return database


def _prepare_sqlite_file(url: str) -> None:
    database = _file_database(url)
    if database and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised by every test
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` with the settings each backend needs."""
    if is_sqlite(url):
        _prepare_sqlite_file(url)
        # A file database keeps its connections open in a pool (SQLAlchemy 1.4 would
        # otherwise open one, and run the four PRAGMAs below, for every request: a fifth
        # of the back office's CPU under load); each is used by one thread at a time.
        pooling = ({"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10}
                   if _file_database(url) else {})
        engine = create_engine(url, future=True,
                               connect_args={"check_same_thread": False, "timeout": 30},
                               **pooling)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=10, max_overflow=20)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    """Transaction scope: commit on success, roll back on any exception."""
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
