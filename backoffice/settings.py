"""Back-office settings, read from the environment in one place.

Every tunable of the service is defined here; the rest of the package receives
a :class:`Settings` instance and never reads ``os.environ`` itself.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Tuple

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Key accepted for machine clients when BACKOFFICE_API_KEYS is unset (development only).
DEV_API_KEY = "dev-action-server-key"
#: Admin key accepted when BACKOFFICE_ADMIN_KEY is unset (development only).
DEV_ADMIN_KEY = "dev-admin-key"


def _default_database_url() -> str:
    return f"sqlite:///{REPO_ROOT / 'var' / 'backoffice.db'}"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _keys(raw: str) -> Tuple[str, ...]:
    return tuple(k.strip() for k in raw.split(",") if k.strip())


@dataclass(frozen=True)
class Settings:
    """Configuration of one back-office instance."""

    database_url: str = field(default_factory=_default_database_url)
    commune_dir: Path = REPO_ROOT / "communes" / "villebrune"
    api_keys: Tuple[str, ...] = (DEV_API_KEY,)
    admin_key: str = DEV_ADMIN_KEY
    #: Failed look-ups tolerated per reference and per client within the window.
    lookup_max_failures: int = 5
    lookup_window_seconds: int = 15 * 60
    #: Largest date range accepted by GET /slots, in days.
    max_slot_range_days: int = 31
    #: Bulky-waste pickups accepted per sector round, when the commune data gives none.
    bulky_round_capacity: int = 20
    #: Days between a bulky-waste booking and its round, at least (Friday before a Tuesday).
    bulky_min_lead_days: int = 4
    #: How long idempotency keys are remembered, in hours.
    idempotency_ttl_hours: int = 24
    #: Apply pending migrations when the app is created (disable when several instances start).
    auto_migrate: bool = True
    #: Frozen "now" for demos and tests (ISO datetime); live clock when None.
    fixed_now: Optional[str] = None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        """Build settings from environment variables (``os.environ`` by default)."""
        env = os.environ if env is None else env
        api_keys = _keys(env.get("BACKOFFICE_API_KEYS", ""))
        if not api_keys:
            logger.warning(
                "BACKOFFICE_API_KEYS is unset: accepting the development key %r only. "
                "Never run like this in production.", DEV_API_KEY,
            )
            api_keys = (DEV_API_KEY,)
        admin_key = env.get("BACKOFFICE_ADMIN_KEY", "").strip()
        if not admin_key:
            logger.warning(
                "BACKOFFICE_ADMIN_KEY is unset: accepting the development admin key %r.",
                DEV_ADMIN_KEY,
            )
            admin_key = DEV_ADMIN_KEY
        commune_dir = Path(env.get("COMMUNE_DIR") or REPO_ROOT / "communes" / "villebrune")
        if not commune_dir.is_absolute():
            commune_dir = REPO_ROOT / commune_dir
        return cls(
            database_url=env.get("DATABASE_URL") or _default_database_url(),
            commune_dir=commune_dir,
            api_keys=api_keys,
            admin_key=admin_key,
            lookup_max_failures=_int(env, "BACKOFFICE_LOOKUP_MAX_FAILURES", 5),
            lookup_window_seconds=_int(env, "BACKOFFICE_LOOKUP_WINDOW_SECONDS", 15 * 60),
            max_slot_range_days=_int(env, "BACKOFFICE_MAX_SLOT_RANGE_DAYS", 31),
            bulky_round_capacity=_int(env, "BACKOFFICE_BULKY_ROUND_CAPACITY", 20),
            bulky_min_lead_days=_int(env, "BACKOFFICE_BULKY_MIN_LEAD_DAYS", 4),
            idempotency_ttl_hours=_int(env, "BACKOFFICE_IDEMPOTENCY_TTL_HOURS", 24),
            auto_migrate=env.get("BACKOFFICE_AUTO_MIGRATE", "1").strip().lower()
            not in ("0", "false", "no", "non"),
            fixed_now=env.get("BACKOFFICE_FIXED_NOW") or None,
        )
