"""Memory of a process tree (benchmarks/procmem.py): summed and per process."""

from __future__ import annotations

import subprocess
import sys
import time

from benchmarks import procmem


def test_the_largest_process_of_a_tree_is_reported_apart_from_the_sum():
    code = "import time; block = bytearray(80 * 1024 * 1024); time.sleep(30)"
    parent = subprocess.Popen([sys.executable, "-c",
                               f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {code!r}]); "
                               "time.sleep(30)"])
    try:
        deadline = time.monotonic() + 20
        while len(procmem.tree(parent.pid)) < 2 or procmem.tree_kib(parent.pid, "VmHWM") < 80 * 1024:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        memory = procmem.MemorySampler({"tree": parent.pid}).start().stop()["tree"]
    finally:
        for pid in procmem.tree(parent.pid)[::-1]:
            subprocess.run(["kill", str(pid)], check=False)
        parent.wait()
    assert 80 <= memory["largest_vmhwm_mib"] < memory["vmhwm_mib"]
    assert memory["largest_vmhwm_mib"] < 80 + 60  # the child's, not the sum
