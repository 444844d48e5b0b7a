"""A SQLite file database keeps its connections in a pool; the PRAGMAs hold on each."""

from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.pool import QueuePool

from backoffice.db import make_engine


def test_file_database_reuses_its_connections(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    opened = []
    event.listen(engine, "connect", lambda *_: opened.append(1))
    assert isinstance(engine.pool, QueuePool)
    for _ in range(5):
        with engine.begin() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert len(opened) == 1
    engine.dispose()


def test_memory_database_keeps_sqlalchemys_pool() -> None:
    engine = make_engine("sqlite://")
    assert not isinstance(engine.pool, QueuePool)
    with engine.begin() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
