"""Runtime settings of the web front, read from environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _rate_env(name: str, default: str) -> tuple:
    """Parses "COUNT/SECONDS" (e.g. "10/60") into (count, seconds)."""
    raw = os.environ.get(name, "").strip() or default
    count, _, seconds = raw.partition("/")
    return int(count), float(seconds or 60)


@dataclass(frozen=True)
class Settings:
    socket_url: str = "http://localhost:5005"
    socket_path: str = "/socket.io"
    public_url: str = "http://localhost:8080"
    web_dir: Path = REPO_ROOT / "web"
    places_file: Path = REPO_ROOT / "communes" / "villebrune" / "qr_places.yml"
    handover_ttl: int = 300
    handover_rate: tuple = (10, 60.0)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            socket_url=os.environ.get("GUICHET_SOCKET_URL", cls.socket_url).rstrip("/"),
            socket_path=os.environ.get("GUICHET_SOCKET_PATH", cls.socket_path),
            public_url=os.environ.get("GUICHET_PUBLIC_URL", cls.public_url).rstrip("/"),
            web_dir=Path(os.environ.get("GUICHET_WEB_DIR", str(cls.web_dir))),
            places_file=Path(
                os.environ.get("GUICHET_PLACES_FILE", str(cls.places_file))
            ),
            handover_ttl=_int_env("GUICHET_HANDOVER_TTL", cls.handover_ttl),
            handover_rate=_rate_env("GUICHET_HANDOVER_RATE", "10/60"),
        )
