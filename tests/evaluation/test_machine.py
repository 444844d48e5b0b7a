"""The machine paragraph of the reports and its speed probe (evaluation.machine)."""

from __future__ import annotations

import time
from typing import List

from evaluation import machine


def test_the_probe_keeps_the_fastest_run(monkeypatch) -> None:
    durations: List[float] = [0.04, 0.01, 0.03]
    monkeypatch.setattr(machine, "_reference_work", lambda: time.sleep(durations.pop(0)))
    probe = machine.speed_probe(repeats=3)
    assert not durations
    assert 10.0 <= probe < 30.0


def test_the_reference_work_is_fixed() -> None:
    assert machine._reference_work() == machine._reference_work() > 0
    assert machine.speed_probe(repeats=1) > 0


def test_the_report_paragraph_gives_both_probes() -> None:
    info = machine.describe()
    assert info["speed_probe_ms"] > 0
    machine.at_end(info)
    info.update(speed_probe_ms=31.5, speed_probe_ms_at_end=40.2)
    text = machine.markdown(info)
    assert "31.5 ms at the start, 40.2 ms at the end" in text
    assert "larger is slower" in text


def test_reports_written_before_the_probe_still_read() -> None:
    info = {"nproc": 2, "cpu_model": "x", "memory_gib": 1.0, "load_average_1_5_15": [0, 0, 0],
            "python": "3.10", "rasa": "3.6.21", "tensorflow": "2.12.0", "spacy": "3.8"}
    text = machine.markdown(info)
    assert "Speed probe" not in text and text.startswith("Machine: 2 cores")
