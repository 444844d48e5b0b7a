"""Starts the whole Guichet stack for a benchmark and times each service's start.

Uses :class:`tools.stack.Stack` on free ports with a fresh SQLite database in a
temporary folder, seeded with the demo cases (`python -m backoffice seed`) before the
back office starts. A watcher thread polls each service's health URL while
``Stack.start`` waits, so the time from launch to ready is known per service
(all services start together and share the cores, as in `make run`).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, Optional

from tools.stack import ALL_SERVICES, ROOT, Stack, free_ports


def seed(stack: Stack) -> None:
    """Migrates the stack's database and loads the demo cases."""
    subprocess.run([sys.executable, "-m", "backoffice", "seed"], cwd=ROOT, env=stack.env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class ReadyWatcher:
    """Records, for each service of a stack, the seconds from launch until healthy."""

    def __init__(self, stack: Stack, poll: float = 0.2) -> None:
        self.stack, self.poll = stack, poll
        self.seconds: Dict[str, Optional[float]] = {s.name: None for s in stack.services}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._start = 0.0

    def _watch(self) -> None:
        while not self._stop.is_set() and any(v is None for v in self.seconds.values()):
            for service in self.stack.services:
                if self.seconds[service.name] is None and service.process and service.is_ready():
                    self.seconds[service.name] = round(time.perf_counter() - self._start, 2)
            self._stop.wait(self.poll)

    def __enter__(self) -> "ReadyWatcher":
        self._start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        elapsed = round(time.perf_counter() - self._start, 2)
        for name, seconds in self.seconds.items():
            if seconds is None and not any(exc):
                self.seconds[name] = elapsed  # became ready between two polls


def start_stack(model: Path, workdir: Path, extra_env: Optional[Dict[str, str]] = None,
                rasa_workers: int = 1) -> tuple:
    """A started stack for ``model`` and the start-to-ready seconds of its services;
    ``extra_env`` is given to every service (e.g. TensorFlow thread settings to try),
    ``rasa_workers`` > 1 runs Rasa's workers on endpoints.scale.yml's Redis stores."""
    workdir.mkdir(parents=True, exist_ok=True)
    ports = free_ports(*ALL_SERVICES)
    env = {"DATABASE_URL": f"sqlite:///{workdir / 'backoffice.db'}", **(extra_env or {})}
    stack = Stack(ports=ports, model=model, workdir=workdir, extra_env=env, rasa_workers=rasa_workers)
    seed(stack)
    with ReadyWatcher(stack) as watcher:
        started = time.perf_counter()
        stack.start()
        total = time.perf_counter() - started
    ready = dict(watcher.seconds, all=round(total, 2))
    return stack, ready
