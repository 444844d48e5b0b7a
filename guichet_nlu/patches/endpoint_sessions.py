"""One reused ``aiohttp`` session per event loop and endpoint settings for Rasa's HTTP calls.

``EndpointConfig.request`` (custom actions, NLG server, callback channel, interactive
learning) runs ``async with self.session() as session`` and so opened a new
``ClientSession`` -- a new connection pool, hence a new TCP connection -- on every call.
Only ``EndpointConfig.session`` is replaced: inside a running event loop it lends the
session kept for that loop and the endpoint's session settings (headers, basic auth),
which the ``async with`` leaves open, so keep-alive connections to the action server are
reused. Rasa's own ``request`` still builds every request (URL, headers, params,
compression, ``ClientResponseError`` on status >= 400, ``None`` for a non-JSON or empty
body).

* A session is never shared across event loops: sessions are kept per loop. They are
  closed when the loop shuts its async generators down (``asyncio.run`` does), and
  those of a loop closed without that are dropped (connector marked closed).
* Idle connections are reused for at most ``KEEPALIVE_SECONDS`` (below the 5 s keep-alive
  of Sanic, which serves rasa_sdk) so that a connection the server is about to close is
  not reused; there is no limit on the number of connections, as before.
* Sessions still open at interpreter exit (Sanic closes its loop without shutting the
  async generators down) are closed by an ``atexit`` hook, so aiohttp logs no
  "Unclosed client session" / "Unclosed connector".
* Request bodies are written by ujson (``json_body``), with ``json.dumps`` for anything
  ujson refuses: the same JSON value, at a quarter of the cost for a whole tracker. A
  part of the body written once beforehand (:class:`PreSerialized`) is put in as it is.
* Endpoints with a ``cafile``, unhashable settings, or a call outside a running loop get
  Rasa's own new session (a new SSL context per call would defeat the pool anyway).
"""

from __future__ import annotations

import asyncio
import atexit
import json
from typing import Any, AsyncGenerator, Dict, Hashable, Optional, Tuple, Union

import aiohttp
import ujson
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils import endpoints
from rasa.utils.endpoints import EndpointConfig

ORIGINAL_SESSION = EndpointConfig.__dict__["session"]
KEEPALIVE_SECONDS = 2.0


class _LoopSessions:
    """The sessions of one event loop, and the async generator that closes them.

    asyncio closes the async generators of a loop before closing it
    (``loop.shutdown_asyncgens()``, called by ``asyncio.run``); a generator suspended
    here closes the loop's sessions then, while the loop can still close their sockets.
    """

    def __init__(self) -> None:
        self.sessions: Dict[Hashable, aiohttp.ClientSession] = {}
        self.closer = self._close_at_loop_shutdown()
        # First step runs up to the yield without awaiting; the loop now tracks it.
        try:
            self.closer.__anext__().send(None)
        except StopIteration:
            pass

    async def _close_at_loop_shutdown(self) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            for session in list(self.sessions.values()):
                if not session.closed:
                    await session.close()

    def close_without_loop(self) -> None:
        """Marks every session closed once the loop is closed, then ends the generator."""
        for session in self.sessions.values():
            connector = session.connector
            session.detach()
            if connector is not None:
                connector._close()  # synchronous; leaves a closed loop alone
        try:
            self.closer.aclose().send(None)  # nothing left to await: finishes at once
        except (StopIteration, RuntimeError):
            pass


_loops: Dict[asyncio.AbstractEventLoop, _LoopSessions] = {}


