"""Citizen-side transports: Rasa's REST webhook and the widget's socket.io channel.

Both expose the same conversation interface (``open``, ``send``, ``close``) and return a
:class:`TurnResult` per message. REST answers with the whole turn in one response. Over
socket.io every bot message is its own ``bot_uttered`` event and nothing marks the end of
a turn: a turn ends when a ``quiet`` window passes without a new message (or at the
timeout); its latency is the arrival of its last message. Messages arriving between
turns are counted as ``late`` (a turn cut by a too-short quiet window).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List

import aiohttp
import socketio

OK, HTTP_ERROR, TIMEOUT, EMPTY, FAILED = "ok", "http_error", "timeout", "empty", "failed"


@dataclass
class TurnResult:
    status: str
    seconds: float
    texts: List[str] = field(default_factory=list)
    payloads: List[str] = field(default_factory=list)
    detail: str = ""


def _read_messages(messages: List[Dict[str, Any]]) -> Dict[str, List[str]]:
    texts, payloads = [], []
    for message in messages:
        if message.get("text"):
            texts.append(str(message["text"]))
        for choice in (message.get("buttons") or []) + (message.get("quick_replies") or []):
            if isinstance(choice, dict) and choice.get("payload"):
                payloads.append(str(choice["payload"]))
    return {"texts": texts, "payloads": payloads}


class RestConversation:
    """One conversation over POST /webhooks/rest/webhook, on a shared aiohttp session."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, sender: str, timeout: float) -> None:
        self.http, self.url, self.sender = http, f"{base_url}/webhooks/rest/webhook", sender
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.late = 0

    async def open(self) -> float:
        return 0.0

    async def send(self, text: str) -> TurnResult:
        start = time.perf_counter()
        try:
            async with self.http.post(self.url, json={"sender": self.sender, "message": text},
                                      timeout=self.timeout) as response:
                body = await response.json(content_type=None) if response.status == 200 else None
                seconds = time.perf_counter() - start
                if response.status != 200:
                    return TurnResult(HTTP_ERROR, seconds, detail=f"HTTP {response.status}")
        except asyncio.TimeoutError:
            return TurnResult(TIMEOUT, time.perf_counter() - start)
        except (aiohttp.ClientError, ValueError) as exc:
            return TurnResult(FAILED, time.perf_counter() - start, detail=type(exc).__name__)
        read = _read_messages(body or [])
        status = OK if read["texts"] or read["payloads"] else EMPTY
        return TurnResult(status, seconds, **read)

    async def close(self) -> None:
        return None


class SocketConversation:
    """One conversation over socket.io, as the widget holds it (session_request first)."""

    def __init__(self, base_url: str, sender: str, timeout: float, quiet: float) -> None:
        self.base_url, self.sender, self.timeout, self.quiet = base_url, sender, timeout, quiet
        self.client = socketio.AsyncClient(reconnection=False)
        self.inbox: "asyncio.Queue[tuple]" = asyncio.Queue()
        self.confirmed = asyncio.Event()
        self.late = 0
        self.client.on("bot_uttered", self._on_message)
        self.client.on("session_confirm", self._on_confirm)

    async def _on_message(self, data: Any) -> None:
        await self.inbox.put((time.perf_counter(), data if isinstance(data, dict) else {"text": str(data)}))

    async def _on_confirm(self, *_: Any) -> None:
        self.confirmed.set()

    async def open(self) -> float:
        """Connects and asks for the session; returns the seconds it took."""
        start = time.perf_counter()
        await self.client.connect(self.base_url, socketio_path="socket.io", transports=["polling"],
                                  wait_timeout=self.timeout)
        await self.client.emit("session_request", {"session_id": self.sender})
        await asyncio.wait_for(self.confirmed.wait(), self.timeout)
        return time.perf_counter() - start

    async def send(self, text: str) -> TurnResult:
        while not self.inbox.empty():
            self.inbox.get_nowait()
            self.late += 1
        start = time.perf_counter()
        try:
            await self.client.emit("user_uttered", {"message": text, "session_id": self.sender})
        except socketio.exceptions.SocketIOError as exc:
            return TurnResult(FAILED, time.perf_counter() - start, detail=type(exc).__name__)
        messages, last = [], None
        wait = self.timeout
        while True:
            try:
                last, message = await asyncio.wait_for(self.inbox.get(), wait)
            except asyncio.TimeoutError:
                break
            messages.append(message)
            wait = self.quiet
        if last is None:
            return TurnResult(TIMEOUT, time.perf_counter() - start)
        read = _read_messages(messages)
        return TurnResult(OK if read["texts"] or read["payloads"] else EMPTY, last - start, **read)

    async def close(self) -> None:
        try:
            await self.client.disconnect()
        except Exception:  # noqa: BLE001 - closing a broken connection must not fail a run
            pass
