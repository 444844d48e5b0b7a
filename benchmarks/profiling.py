"""Optional sampling profiles of the services while they are under load (py-spy).

py-spy is not a dependency of the project: install it where you like (for instance
``pip install --target /tmp/pyspy py-spy``) and give ``--profile /tmp/pyspy/bin/py-spy``
to ``benchmarks.run``. Each service's process is sampled without stopping it
(``--nonblocking``) during the most loaded REST level; raw collapsed stacks are kept
next to the logs and summarized as the functions holding the largest share of samples
(inclusive, so ``_validate_action_result`` counts the jsonschema code it calls) among
the samples where the thread was working, leaving out the frames present in nearly
every sample (the server's own loop); ``loop_busy`` tells how saturated the main event
loop was.
"""

from __future__ import annotations

import re
import signal
import subprocess
from collections import Counter
from pathlib import Path
from typing import Dict, List

#: Packages whose every frame is named in a summary: Guichet's code and Rasa's.
OWN = ("actions", "backoffice", "channels", "guichet_nlu", "rasa", "rasa_sdk")
#: Libraries named only by the frame where the call enters them (jsonschema's ``validate``,
#: not its twenty internal frames).
LIBRARIES = ("jsonschema", "tensorflow", "spacy", "thinc", "sqlalchemy", "requests", "urllib3",
             "sanic", "fastapi", "starlette", "uvicorn", "aiohttp", "socketio", "engineio")
#: Leaf frames of a thread that waits: an event loop in C (uvloop, asyncio), a pool's
#: idle worker. py-spy cannot tell idle threads here, so the summary does.
IDLE_LEAVES = ("serve (sanic/server/runners.py)", "asyncio_run (uvicorn/_compat.py)",
               "_worker (concurrent/futures/thread.py)", "run (anyio/_backends/_asyncio.py)",
               "run_forever (asyncio/base_events.py)", "select (selectors.py)")
#: First frames of a service's main thread (the one running its event loop).
MAIN_THREAD_ROOTS = ("<module> (rasa", "_run_module_as_main (runpy.py")
FRAME_PACKAGE = re.compile(r"\(([A-Za-z_0-9]+)/")
LINE_NUMBER = re.compile(r":\d+\)$")


def named_frames(frames: List[str]) -> set:
    """The frames of one stack that a summary counts (see :data:`OWN`, :data:`LIBRARIES`)."""
    kept, previous = set(), None
    for frame in frames:
        match = FRAME_PACKAGE.search(frame)
        package = match.group(1) if match else None
        if package in OWN or (package in LIBRARIES and package != previous):
            kept.add(LINE_NUMBER.sub(")", frame))
        previous = package
    return kept


class Profiler:
    """Runs one ``py-spy record`` per process, for ``seconds`` at most or until :meth:`stop`."""

    def __init__(self, py_spy: str, pids: Dict[str, int], seconds: float, out: Path) -> None:
        self.py_spy, self.pids, self.seconds, self.out = py_spy, pids, seconds, out
        self.processes: Dict[str, subprocess.Popen] = {}

    def start(self) -> "Profiler":
        self.out.mkdir(parents=True, exist_ok=True)
        for name, pid in self.pids.items():
            self.processes[name] = subprocess.Popen(
                [self.py_spy, "record", "--pid", str(pid), "--duration", str(int(self.seconds)),
                 "--rate", "50", "--nonblocking", "--format", "raw", "-o", str(self.out / f"{name}.txt")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def stop(self, top: int = 15) -> Dict[str, Dict[str, object]]:
        """Ends the recordings now (py-spy writes its file on SIGINT); returns each
        service's summary."""
        summaries = {}
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for name, process in self.processes.items():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            path = self.out / f"{name}.txt"
            if path.exists():
                summaries[name] = dict(summarize(path.read_text().splitlines(), top), raw=str(path))
        return summaries


def _is_idle(leaf: str) -> bool:
    return any(leaf.startswith(point) for point in IDLE_LEAVES)


def summarize(lines: List[str], top: int = 15, ceiling: float = 0.75) -> Dict[str, object]:
    """A summary of py-spy's raw collapsed stacks (``frame;frame;... count``).

    ``loop_busy``: share of the main thread's samples spent working rather than waiting
    in the event loop (near 1: the service is saturated). ``top``: the interesting frames
    by inclusive share of the busy samples (below ``ceiling``).
    """
    inclusive: Counter = Counter()
    total = busy = main = main_busy = 0
    for line in lines:
        stack, _, count = line.strip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames, n = stack.split(";"), int(count)
        idle = _is_idle(LINE_NUMBER.sub(")", frames[-1]))
        total += n
        if frames[0].startswith(MAIN_THREAD_ROOTS):
            main += n
            main_busy += 0 if idle else n
        if idle:
            continue
        busy += n
        for frame in named_frames(frames):
            inclusive[frame] += n
    shares = [(frame, round(k / busy, 3)) for frame, k in inclusive.most_common() if k / busy < ceiling] if busy else []
    return {"samples": total, "busy_samples": busy,
            "loop_busy": round(main_busy / main, 3) if main else None,
            "top_inclusive": [{"frame": f, "share": share} for f, share in shares[:top]]}