def session_key(endpoint: EndpointConfig) -> Optional[Hashable]:
    """What ``EndpointConfig.session()`` builds a session from, or None if unhashable."""
    auth = endpoint.basic_auth
    key = (
        tuple(endpoint.headers.items()),
        (auth["username"], auth["password"]) if auth else None,
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _dumps(value: Any) -> str:
    try:
        return ujson.dumps(value)
    except (TypeError, ValueError, OverflowError):
        return json.dumps(value)


class PreSerialized(dict):
    """A read-only mapping written to JSON once, when it is made (``json_text``).

    :func:`json_body` puts that text into a request body instead of serialising the
    mapping again (the domain sent with every custom-action call, see
    :mod:`guichet_nlu.patches.action_domain`). Every other reader sees a plain ``dict``
    with the same content. It refuses changes, which would leave the text stale; copies
    of it are itself.
    """

    __slots__ = ("json_text",)

    def __init__(self, value: Dict[str, Any]) -> None:
        super().__init__(value)
        self.json_text = _dumps(value)

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("PreSerialized is read-only: its JSON text was already written")

    __setitem__ = __delitem__ = __ior__ = _read_only  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]

    def __copy__(self) -> "PreSerialized":
        return self

    def __deepcopy__(self, memo: Dict[int, Any]) -> "PreSerialized":
        return self

    def __reduce__(self) -> Tuple[Any, ...]:
        return PreSerialized, (dict(self),)


def json_body(value: Any) -> str:
    """The JSON text of a request body: ujson's (the tracker sent with each custom-action
    call made ``json.dumps`` 4 % of Rasa's CPU), ``json.dumps``'s for anything ujson
    refuses; both parse to the same value. The ``json_text`` of a :class:`PreSerialized`
    value of a top-level key is put in as it is."""
    if type(value) is dict:
        kept = [key for key, item in value.items() if type(item) is PreSerialized and type(key) is str]
        if kept:
            rest = _dumps({key: item for key, item in value.items() if key not in kept})
            spliced = ",".join(f"{_dumps(key)}:{value[key].json_text}" for key in kept)
            return f"{rest[:-1]},{spliced}}}" if rest != "{}" else f"{{{spliced}}}"
    return _dumps(value)


def _new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """The session Rasa's ``EndpointConfig.session()`` makes, on a keep-alive pool."""
    auth = endpoint.basic_auth
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if auth else None,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS),
        json_serialize=json_body,
    )


def _drop_closed_loops() -> None:
    for loop in [loop for loop in _loops if loop.is_closed()]:
        _loops.pop(loop).close_without_loop()


def shared_session(endpoint: EndpointConfig, key: Hashable) -> aiohttp.ClientSession:
    """The session of the running loop for these settings, created on first use."""
    loop = asyncio.get_running_loop()
    per_loop = _loops.get(loop)
    if per_loop is None:
        _drop_closed_loops()
        per_loop = _loops[loop] = _LoopSessions()
    session = per_loop.sessions.get(key)
    if session is None or session.closed:
        session = per_loop.sessions[key] = _new_session(endpoint)
    return session


class _Lent:
    """``async with`` on a kept session: gives it, and leaves it open at the end."""

    __slots__ = ("session",)

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def session(self: EndpointConfig) -> Union[_Lent, aiohttp.ClientSession]:
    """Drop-in replacement of ``EndpointConfig.session``: the running loop's kept session
    for these settings, lent to ``async with``; Rasa's new session where none can be kept."""
    key = session_key(self)
    if key is None or self.cafile:
        return ORIGINAL_SESSION(self)
    try:
        return _Lent(shared_session(self, key))
    except RuntimeError:  # no running event loop: nothing to keep the session for
        return ORIGINAL_SESSION(self)


def open_sessions() -> Tuple[aiohttp.ClientSession, ...]:
    """Every session currently kept and not closed (for tests and diagnostics)."""
    return tuple(
        session
        for per_loop in _loops.values()
        for session in per_loop.sessions.values()
        if not session.closed
    )


def close_all() -> None:
    """Closes every kept session: at exit (``atexit``), or by tests."""
    for loop, per_loop in list(_loops.items()):
        if loop.is_closed():
            per_loop.close_without_loop()
        elif not loop.is_running():
            loop.run_until_complete(per_loop.closer.aclose())
        else:  # running in another thread: that loop closes them
            asyncio.run_coroutine_threadsafe(per_loop.closer.aclose(), loop)
        _loops.pop(loop, None)


def apply() -> None:
    """Installs the kept sessions (idempotent)."""
    if endpoints.EndpointConfig.session is not session:
        endpoints.EndpointConfig.session = session  # type: ignore[assignment]
        atexit.register(close_all)
