"""Authentication of callers: X-API-Key for machine clients, X-Admin-Key for admin routes.

Keys are compared in constant time and never stored: a caller is identified
downstream (idempotency, rate limiting) by a short hash of its key.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Optional

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader

from .context import AppContext, get_context
from .errors import ApiError

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="ApiKey",
    description="Clé d'un client machine (serveur d'actions, connecteur).")
admin_key_header = APIKeyHeader(
    name="X-Admin-Key", auto_error=False, scheme_name="AdminKey",
    description="Clé d'administration du back-office.")

CLIENT_ID_PATTERN = r"^[A-Za-z0-9._:@-]{1,128}$"


@dataclass(frozen=True)
class Caller:
    """Who is calling: a fingerprint of its key and, optionally, the end user it acts for."""

    key_id: str
    remote: str
    client_id: Optional[str] = None

    @property
    def rate_limit_subject(self) -> str:
        if self.client_id:
            return f"{self.key_id}:{self.client_id}"
        return f"ip:{self.remote}"


def _fingerprint(key: str) -> str:
    return "key:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _missing_key(header: str) -> ApiError:
    return ApiError(401, "missing_api_key",
                    f"Authentification requise : fournissez l'en-tête {header}.",
                    headers={"WWW-Authenticate": "ApiKey"})


def _invalid_key() -> ApiError:
    return ApiError(401, "invalid_api_key", "La clé d'authentification fournie n'est pas valide.",
                    headers={"WWW-Authenticate": "ApiKey"})


async def require_api_key(request: Request,
                    api_key: Optional[str] = Depends(api_key_header),
                    client_id: Optional[str] = Header(
                        None, alias="X-Client-Id",
                        description="Identifiant stable de l'usager final (ex. identifiant de "
                                    "conversation), utilisé pour limiter les tentatives.",
                        max_length=128, pattern=CLIENT_ID_PATTERN),
                    ctx: AppContext = Depends(get_context)) -> Caller:
    """Dependency of every /api/v1 route except admin ones."""
    if not api_key:
        raise _missing_key("X-API-Key")
    if not any(_matches(api_key, expected) for expected in ctx.settings.api_keys):
        raise _invalid_key()
    remote = request.client.host if request.client else "inconnu"
    return Caller(key_id=_fingerprint(api_key), remote=remote, client_id=client_id)


async def require_admin_key(request: Request,
                      admin_key: Optional[str] = Depends(admin_key_header),
                      ctx: AppContext = Depends(get_context)) -> Caller:
    """Dependency of the /api/v1/admin routes."""
    if not admin_key:
        raise _missing_key("X-Admin-Key")
    if not _matches(admin_key, ctx.settings.admin_key):
        raise _invalid_key()
    remote = request.client.host if request.client else "inconnu"
    return Caller(key_id="admin", remote=remote)
