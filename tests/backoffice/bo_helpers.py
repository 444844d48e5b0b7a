"""Constants and assertions shared by the back-office API tests."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
REPO = Path(__file__).resolve().parents[2]
COMMUNE_DIR = REPO / "communes" / "villebrune"
API_KEY = "test-api-key"
ADMIN_KEY = "test-admin-key"
#: Frozen "now" of most tests: Monday 1 March 2027, 08:00 in Villebrune.
FIXED_NOW = datetime(2027, 3, 1, 8, 0, tzinfo=PARIS)


def assert_error(response, status: int, code: str) -> dict:
    """The response is the JSON error envelope with ``code`` and a French message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and len(error["message"]) > 10
    return error
