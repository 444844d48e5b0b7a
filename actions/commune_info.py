"""The commune's identity as the actions need it (name, greeting), cached per process.

It comes from the back office (GET /api/v1/commune), which reads the commune's YAML
files; when the back office cannot be reached, a neutral identity is used so that the
assistant still greets and answers.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Optional

from actions.api.backoffice import BackOfficeError, get_client

_TTL_SECONDS = 300
_cache: Dict[str, Any] = {"value": None, "at": 0.0}

FALLBACK_IDENTITY: Dict[str, Any] = {"name": None}


async def commune_identity() -> Dict[str, Any]:
    """The commune's identity; never raises."""
    now = time.monotonic()
    if _cache["value"] is not None and now - _cache["at"] < _TTL_SECONDS:
        return _cache["value"]
    try:
        value = await get_client().acall("GET", "/commune")
    except BackOfficeError:
        return _cache["value"] or FALLBACK_IDENTITY
    _cache.update(value=value, at=now)
    return value


def commune_name(identity: Dict[str, Any]) -> Optional[str]:
    name = identity.get("name")
    return name if isinstance(name, str) and name.strip() else None
