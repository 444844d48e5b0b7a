"""What machine a measurement ran on (cores, memory, CPU model, load, versions), and
how a measuring run stops cleanly.

Timings mean little without the machine: both `make eval` and `make bench` print it at
the top of their reports.
"""

from __future__ import annotations

import os
import platform
import signal
import sys
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


def markdown(info: Dict[str, Any]) -> str:
    """One paragraph for a report (``info`` from :func:`describe`, plus ``load_at_end``)."""
    end = f", {info['load_at_end']} at the end" if info.get("load_at_end") else ""
    return (
        f"Machine: {info['nproc']} cores ({info['cpu_model']}), {info['memory_gib']} GiB of memory, "
        f"load average (1, 5, 15 min) {info.get('load_average_1_5_15')} at the start{end}; other work on "
        f"the machine slows every timing. Python {info['python']}, Rasa {info['rasa']}, "
        f"TensorFlow {info['tensorflow']}, spaCy {info['spacy']}."
    )


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that ``finally`` blocks stop the servers and
    trainings a measurement started (a killed run leaves no process behind)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
