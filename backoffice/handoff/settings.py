"""Settings of the handoff and of the agent console, read from the environment once.

=====================================  ===============================================
HANDOFF_RASA_URL (or RASA_URL)          Rasa server (or its load balancer) whose
                                        ``/webhooks/handoff`` delivers agent messages
HANDOFF_SECRET                          shared secret of that webhook
HANDOFF_SERVICE                         service whose hours are the agents' hours
HANDOFF_PRESENCE_SECONDS                an agent is "online" this long after a request
HANDOFF_SESSION_IDLE_MINUTES            console session idle timeout
HANDOFF_SESSION_MAX_HOURS               console session absolute lifetime
HANDOFF_COOKIE_SECURE                   1 behind HTTPS: cookies get the Secure flag
HANDOFF_CALLBACK_HOSTS                  hosts REST integrations may give as callback URL
HANDOFF_CANNED_REPLIES                  YAML file (default <commune>/canned_replies.yml)
HANDOFF_RETRY_SECONDS                   background retry of failed deliveries: period and
                                        first back-off step (default 10; 0 turns it off)
HANDOFF_RETRY_MAX_ATTEMPTS              failed attempts after which a message is shown
                                        as not delivered for good (default 6)
HANDOFF_RETRY_BACKOFF_MAX_SECONDS       longest wait between two attempts (default 300)
=====================================  ===============================================
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple

logger = logging.getLogger(__name__)

#: Accepted when HANDOFF_SECRET is unset (development only, like the back office's keys).
DEV_HANDOFF_SECRET = "dev-handoff-secret"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class HandoffSettings:
    rasa_url: str = "http://127.0.0.1:5005"
    secret: str = DEV_HANDOFF_SECRET
    service: str = "etat_civil"
    presence_seconds: int = 90
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    cookie_secure: bool = False
    callback_hosts: Tuple[str, ...] = ()
    canned_replies: Optional[Path] = None
    delivery_timeout: float = 5.0
    retry_seconds: int = 10
    retry_max_attempts: int = 6
    retry_backoff_max_seconds: int = 300

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "HandoffSettings":
        env = os.environ if env is None else env
        secret = (env.get("HANDOFF_SECRET") or "").strip()
        if not secret:
            logger.warning("HANDOFF_SECRET is unset: using the development secret.")
            secret = DEV_HANDOFF_SECRET
        canned = env.get("HANDOFF_CANNED_REPLIES")
        return cls(
            rasa_url=(env.get("HANDOFF_RASA_URL") or env.get("RASA_URL")
                      or cls.rasa_url).rstrip("/"),
            secret=secret,
            service=(env.get("HANDOFF_SERVICE") or cls.service).strip(),
            presence_seconds=_int(env, "HANDOFF_PRESENCE_SECONDS", cls.presence_seconds),
            session_idle_minutes=_int(env, "HANDOFF_SESSION_IDLE_MINUTES",
                                      cls.session_idle_minutes),
            session_max_hours=_int(env, "HANDOFF_SESSION_MAX_HOURS", cls.session_max_hours),
            cookie_secure=(env.get("HANDOFF_COOKIE_SECURE") or "").strip().lower()
            in ("1", "true", "yes", "oui"),
            callback_hosts=tuple(h.strip().lower() for h in
                                 (env.get("HANDOFF_CALLBACK_HOSTS") or "").split(",")
                                 if h.strip()),
            canned_replies=Path(canned) if canned else None,
            retry_seconds=max(0, _int(env, "HANDOFF_RETRY_SECONDS", cls.retry_seconds)),
            retry_max_attempts=max(1, _int(env, "HANDOFF_RETRY_MAX_ATTEMPTS",
                                           cls.retry_max_attempts)),
            retry_backoff_max_seconds=_int(env, "HANDOFF_RETRY_BACKOFF_MAX_SECONDS",
                                           cls.retry_backoff_max_seconds),
        )

    def retry_delay(self, attempts: int) -> float:
        """Seconds before the next attempt after ``attempts`` failed ones (doubling)."""
        step = max(self.retry_seconds, 1)
        return float(min(step * 2 ** max(attempts - 1, 0), max(self.retry_backoff_max_seconds,
                                                                 step)))
