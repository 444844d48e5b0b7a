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
        # until the child holds its whole block (the sum of the tree reaches 80 MiB earlier)
        while max((procmem._kib(procmem._status(p), "VmHWM") for p in procmem.tree(parent.pid)[1:]),
                  default=0) < 80 * 1024:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        memory = procmem.MemorySampler({"tree": parent.pid}).start().stop()["tree"]
    finally:
        for pid in procmem.tree(parent.pid)[::-1]:
            subprocess.run(["kill", str(pid)], check=False)
        parent.wait()
    assert 80 <= memory["largest_vmhwm_mib"] < memory["vmhwm_mib"]
    assert memory["largest_vmhwm_mib"] < 80 + 60  # the child's, not the sum


def test_children_are_found_with_and_without_the_kernels_children_lists(monkeypatch):
    # a child started from a second thread of the parent too (it is listed under that thread)
    code = ("import subprocess, sys, threading, time; "
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); "
            "threading.Thread(target=lambda: subprocess.Popen([sys.executable, '-c', 'import time; "
            "time.sleep(30)'])).start(); time.sleep(30)")
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 20
        while len(procmem._children_by_scan(parent.pid)) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        by_scan = sorted(procmem._children_by_scan(parent.pid))
        assert procmem.children(parent.pid) == by_scan
        # a kernel without /proc/<pid>/task/<tid>/children: the scan answers
        real_read_text = procmem.Path.read_text

        def no_children_files(path, *args, **kwargs):
            if path.name == "children":
                raise FileNotFoundError(path)
            return real_read_text(path, *args, **kwargs)

        monkeypatch.setattr(procmem.Path, "read_text", no_children_files)
        assert procmem.children(parent.pid) == by_scan
        assert sorted(procmem.tree(parent.pid)) == sorted([parent.pid] + by_scan)
    finally:
        for pid in procmem.tree(parent.pid)[::-1]:
            subprocess.run(["kill", str(pid)], check=False)
        parent.wait()
    assert procmem.children(parent.pid) == []  # gone
