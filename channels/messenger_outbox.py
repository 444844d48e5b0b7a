"""Ordered, retrying delivery of Messenger messages.

Each recipient has a queue served by its own background task, so replies
arrive in order and one unreachable conversation does not hold up the others.
A message that fails for a temporary reason (network down, Graph API error
5xx or rate limit) stays at the head of its queue and is tried again with
exponential back-off (capped), for up to ``max_age`` seconds - by default the
24 hours during which Messenger lets a page answer. Every failure is logged;
a message that cannot be delivered is logged at ERROR level with its content
and kept in ``failed``: nothing is dropped silently.
Sender actions (typing indicator, "seen") are best effort: tried once.
"""

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Deque, Dict, List, Optional, Set

from channels.messenger_graph import GraphApiClient, GraphApiError

logger = logging.getLogger(__name__)


@dataclass
class OutboxItem:
    """One Send API request waiting to be delivered."""

    recipient_id: str
    body: Dict[str, Any]
    best_effort: bool
    queued_at: float
    done: "asyncio.Future[bool]"
    attempts: int = 0
    last_error: Optional[str] = field(default=None)


class Outbox:
    """Per-recipient delivery queues with retries and back-off."""

    def __init__(
        self,
        client: GraphApiClient,
        first_delay: float = 1.0,
        max_delay: float = 60.0,
        max_age: float = 24 * 3600,
        clock: Callable[[], float] = time.monotonic,
        max_failed_kept: int = 1000,
    ) -> None:
        self.client = client
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.max_age = max_age
        self._clock = clock
        self._queues: Dict[str, Deque[OutboxItem]] = {}
        self._workers: Dict[str, "asyncio.Task[None]"] = {}
        self._all_workers: Set["asyncio.Task[None]"] = set()
        self.failed: Deque[OutboxItem] = deque(maxlen=max_failed_kept)

    def put(
        self, recipient_id: str, body: Dict[str, Any], best_effort: bool = False
    ) -> "asyncio.Future[bool]":
        """Queue ``body`` for ``recipient_id``.

        Returns a future that becomes True once delivered, False if it was
        given up. Must be called from a running event loop.
        """
        loop = asyncio.get_running_loop()
        item = OutboxItem(recipient_id, body, best_effort, self._clock(), loop.create_future())
        self._queues.setdefault(recipient_id, deque()).append(item)
        worker = self._workers.get(recipient_id)
        if worker is None or worker.done():
            worker = loop.create_task(self._serve(recipient_id))
            self._workers[recipient_id] = worker
            self._all_workers.add(worker)
            worker.add_done_callback(self._all_workers.discard)
        return item.done

    def pending(self, recipient_id: Optional[str] = None) -> int:
        """Number of messages not yet delivered, sender actions aside (for one recipient or all)."""
        queues = [self._queues.get(recipient_id, ())] if recipient_id is not None else self._queues.values()
        return sum(1 for queue in queues for item in queue if not item.best_effort)

    def pending_items(self) -> List[OutboxItem]:
        """The messages (not sender actions) not yet delivered, oldest first per recipient."""
        return [item for queue in self._queues.values() for item in queue if not item.best_effort]

    async def drain(self, timeout: Optional[float] = None) -> bool:
        """Wait until every queue is empty; False if ``timeout`` ran out first."""
        deadline = None if timeout is None else self._clock() + timeout
        while self._all_workers:
            remaining = None if deadline is None else deadline - self._clock()
            if remaining is not None and remaining <= 0:
                return False
            await asyncio.wait(set(self._all_workers), timeout=remaining)
        return True

    async def close(self, timeout: float = 5.0) -> None:
        """Try to deliver what is queued, then stop and report what is left."""
        await self.drain(timeout)
        left = self.pending_items()
        for item in left:
            logger.error(
                "Messenger message to %s not delivered before shutdown "
                "(%d attempt(s), last error: %s): %s",
                item.recipient_id, item.attempts, item.last_error, item.body,
            )
        for worker in list(self._all_workers):
            worker.cancel()
        await self.client.close()

    def _give_up(self, queue: Deque[OutboxItem], why: str) -> None:
        item = queue.popleft()
        if not item.best_effort:
            self.failed.append(item)
            logger.error(
                "Messenger message to %s given up (%s) after %d attempt(s): %s",
                item.recipient_id, why, item.attempts, item.body,
            )
        if not item.done.done():
            item.done.set_result(False)

    def _delay(self, item: OutboxItem, error: GraphApiError) -> float:
        backoff = min(self.max_delay, self.first_delay * 2 ** (item.attempts - 1))
        if error.retry_after is not None:
            return max(backoff, min(error.retry_after, 3600.0))
        return backoff

    async def _serve(self, recipient_id: str) -> None:
        queue = self._queues[recipient_id]
        try:
            while queue:
                item = queue[0]
                item.attempts += 1
                try:
                    await self.client.post(item.body)
                except GraphApiError as error:
                    item.last_error = error.reason
                    if item.best_effort:
                        logger.debug("Messenger sender action to %s failed: %s", recipient_id, error.reason)
                        self._give_up(queue, error.reason)
                    elif not error.transient:
                        self._give_up(queue, f"refused: {error.reason}")
                    elif self._clock() - item.queued_at >= self.max_age:
                        self._give_up(queue, f"still failing after {self.max_age:.0f}s: {error.reason}")
                    else:
                        delay = self._delay(item, error)
                        logger.warning(
                            "Messenger send to %s failed (%s, attempt %d); %d message(s) "
                            "kept in the outbox, next try in %.1fs",
                            recipient_id, error.reason, item.attempts, len(queue), delay,
                        )
                        await asyncio.sleep(delay)
                    continue
                except Exception:  # a bug must not block the queue forever
                    logger.exception("Unexpected error while sending to Messenger")
                    self._give_up(queue, "unexpected error")
                    continue
                queue.popleft()
                if item.attempts > 1:
                    logger.info(
                        "Messenger message to %s delivered after %d attempts",
                        recipient_id, item.attempts,
                    )
                if not item.done.done():
                    item.done.set_result(True)
        finally:
            if not queue:
                self._queues.pop(recipient_id, None)
            if self._workers.get(recipient_id) is asyncio.current_task():
                del self._workers[recipient_id]
