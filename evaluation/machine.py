"""What machine a measurement ran on (cores, memory, CPU model, load, versions), and
how a measuring run stops cleanly.

Timings mean little without the machine: both `make eval` and `make bench` print it at
the top of their reports. The virtual machines of this project's kind also change speed
within an hour (the same code gave 97 and 77 turns/s on 5 December 2026, and its start-up
took 14 or 22 CPU seconds, with no steal time reported), so each report also times a fixed
pure-Python workload at its start and at its end (:func:`speed_probe`): two reports'
figures compare only as far as their probes agree.
"""

from __future__ import annotations

import os
import platform
import signal
import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> Optional[float]:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> Optional[str]:
    try:
        from importlib.metadata import version
        return version(package)
    except Exception:  # noqa: BLE001 - any failure just means "unknown"
        return None


def describe() -> Dict[str, Any]:
    """A JSON-friendly description of this machine and of the software measured."""
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": _memory_gib(),
        "cpu_model": _cpu_model(),
        "load_average_1_5_15": load_average(),
        "speed_probe_ms": speed_probe(),
        "python": platform.python_version(),
        "rasa": _version("rasa"),
        "tensorflow": _version("tensorflow"),
        "spacy": _version("spacy"),
    }


def load_average() -> Optional[list]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _reference_work() -> int:
    """A fixed piece of pure-Python work (dicts, strings, sorting, like Rasa's own code)."""
    table = {}
    for number in range(100_000):
        table[str(number)] = number * 7 % 13
    return sum(sorted(table.values()))


def speed_probe(repeats: int = 5) -> float:
    """Milliseconds the fixed workload takes on one core here, best of ``repeats`` (the
    best run leaves out moments when another process held the core): the larger, the
    slower the machine is running now."""
    best = float("inf")
    for _ in range(max(repeats, 1)):
        started = time.perf_counter()
        _reference_work()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def at_end(info: Dict[str, Any]) -> None:
    """Adds the load average and the speed probe at the end of a run to ``info``."""
    info["load_at_end"] = load_average()
    info["speed_probe_ms_at_end"] = speed_probe()


def markdown(info: Dict[str, Any]) -> str:
    """One paragraph for a report (``info`` from :func:`describe`, after :func:`at_end`)."""
    end = f", {info['load_at_end']} at the end" if info.get("load_at_end") else ""
    probe = ""
    if info.get("speed_probe_ms") is not None:
        probe_end = (f", {info['speed_probe_ms_at_end']} ms at the end"
                     if info.get("speed_probe_ms_at_end") is not None else "")
        probe = (f" Speed probe (a fixed pure-Python workload on one core, best of 5; larger "
                 f"is slower): {info['speed_probe_ms']} ms at the start{probe_end}.")
    return (
        f"Machine: {info['nproc']} cores ({info['cpu_model']}), {info['memory_gib']} GiB of memory, "
        f"load average (1, 5, 15 min) {info.get('load_average_1_5_15')} at the start{end}; other work on "
        f"the machine slows every timing.{probe} Python {info['python']}, Rasa {info['rasa']}, "
        f"TensorFlow {info['tensorflow']}, spaCy {info['spacy']}."
    )


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that ``finally`` blocks stop the servers and
    trainings a measurement started (a killed run leaves no process behind)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
