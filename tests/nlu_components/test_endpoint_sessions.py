"""Rasa's EndpointConfig.request on a kept session: same requests and answers, reused connections.

A real aiohttp server runs in its own thread and records, for every request, the client's
address (one per TCP connection), headers, query and body.
"""

import asyncio
import gc
import json
import threading
import time

import aiohttp
import pytest
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from guichet_nlu import runtime_patches  # noqa: F401  (installs the patches)
from guichet_nlu.patches import endpoint_sessions


async def ORIGINAL(endpoint: EndpointConfig, *args, **kwargs):
    """Rasa's request on Rasa's own session (a new one per call): the patch undone for one call."""
    EndpointConfig.session = endpoint_sessions.ORIGINAL_SESSION
    try:
        return await EndpointConfig.request(endpoint, *args, **kwargs)
    finally:
        EndpointConfig.session = endpoint_sessions.session


class RecordingServer:
    """aiohttp.web app on a free port, in a thread with its own event loop."""

    def __init__(self, keepalive_timeout: float = 75.0) -> None:
        self.seen = []
        self.keepalive_timeout = keepalive_timeout
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.seen.append({
            "peer": request.transport.get_extra_info("peername"),
            "transport": request.transport,
            "headers": dict(request.headers),
            "query": dict(request.query),
            "body": json.loads(body) if body else None,
            "path": request.path,
        })
        kind = request.match_info["kind"]
        if kind == "webhook":
            return web.json_response({"events": [], "responses": [{"text": "Bonjour"}]})
        if kind == "rejected":
            return web.json_response({"action_name": "action_x", "error": "non"}, status=400)
        if kind == "broken":
            return web.Response(status=500, text="panne")
        if kind == "empty":
            return web.Response(status=204)
        return web.Response(text="pas du JSON")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_route("*", "/{kind}", self.handle)
        self.runner = web.AppRunner(app, keepalive_timeout=self.keepalive_timeout)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    def __enter__(self) -> "RecordingServer":
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def endpoint(self, **settings) -> EndpointConfig:
        return EndpointConfig(url=f"http://127.0.0.1:{self.port}/webhook", **settings)

    def peers(self):
        return {seen["peer"] for seen in self.seen}


@pytest.fixture
def server():
    with RecordingServer() as running:
        yield running
    endpoint_sessions.close_all()


def test_rasa_uses_the_patched_session_and_its_own_request():
    assert EndpointConfig.session is endpoint_sessions.session
    assert EndpointConfig.request.__module__ == "rasa.utils.endpoints"


def test_calls_reuse_one_connection(server):
    endpoint = server.endpoint()

    async def five_calls():
        return [await endpoint.request(json={"next_action": "action_x"}) for _ in range(5)]

    answers = asyncio.run(five_calls())
    assert answers == [{"events": [], "responses": [{"text": "Bonjour"}]}] * 5
    assert len(server.seen) == 5
    assert len(server.peers()) == 1


def test_concurrent_calls_then_reuse(server):
    endpoint = server.endpoint()

    async def calls():
        await asyncio.gather(*(endpoint.request(json={}) for _ in range(4)))
        await asyncio.gather(*(endpoint.request(json={}) for _ in range(4)))

    asyncio.run(calls())
    assert len(server.seen) == 8
    assert len(server.peers()) <= 4


def test_original_opens_a_connection_per_call(server):
    endpoint = server.endpoint()

    async def calls():
        for _ in range(3):
            await ORIGINAL(endpoint, json={})

    asyncio.run(calls())
    assert len(server.peers()) == 3


def test_headers_params_auth_and_body_arrive_as_with_rasa(server):
    settings = dict(
        params={"source": "guichet"},
        headers={"X-Guichet": "mairie"},
        basic_auth={"username": "agent", "password": "secret"},
        token="jeton",
    )

    async def call(request):
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{server.port}/", **settings)
        return await request(
            endpoint, method="post", subpath="/webhook",
            json={"a": 1}, params={"extra": "1"}, headers={"X-Call": "oui"},
        )

    asyncio.run(call(ORIGINAL))
    asyncio.run(call(EndpointConfig.request))
    before, after = server.seen
    for seen in (before, after):
        seen.pop("peer")
        seen.pop("transport")
        for volatile in ("Host", "Content-Length"):
            seen["headers"].pop(volatile, None)
    assert after == before
    assert after["headers"]["X-Guichet"] == "mairie"
    assert after["headers"]["X-Call"] == "oui"
    assert after["headers"]["Content-Type"] == "application/json"
    assert after["headers"]["Authorization"] == aiohttp.BasicAuth("agent", "secret").encode()
    assert after["query"] == {"source": "guichet", "token": "jeton", "extra": "1"}
    assert after["body"] == {"a": 1}
    assert after["path"] == "/webhook"


@pytest.mark.parametrize("kind,status,text", [
    ("rejected", 400, b'{"action_name": "action_x", "error": "non"}'),
    ("broken", 500, b"panne"),
])
def test_error_status_raises_the_same_exception(server, kind, status, text):
    async def call_path(request):
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{server.port}/{kind}")
        with pytest.raises(ClientResponseError) as raised:
            await request(endpoint, json={})
        return raised.value

    expected = asyncio.run(call_path(ORIGINAL))
    raised = asyncio.run(call_path(EndpointConfig.request))
    assert (raised.status, raised.message, raised.text) == (status, expected.message, text)
    assert str(raised) == str(expected)


