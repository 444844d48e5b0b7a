"""The action server's configuration, read once from the environment.

Every setting the actions need lives here, with the defaults of a single-commune
installation where the back office runs on the same machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def _float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    backoffice_url: str
    backoffice_api_key: str
    connect_timeout: float
    read_timeout: float
    retries: int
    backoff_factor: float


def load_settings() -> Settings:
    return Settings(
        backoffice_url=os.environ.get("BACKOFFICE_URL", "http://127.0.0.1:8000").rstrip("/"),
        backoffice_api_key=os.environ.get("BACKOFFICE_API_KEY", "dev-action-server-key"),
        connect_timeout=_float("BACKOFFICE_CONNECT_TIMEOUT", 2.0),
        read_timeout=_float("BACKOFFICE_READ_TIMEOUT", 5.0),
        retries=int(_float("BACKOFFICE_RETRIES", 2)),
        backoff_factor=_float("BACKOFFICE_BACKOFF", 0.3),
    )


SETTINGS = load_settings()
