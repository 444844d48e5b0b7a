"""Loads the territory flows' own YAML data (national rules, keywords) from actions/data/.

Commune facts never live here: they come from the back office. These files hold what
is the same in every commune (urbanism thresholds, CERFA numbers, danger words).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=None)
def load_data(name: str) -> Dict[str, Any]:
    """The content of ``actions/data/<name>.yml`` (read once per process)."""
    with open(DATA_DIR / f"{name}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}
