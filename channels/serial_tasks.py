"""Run background jobs one after the other per key, in submission order.

The Messenger webhook must answer Facebook at once, so the citizen's messages
are processed in the background. Two messages from the same citizen must
still reach the bot in the order they were sent: jobs sharing a key (the
sender id) run sequentially, jobs with different keys run concurrently.
"""

import asyncio
import logging
from collections import deque
from typing import Awaitable, Callable, Deque, Dict, Optional, Set

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class SerialTasks:
    """Per-key FIFO queues of coroutine jobs, each served by one task."""

    def __init__(self) -> None:
        self._queues: Dict[str, Deque[Job]] = {}
        self._tasks: Set["asyncio.Task[None]"] = set()

    def submit(self, key: str, job: Job) -> None:
        """Queue ``job``; it runs after the jobs already queued for ``key``."""
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(job)
            return
        self._queues[key] = deque([job])
        task = asyncio.get_running_loop().create_task(self._serve(key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                job = queue[0]
                try:
                    await job()
                except Exception:
                    logger.exception("Background job for %s failed", key)
                finally:
                    queue.popleft()
        finally:
            if queue:
                logger.warning("%d background job(s) for %s dropped at shutdown", len(queue), key)
            if self._queues.get(key) is queue:
                del self._queues[key]

    def busy(self) -> bool:
        """Tell whether some job is queued or running."""
        return bool(self._tasks)

    async def join(self, timeout: Optional[float] = None) -> bool:
        """Wait for every queued job; False if ``timeout`` ran out first."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._tasks:
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            await asyncio.wait(set(self._tasks), timeout=remaining)
        return True
