"""QR-code places of a commune, read from its qr_places.yml (reloaded when it changes)."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

logger = logging.getLogger(__name__)

PUBLIC_FIELDS = ("id", "kind", "label", "street", "greeting", "topics")
PLACE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def _entries(document: Any) -> list:
    """Accepts `places: [...]`, a bare list, or a mapping keyed by id."""
    if isinstance(document, dict) and "places" in document:
        document = document["places"]
    if isinstance(document, dict):
        return [dict(value or {}, id=value.get("id", key) if isinstance(value, dict) else key)
                for key, value in document.items() if isinstance(value, dict)]
    if isinstance(document, list):
        return [entry for entry in document if isinstance(entry, dict)]
    return []


class PlaceRegistry:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._mtime: Optional[float] = None
        self._places: Dict[str, dict] = {}

    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            if self._mtime is not None or not self._places:
                logger.warning("Places file %s not found", self.path)
            self._mtime, self._places = None, {}
            return
        if mtime == self._mtime:
            return
        try:
            document = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            logger.error("Cannot read places file %s: %s", self.path, exc)
            return
        places = {}
        for entry in _entries(document):
            place_id = str(entry.get("id", "")).strip()
            if PLACE_ID.match(place_id):
                places[place_id] = {
                    field: entry.get(field) for field in PUBLIC_FIELDS if field in entry
                }
                places[place_id]["id"] = place_id
        self._mtime, self._places = mtime, places

    def get(self, place_id: str) -> Optional[dict]:
        if not PLACE_ID.match(place_id or ""):
            return None
        with self._lock:
            self._refresh()
            place = self._places.get(place_id)
        return dict(place) if place else None