@pytest.mark.parametrize("kind", ["empty", "text"])
def test_empty_or_non_json_body_gives_none(server, kind):
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{server.port}/{kind}")

    async def calls():
        return [await endpoint.request(json={}) for _ in range(3)]

    assert asyncio.run(calls()) == [None] * 3
    assert len(server.peers()) == 1


def test_each_event_loop_gets_its_own_session(server):
    endpoint = server.endpoint()

    async def session_of_this_loop():
        await endpoint.request(json={})
        session = endpoint_sessions.shared_session(
            endpoint, endpoint_sessions.session_key(endpoint))
        assert not session.closed
        return session

    first = asyncio.run(session_of_this_loop())
    assert first.closed  # asyncio.run shut the loop down: its sessions were closed
    second = asyncio.run(session_of_this_loop())
    assert first is not second
    assert len(server.peers()) == 2


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_loop_closed_without_shutdown_is_dropped_cleanly(server):
    # A closed loop can no longer close its sockets (the socket itself is freed by the
    # garbage collector, with a ResourceWarning, hidden by default): what matters is
    # that aiohttp sees the session closed and logs no "Unclosed client session".
    loop = asyncio.new_event_loop()
    loop.run_until_complete(server.endpoint().request(json={}))
    (session,) = endpoint_sessions.open_sessions()
    loop.close()  # no shutdown_asyncgens, as Sanic does
    asyncio.run(server.endpoint().request(json={}))  # a new loop drops the old one
    assert session.closed
    del session, loop
    gc.collect()


def test_different_headers_get_different_sessions(server):
    async def sessions():
        found = []
        for headers in ({"X-A": "1"}, {"X-A": "2"}, {"X-A": "1"}):
            endpoint = server.endpoint(headers=headers)
            await endpoint.request(json={})
            found.append(endpoint_sessions.shared_session(
                endpoint, endpoint_sessions.session_key(endpoint)))
        return found

    one, two, one_again = asyncio.run(sessions())
    assert one is one_again and one is not two
    assert [seen["headers"]["X-A"] for seen in server.seen] == ["1", "2", "1"]


def test_connection_closed_by_the_server_is_replaced():
    with RecordingServer(keepalive_timeout=0.3) as server:
        endpoint = server.endpoint()

        async def calls():
            first = await endpoint.request(json={})
            # The server closes the idle connection after 0.3 s (later on a busy machine):
            # wait until it did, and give the client's loop a moment to see it.
            deadline = time.monotonic() + 1.5
            while not server.seen[0]["transport"].is_closing() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert server.seen[0]["transport"].is_closing()
            await asyncio.sleep(0.1)
            return first, await endpoint.request(json={})

        first, second = asyncio.run(calls())
    endpoint_sessions.close_all()
    assert first == second is not None
    assert len(server.peers()) == 2


def test_unreachable_server_raises_a_connection_error():
    endpoint = EndpointConfig(url="http://127.0.0.1:9/webhook")

    async def call():
        with pytest.raises(aiohttp.ClientConnectionError):
            await endpoint.request(json={})

    asyncio.run(call())
    endpoint_sessions.close_all()


def test_close_all_closes_sessions_of_an_open_loop(server):
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(server.endpoint().request(json={}))
        sessions = endpoint_sessions.open_sessions()
        assert sessions and not any(s.closed for s in sessions)
        endpoint_sessions.close_all()
        assert all(s.closed for s in sessions)
        assert endpoint_sessions.open_sessions() == ()
    finally:
        loop.close()


def test_apply_is_idempotent():
    runtime_patches.apply()
    runtime_patches.apply()
    assert EndpointConfig.session is endpoint_sessions.session


@pytest.mark.parametrize("body", [
    {"tracker": {"events": [{"event": "user", "text": "Déjà vu « ici » / là \\ \"ok\"", "confidence": 0.1 + 0.2,
                             "timestamp": 1764806400.123456, "big": 2 ** 70, "none": None, "flags": [True, False]}]}},
    {1: "clé entière", "emoji": "🙂"},
])
def test_json_bodies_parse_to_the_same_value(server, body):
    async def call():
        return await server.endpoint().request(json=body)

    asyncio.run(call())
    endpoint_sessions.close_all()
    assert server.seen[-1]["body"] == json.loads(json.dumps(body))


def test_json_body_falls_back_to_json_dumps():
    assert json.loads(endpoint_sessions.json_body({"a": [1.5, "é"]})) == {"a": [1.5, "é"]}
    with pytest.raises(TypeError):
        endpoint_sessions.json_body({"a": object()})


def test_rasas_own_session_where_none_can_be_kept(tmp_path):
    async def sessions_in_a_loop():
        return [server_endpoint.session(), server_endpoint.session(),
                EndpointConfig(url="https://mairie.example/", cafile=str(tmp_path / "ca.pem")).session()]

    def outside_a_loop(make_session):
        try:
            made = make_session(server_endpoint)
        except RuntimeError as error:  # uvloop's policy (Rasa's) has no loop to give
            return type(error)
        asyncio.run(made.close())
        return type(made)

    server_endpoint = EndpointConfig(url="http://127.0.0.1:9/webhook")
    kept, kept_again, with_cafile = asyncio.run(sessions_in_a_loop())
    assert not isinstance(kept, aiohttp.ClientSession) and kept.session is kept_again.session
    assert isinstance(with_cafile, aiohttp.ClientSession)
    asyncio.run(with_cafile.close())
    assert outside_a_loop(endpoint_sessions.session) is outside_a_loop(endpoint_sessions.ORIGINAL_SESSION)
