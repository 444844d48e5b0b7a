"""Asynchronous client for the Messenger Send API (Facebook Graph API).

One ``post`` call is one HTTP attempt, made with aiohttp so that it never
blocks the event loop. Failures are raised as ``GraphApiError`` and say
whether trying again later may succeed; retrying is the outbox's job.
The page access token is sent as a query parameter and never logged.
"""

import asyncio
import logging
from typing import Any, Dict, Optional

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_GRAPH_API_URL = "https://graph.facebook.com/v19.0"

# Graph API error codes that mean "temporary problem, try again later".
_TRANSIENT_CODES = {1, 2, 4, 17, 32, 341, 613}


class GraphApiError(Exception):
    """A Send API call failed."""

    def __init__(
        self, reason: str, transient: bool, retry_after: Optional[float] = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.retry_after = retry_after


def _retry_after(headers: "aiohttp.typedefs.LooseHeaders") -> Optional[float]:
    try:
        return max(0.0, float(headers.get("Retry-After", "")))
    except (TypeError, ValueError):
        return None


def _error_from_response(status: int, body: Any, retry_after: Optional[float]) -> GraphApiError:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    if not isinstance(error, dict):
        error = {}
    code = error.get("code")
    transient = (
        status >= 500
        or status == 429
        or bool(error.get("is_transient"))
        or code in _TRANSIENT_CODES
    )
    reason = f"HTTP {status}"
    if error:
        reason += f" (code {code}: {error.get('message', '')})"
    return GraphApiError(reason, transient, retry_after)


class GraphApiClient:
    """Posts messages and sender actions to ``{api_url}/me/messages``."""

    def __init__(
        self, page_access_token: str, api_url: str = DEFAULT_GRAPH_API_URL, timeout: float = 10.0
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = page_access_token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None
        self._session_loop: Optional[asyncio.AbstractEventLoop] = None

    def _current_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._session_loop = loop
        return self._session

    async def post(self, body: Dict[str, Any]) -> Dict[str, Any]:
        """Send one Send API request; raise ``GraphApiError`` when it fails."""
        session = self._current_session()
        try:
            async with session.post(
                f"{self.api_url}/me/messages",
                params={"access_token": self._token},
                json=body,
            ) as response:
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
                if response.status >= 400:
                    raise _error_from_response(
                        response.status, answer, _retry_after(response.headers)
                    )
                return answer if isinstance(answer, dict) else {}
        except GraphApiError:
            raise
        except asyncio.TimeoutError:
            raise GraphApiError("timeout", transient=True) from None
        except aiohttp.ClientError as error:
            # The exception text may contain the URL, hence the token: only
            # its type is reported.
            raise GraphApiError(
                f"connection failed ({type(error).__name__})", transient=True
            ) from None

    async def close(self) -> None:
        """Close the HTTP session, if one is open in the running loop."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            try:
                await session.close()
            except RuntimeError:  # the session belongs to a loop already closed
                pass
