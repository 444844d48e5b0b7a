"""Build the web address a poster's QR code opens."""

import os
from typing import Mapping, Optional
from urllib.parse import urlencode

BASE_URL_ENV = "GUICHET_PUBLIC_URL"
DEFAULT_BASE_URL = "http://localhost:8080"


class BaseUrlError(ValueError):
    """The public address of Guichet is not a usable http(s) URL."""


def resolve_base_url(explicit: Optional[str] = None, environ: Mapping[str, str] = os.environ) -> str:
    """The ``--base-url`` value, else ``GUICHET_PUBLIC_URL``, else the local default."""
    base_url = (explicit or environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).strip()
    if not base_url.startswith(("http://", "https://")) or "?" in base_url or "#" in base_url:
        raise BaseUrlError(
            f"Adresse publique de Guichet invalide : « {base_url} ». "
            "Exemple attendu : https://guichet.villebrune.fr"
        )
    return base_url.rstrip("/")


def place_url(base_url: str, place_id: str) -> str:
    """The chat page address for a place: ``{base_url}/chat/?lieu={place_id}``."""
    return f"{base_url.rstrip('/')}/chat/?{urlencode({'lieu': place_id})}"
