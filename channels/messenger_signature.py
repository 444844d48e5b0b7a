"""Check the signature Facebook puts on every Messenger webhook call.

Facebook signs the raw request body with the app secret (HMAC) and sends the
result in ``X-Hub-Signature-256`` (SHA-256) and, for older apps, in
``X-Hub-Signature`` (SHA-1). When the SHA-256 header is present it is the only
one checked, so that a request cannot be downgraded to SHA-1.
"""

import hashlib
import hmac
from typing import Callable, Dict, Mapping, Optional

SHA256_HEADER = "X-Hub-Signature-256"
SHA1_HEADER = "X-Hub-Signature"

_DIGESTS: Dict[str, Callable] = {"sha256": hashlib.sha256, "sha1": hashlib.sha1}
_HEADERS = {"sha256": SHA256_HEADER, "sha1": SHA1_HEADER}


def sign(body: bytes, secret: str, algorithm: str = "sha256") -> str:
    """Return the header value Facebook would send for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, _DIGESTS[algorithm]).hexdigest()
    return f"{algorithm}={digest}"


def signature_headers(body: bytes, secret: str, algorithm: str = "sha256") -> Dict[str, str]:
    """Return the headers that sign ``body`` the way Facebook does."""
    return {_HEADERS[algorithm]: sign(body, secret, algorithm)}


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value


def is_signed(body: bytes, secret: Optional[str], headers: Mapping[str, str]) -> bool:
    """Tell whether ``body`` carries a valid signature made with ``secret``."""
    if not secret:
        return False
    algorithm = "sha256"
    value = _header(headers, SHA256_HEADER)
    if value is None:
        algorithm = "sha1"
        value = _header(headers, SHA1_HEADER)
    if not value:
        return False
    prefix, separator, received = value.strip().partition("=")
    if not separator or prefix.lower() != algorithm:
        return False
    try:
        received_bytes = received.strip().lower().encode("ascii")
    except UnicodeEncodeError:
        return False
    expected = sign(body, secret, algorithm).partition("=")[2].encode("ascii")
    return hmac.compare_digest(expected, received_bytes)
