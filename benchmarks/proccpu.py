"""CPU time of a service's process tree, read from /proc (Linux).

On a machine shared with other work, wall-clock throughput moves with the neighbours'
load; the CPU seconds a service spends per turn (user + system, from
``/proc/<pid>/stat``) barely do, so tuning is judged on them (benchmarks/TUNING.md).
"""

from __future__ import annotations

import os
import time
from typing import Dict

from benchmarks.procmem import PROC, tree

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it is gone)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / TICKS


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and its live descendants."""
    return sum(cpu_seconds(p) for p in tree(pid))


#: Name of the benchmark's own process (the load generator) in a snapshot.
LOAD_GENERATOR = "load generator"


def snapshot(pids: Dict[str, int], with_self: bool = False) -> Dict[str, float]:
    """CPU seconds of each named process tree, and of this process alone (its children
    are the services) under :data:`LOAD_GENERATOR` if ``with_self``."""
    seconds = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
    if with_self:
        seconds[LOAD_GENERATOR] = time.process_time()
    return seconds


def ms_per_turn(before: Dict[str, float], after: Dict[str, float], turns: int) -> Dict[str, float]:
    """CPU milliseconds each service spent per turn between two snapshots."""
    return {name: round(1000 * (after[name] - before[name]) / turns, 1) if turns else None
            for name in before}
