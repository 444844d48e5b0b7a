"""Test helpers for the channel tests: free ports, a real Sanic server, a fake Graph API.

The fake Graph API is a real local HTTP server (aiohttp) that records every
Send API call, and can be told to fail for a while or to refuse messages.
"""

import asyncio
import contextlib
import json
import uuid
from typing import Any, AsyncIterator, Dict, List, Optional

from aiohttp import web
from sanic import Sanic

from tools.stack import free_port

# Several Sanic apps are started in one process: test mode lets Sanic re-apply
# its start-up optimisations and reuse app names (Rasa names its app "rasa_server").
Sanic.test_mode = True


def new_app() -> Sanic:
    """A Sanic app with a unique name (Sanic keeps a registry of names)."""
    return Sanic(f"guichet_test_{uuid.uuid4().hex[:12]}", configure_logging=False)


@contextlib.asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[str]:
    """Serve ``app`` on a free local port in the running loop; yield its base URL."""
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


async def wait_until(predicate, timeout: float = 5.0, interval: float = 0.02) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(interval)
    return bool(predicate())


class FakeGraphApi:
    """A local stand-in for ``https://graph.facebook.com/vXX.X``."""

    def __init__(self, port: Optional[int] = None) -> None:
        self.port = port or free_port()
        self.calls: List[Dict[str, Any]] = []
        self.failures_left = 0
        self.failure_status = 500
        self.failure_error: Dict[str, Any] = {"message": "temporary", "code": 2}
        self.refuse_everything = False
        self.down_for: set = set()  # recipient ids whose messages always get a 503
        self.retry_after: Optional[str] = None
        self._runner: Optional[web.AppRunner] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v19.0"

    def fail_next(self, count: int, status: int = 500, error: Optional[Dict[str, Any]] = None) -> None:
        """Answer the next ``count`` calls with an error."""
        self.failures_left = count
        self.failure_status = status
        self.failure_error = error or {"message": "temporary", "code": 2}

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        call = {
            "path": request.path,
            "access_token": request.query.get("access_token"),
            "body": body,
            "status": 200,
        }
        self.calls.append(call)
        if self.refuse_everything:
            call["status"] = 400
            error = {"message": "(#100) Invalid parameter", "code": 100}
            return web.json_response({"error": error}, status=400)
        if body.get("recipient", {}).get("id") in self.down_for:
            call["status"] = 503
            return web.json_response({"error": {"message": "down", "code": 2}}, status=503)
        if self.failures_left > 0:
            self.failures_left -= 1
            call["status"] = self.failure_status
            headers = {"Retry-After": self.retry_after} if self.retry_after else None
            return web.json_response(
                {"error": self.failure_error}, status=self.failure_status, headers=headers
            )
        answer = {"recipient_id": body.get("recipient", {}).get("id")}
        if "message" in body:
            answer["message_id"] = f"m_{len(self.calls)}"
        return web.json_response(answer)

    async def start(self) -> "FakeGraphApi":
        app = web.Application()
        app.router.add_post("/v19.0/me/messages", self._messages)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def delivered(self) -> List[Dict[str, Any]]:
        """Message bodies (not sender actions) the fake accepted, in order."""
        return [
            c["body"] for c in self.calls if c["status"] == 200 and "message" in c["body"]
        ]

    def delivered_texts(self) -> List[str]:
        texts = []
        for body in self.delivered():
            message = body["message"]
            if "text" in message:
                texts.append(message["text"])
            else:
                payload = message.get("attachment", {}).get("payload", {})
                texts.append(payload.get("text") or payload.get("url") or json.dumps(message))
        return texts

    def sender_actions(self) -> List[str]:
        return [c["body"]["sender_action"] for c in self.calls if "sender_action" in c["body"]]


class Collector:
    """A stand-in for Rasa's ``on_new_message``: records the messages it gets."""

    def __init__(self, reply: Optional[str] = None, fail: bool = False) -> None:
        self.messages: List[Any] = []
        self.reply = reply
        self.fail = fail

    async def __call__(self, message: Any) -> None:
        self.messages.append(message)
        if self.fail:
            raise RuntimeError("the bot crashed")
        if self.reply is not None:
            await message.output_channel.send_response(
                message.sender_id, {"text": self.reply.format(text=message.text)}
            )

    def texts(self) -> List[str]:
        return [m.text for m in self.messages]
