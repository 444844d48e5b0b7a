"""Event broker forwarding citizens' messages to the back office during a handoff.

Declared in ``endpoints.yml``::

    event_broker:
      type: channels.handoff_broker.BackOfficeEventBroker

Rasa publishes every new tracker event; while a conversation is paused for an agent,
the citizen's messages are stored in the tracker but get no bot reply, so this broker
forwards every ``user`` event to ``POST /api/v1/handoff/citizen-messages``; the back
office keeps only those of conversations with an open live ticket. It works the same
with one or many Rasa instances.

``publish`` never blocks: events go to a bounded queue (the oldest is dropped, with a
warning, when it is full) that a background task sends in batches, retrying with
back-off. When few messages are waiting, the task first lingers (``linger``, 0.2 s) so
that a batch gathers the messages of that moment: every message of every conversation
passes here, and sent as they came (two or three per request under load) they cost the
back office and Rasa about 2.6 ms of CPU per turn (benchmarks/TUNING.md); an agent sees a
citizen's message at most that much later (the console itself polls every 500 ms). With
a backlog it sends without waiting. Settings: ``url``, ``api_key``, ``linger``, ``batch_size``,
``max_queue``, ``timeout``, ``retries``, ``backoff`` in endpoints.yml; else
``BACKOFFICE_URL`` and ``BACKOFFICE_API_KEY``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from asyncio import AbstractEventLoop
from typing import Any, Dict, List, Optional, Text

import aiohttp
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

PATH = "/api/v1/handoff/citizen-messages"
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
_CHANNEL = re.compile(r"^[a-z][a-z0-9_.]{0,29}$")
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def citizen_message(event: Dict[Text, Any]) -> Optional[Dict[Text, Any]]:
    """The back office's shape of a ``user`` event, or None when there is nothing to send."""
    if event.get("event") != "user":
        return None
    conversation_id = str(event.get("sender_id") or "")
    text = _UNSTORABLE.sub("", str(event.get("text") or "")).strip()[:4000]
    if not text or not _CONVERSATION_ID.match(conversation_id):
        return None
    item: Dict[Text, Any] = {"conversation_id": conversation_id, "text": text}
    if event.get("message_id"):
        item["message_id"] = _UNSTORABLE.sub("", str(event["message_id"]))[:100] or None
    channel = str(event.get("input_channel") or "")
    if _CHANNEL.match(channel):
        item["channel"] = channel
    return {key: value for key, value in item.items() if value is not None}


class BackOfficeEventBroker(EventBroker):
    """Sends citizen messages to the back office, in the background, in batches."""

    def __init__(self, url: Text, api_key: Text, max_queue: int = 1000, batch_size: int = 50,
                 timeout: float = 5.0, retries: int = 3, backoff: float = 0.5,
                 linger: float = 0.2) -> None:
        self.url = url.rstrip("/") + PATH
        self.api_key = api_key
        self.max_queue = max_queue
        self.batch_size = batch_size
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.linger = linger
        self.queue: Optional[asyncio.Queue] = None
        self.in_flight: List[Dict[Text, Any]] = []  # taken from the queue, not yet sent
        self.task: Optional[asyncio.Task] = None
        self.sent = 0
        self.dropped = 0

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[AbstractEventLoop] = None
    ) -> "BackOfficeEventBroker":
        options = broker_config.kwargs or {}
        url = broker_config.url or os.environ.get("BACKOFFICE_URL", "http://127.0.0.1:8000")
        api_key = options.get("api_key") or os.environ.get("BACKOFFICE_API_KEY",
                                                           "dev-action-server-key")
        return cls(url, api_key, **{k: options[k] for k in (
            "max_queue", "batch_size", "timeout", "retries", "backoff", "linger") if k in options})

    def publish(self, event: Dict[Text, Any]) -> None:
        item = citizen_message(event)
        if item is None:
            return
        try:
            self._start()
        except RuntimeError:  # no running event loop: nothing can send it
            logger.warning("No event loop: citizen message of %s not forwarded",
                           item["conversation_id"])
            return
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
            logger.warning("Handoff broker queue full: the oldest message was dropped")
        self.queue.put_nowait(item)

    def _start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.queue is None:
            self.queue = asyncio.Queue(maxsize=self.max_queue)
        if self.task is None or self.task.done():
            self.task = loop.create_task(self._run())

    async def _next_batch(self) -> List[Dict[Text, Any]]:
        self.in_flight = batch = [await self.queue.get()]
        if self.linger > 0 and self.queue.qsize() < self.batch_size - 1:
            await asyncio.sleep(self.linger)  # gather the messages of the moment
        while len(batch) < self.batch_size and not self.queue.empty():
            batch.append(self.queue.get_nowait())
        return batch

    async def _send(self, session: aiohttp.ClientSession, batch: List[Dict[Text, Any]]) -> bool:
        for attempt in range(self.retries + 1):
            try:
                async with session.post(self.url, json={"messages": batch}) as reply:
                    if reply.status < 500:
                        if reply.status >= 400:
                            logger.warning("Back office refused citizen messages: %s %s",
                                           reply.status, await reply.text())
                        return reply.status < 400
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                logger.info("Back office unreachable (attempt %d): %s", attempt + 1, exc)
            await asyncio.sleep(self.backoff * 2 ** attempt)
        return False

    async def _run(self) -> None:
        headers = {"X-API-Key": self.api_key}
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
            while True:
                batch = await self._next_batch()
                if await self._send(session, batch):
                    self.sent += len(batch)
                else:
                    self.dropped += len(batch)
                    logger.error("%d citizen message(s) could not reach the back office",
                                 len(batch))
                self.in_flight = []

    async def flush(self, timeout: float = 5.0) -> None:
        """Wait until every queued message is sent or given up (tests, shutdown)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.queue is not None and (not self.queue.empty() or self.in_flight):
            if asyncio.get_running_loop().time() > deadline:
                return
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self.flush()
        if self.task is not None:
            self.task.cancel()
