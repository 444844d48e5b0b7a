"""Citizen references ``PREFIX-YYYY-NNNNN``: format checks and atomic allocation.

Numbers come from one ``reference_counters`` row per prefix and year, bumped
with a single ``UPDATE ... SET last_value = last_value + 1`` inside the
caller's transaction: the row lock (PostgreSQL) or the write lock (SQLite)
makes concurrent allocations queue, so no two records ever share a number.
"""
from __future__ import annotations

import re
from typing import Tuple

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import ReferenceCounter

PREFIXES = ("RDV", "EC", "URB", "SIG", "DEC", "AGT")
REFERENCE_PATTERN = r"^(RDV|EC|URB|SIG|DEC|AGT)-[0-9]{4}-[0-9]{5}$"
#: Same pattern, case-insensitive, for inputs (normalised to upper case).
REFERENCE_INPUT_PATTERN = (r"^([Rr][Dd][Vv]|[Ee][Cc]|[Uu][Rr][Bb]|[Ss][Ii][Gg]|[Dd][Ee][Cc]"
                           r"|[Aa][Gg][Tt])-[0-9]{4}-[0-9]{5}$")
_REFERENCE_RE = re.compile(REFERENCE_PATTERN)
MAX_NUMBER = 99999


def normalize_reference(raw: str) -> str:
    """Upper-case and strip ``raw``; raise ValueError (French) when it is not a reference."""
    value = (raw or "").strip().upper()
    if not _REFERENCE_RE.match(value):
        raise ValueError("La référence doit avoir la forme PRÉFIXE-AAAA-NNNNN, "
                         "par exemple URB-2026-00123.")
    return value


def is_reference(raw: str) -> bool:
    try:
        normalize_reference(raw)
    except ValueError:
        return False
    return True


def split_reference(reference: str) -> Tuple[str, int, int]:
    prefix, year, number = normalize_reference(reference).split("-")
    return prefix, int(year), int(number)


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year:04d}-{number:05d}"


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    return pg_insert if dialect == "postgresql" else sqlite_insert


def _ensure_counter(session: Session, prefix: str, year: int) -> None:
    stmt = _insert(session)(ReferenceCounter).values(prefix=prefix, year=year, last_value=0)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["prefix", "year"]))


def allocate_reference(session: Session, prefix: str, year: int) -> str:
    """Draw the next reference for ``prefix`` in ``year`` (within the caller's transaction)."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown reference prefix {prefix!r}")
    _ensure_counter(session, prefix, year)
    session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + 1)
        .execution_options(synchronize_session=False))
    number = session.execute(
        select(ReferenceCounter.last_value)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
    ).scalar_one()
    if number > MAX_NUMBER:
        raise RuntimeError(f"reference numbers exhausted for {prefix}-{year}")
    return format_reference(prefix, year, number)


def reserve_reference(session: Session, reference: str) -> None:
    """Make sure the counter never hands out ``reference`` (used for imported/seeded records)."""
    prefix, year, number = split_reference(reference)
    _ensure_counter(session, prefix, year)
    session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year,
               ReferenceCounter.last_value < number)
        .values(last_value=number)
        .execution_options(synchronize_session=False))
