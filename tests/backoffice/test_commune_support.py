"""Shared fixtures and helpers of the commune-layer tests (fixtures named commune_*).

Kept in a test_commune_* module, imported by the other commune test modules,
so that the back-office conftest stays its owner's.
"""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backoffice.commune import Commune, load_commune

COMMUNE_DIR = Path(__file__).resolve().parents[2] / "communes" / "villebrune"
PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware Europe/Paris datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture(scope="session")
def commune_demo() -> Commune:
    """The demo commune of Villebrune, loaded once."""
    return load_commune(COMMUNE_DIR)


@pytest.fixture
def commune_copy(tmp_path: Path) -> Path:
    """A fresh copy of the demo commune's folder, to break on purpose."""
    target = tmp_path / "villebrune"
    shutil.copytree(COMMUNE_DIR, target)
    return target
