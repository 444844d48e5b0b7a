"""HTTP client of the municipal back office: the only place actions talk to it.

One pooled ``requests.Session`` per process with connect/read timeouts and retries with
exponential back-off. Retries are safe: GET requests are reads, lookups are reads sent
as POST, and every creating POST carries an ``Idempotency-Key`` so that a retried
booking returns the first result instead of booking twice.

Errors become two exception types the actions turn into French answers:
``BackOfficeUnavailable`` (down, slow, 5xx: nothing is known to have happened) and
``BackOfficeError`` (the back office answered with a refusal: its French message is
fit to show the citizen).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from typing import Any, Dict, Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from actions.settings import SETTINGS, Settings

logger = logging.getLogger(__name__)

GENERIC_ERROR = "La demande n'a pas pu aboutir."


class BackOfficeError(Exception):
    """The back office refused the request; ``message`` is French and citizen-friendly."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details


class BackOfficeUnavailable(BackOfficeError):
    """The back office could not be reached or failed: the request's outcome is unknown
    for reads, and for writes nothing was recorded unless a retry later says so."""

    def __init__(self, reason: str) -> None:
        super().__init__(503, "unavailable", "Le service de la mairie est momentanément indisponible.")
        self.reason = reason


#: What the back office accepts as X-Client-Id (backoffice/security.py).
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")


def safe_client_id(client_id: str) -> str:
    """``client_id`` as the back office accepts it: a channel id with other characters
    (spaces, accents, long ids) is hashed, so that rate limits still count per person."""
    if CLIENT_ID_RE.match(client_id):
        return client_id
    return "h-" + hashlib.sha256(client_id.encode("utf-8")).hexdigest()[:40]


def idempotency_key(*parts: Any) -> str:
    """A stable key for a creating request, from what identifies it (conversation, values)."""
    raw = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


class BackOfficeClient:
    """Calls the back office's /api/v1 endpoints; see docs/backoffice-api.md."""

    def __init__(self, settings: Settings = SETTINGS) -> None:
        self.settings = settings
        self.base = f"{settings.backoffice_url}/api/v1"
        retry = Retry(
            total=settings.retries,
            connect=settings.retries,
            read=settings.retries,
            status=settings.retries,
            backoff_factor=settings.backoff_factor,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET", "POST"}),
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=32)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(
            {"X-API-Key": settings.backoffice_api_key, "Accept": "application/json"}
        )

    # -- transport ---------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Dict[str, Any]] = None,
        json_body: Optional[Dict[str, Any]] = None,
        idempotency: Optional[str] = None,
        client_id: Optional[str] = None,
    ) -> Any:
        headers = {}
        if idempotency:
            headers["Idempotency-Key"] = idempotency
        if client_id:
            headers["X-Client-Id"] = safe_client_id(client_id)
        params = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = self.session.request(
                method,
                f"{self.base}{path}",
                params=params,
                json=json_body,
                headers=headers,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
            )
        except requests.RequestException as exc:
            logger.warning("back office unreachable: %s %s: %s", method, path, exc)
            raise BackOfficeUnavailable(str(exc)) from exc
        if response.status_code >= 500:
            logger.warning("back office failed: %s %s -> %s", method, path, response.status_code)
            raise BackOfficeUnavailable(f"HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code >= 400:
            error = (payload or {}).get("error", {}) if isinstance(payload, dict) else {}
            raise BackOfficeError(
                response.status_code,
                error.get("code", "error"),
                error.get("message", GENERIC_ERROR),
                error.get("details"),
            )
        return payload

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Dict[str, Any], **kwargs: Any) -> Any:
        return self.request("POST", path, json_body=body, **kwargs)

    async def acall(self, method: str, path: str, **kwargs: Any) -> Any:
        """Runs a request in a worker thread so the action server's event loop stays free."""
        return await asyncio.to_thread(self.request, method, path, **kwargs)


_client: Optional[BackOfficeClient] = None


def get_client() -> BackOfficeClient:
    """The process-wide client (one connection pool per action server process)."""
    global _client
    if _client is None:
        _client = BackOfficeClient()
    return _client
