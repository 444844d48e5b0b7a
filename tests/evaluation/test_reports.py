"""The eval and bench reports render from synthetic results (no model, no server)."""

from __future__ import annotations

from benchmarks import report as bench_report
from evaluation import eval_report

MACHINE = {"nproc": 2, "memory_gib": 4.0, "cpu_model": "Test CPU", "load_average_1_5_15": [0.1, 0.1, 0.1],
           "python": "3.10", "rasa": "3.6.21", "tensorflow": "2.12.0", "spacy": "3.8"}


def scores(accuracy: float) -> dict:
    return {"examples": 4, "intent_accuracy": accuracy, "macro_f1": accuracy, "out_of_scope_recall": 1.0,
            "per_intent": {"greet": {"f1": accuracy, "support": 2}, "thank": {"f1": 1.0, "support": 2}},
            "entity": {"precision": 1.0, "recall": 0.5, "f1": 2 / 3},
            "confusions": [{"intent": "greet", "predicted": "thank", "count": 1}], "parse_ms_p50": 12.0}


def test_eval_report_compares_both_pipelines():
    run = lambda acc, secs, passed: {  # noqa: E731
        "config": "config.yml", "training": {"seconds": secs}, "scores": scores(acc),
        "stories": {"passed": passed, "total": 3, "failed": ["story a"] if passed < 3 else []}}
    data = {"date": "2026-01-01", "quick": True, "machine": MACHINE, "total_seconds": 10.0,
            "runs": {"guichet": run(0.75, 200.0, 3), "rasa_default": run(0.5, 300.0, 2)}}
    text = eval_report.render(data)
    assert "| intent accuracy | 0.750 | 0.500 | +0.250 |" in text
    assert "| test stories passed | 3 / 3 | 2 / 3 |  |" in text
    assert "| greet | 2 | 0.75 | 0.50 | +0.25 |" in text
    assert "rasa_default: 2 / 3 passed; failed: “story a”" in text
    assert "Quick run" in text


def level(transport: str, concurrency: int, p50: float, offered: float = None) -> dict:
    return {"transport": transport, "concurrency": concurrency, "turns": 10, "turns_per_second": 2.0,
            "offered_turns_per_second": offered, "pacing_seconds": concurrency / offered if offered else None,
            "latency_ms": {"p50": p50, "p95": 2 * p50, "p99": 3 * p50}, "errors": {"timeout": 1},
            "goal_reached": 3, "goal_judged": 4, "off_script_steps": 0, "late_messages": 0,
            "goal_by_scenario": {"booking": "3/4", "faq": "2/2"}, "error_details": {"timeout": 1},
            "goal_missed_because": {"booking": {"slot taken meanwhile": 1}},
            "cpu_ms_per_turn": {"rasa": p50 / 40, "actions": 3.0, "backoffice": 4.0, "web": 0.0,
                                "load generator": 2.0}}


def pipeline(p50: float, rss: float) -> dict:
    return {"model": "m.tar.gz", "training": {"seconds": 100.0, "source": "trained"},
            "ready_seconds": {"rasa": 60.0, "all": 61.0}, "parse_ms": {"count": 5, "p50": p50 / 10, "p95": p50 / 5, "errors": 0},
            "levels": [level("rest", 1, p50), level("socketio", 1, p50), level("rest", 1, p50 / 4, offered=2.5)],
            "memory_mib": {"rasa": {"peak_rss_mib": rss, "vmhwm_mib": rss, "largest_vmhwm_mib": rss / 2}},
            "profile": None}


def test_bench_report_gives_ratios_project_over_baseline():
    results = {"date": "2026-01-01", "quick": False, "machine": MACHINE, "total_seconds": 5.0,
               "settings": {"levels": [1], "duration": 10, "max_turns": 50, "transports": ["rest", "socketio"],
                            "turn_timeout": 30, "quiet": 0.8, "think_time": 0.0, "env": {}, "paced": [[1, 2.5]]},
               "pipelines": {"guichet": pipeline(400.0, 1500.0), "rasa_default": pipeline(200.0, 500.0)}}
    results["ratios"] = bench_report.compute_ratios(results, "guichet", "rasa_default")
    assert results["ratios"]["rasa_peak_rss"] == 3.0
    assert results["ratios"]["levels"][0]["p50"] == 2.0
    text = bench_report.render(results, "guichet", "rasa_default")
    assert "| guichet | rest | 1 | 10 | 2.00 | 400 | 800 | 1200 | timeout 1 | 3/4 | 0 | 0 |" in text
    assert "| full turn p50 (rest, 1 concurrent) | 2.00 |" in text
    # a paced level is its own row and its own ratio, never mixed with the unpaced level of the same size
    assert "| guichet | rest | 1, paced at 2.5/s | 10 | 2.00 | 100 | 200 | 300 | timeout 1 | 3/4 | 0 | 0 |" in text
    assert "| full turn p50 (rest, 1, paced at 2.5/s concurrent) | 2.00 |" in text
    assert len(results["ratios"]["levels"]) == 3
    assert "‘1, paced at 2.5/s’: one every 0.4 s" in text
    assert "| guichet | 1 | 10.0 | 3.0 | 4.0 | 0.0 | 2.0 | 19.0 | 0.04 |" in text
    assert "| rasa_default | 1 | 5.0 | 3.0 | 4.0 | 0.0 | 2.0 | 14.0 | 0.03 |" in text
    assert "- guichet, rest, 1 concurrent: timeout ×1; goal reached: booking 3/4 (1 slot taken meanwhile)" in text
    assert "| Rasa peak resident memory | 3.00 |" in text
    assert "| rasa | 60.0 | 1500 | 1500 | 750 | 60.0 | 500 | 500 | 250 |" in text


def test_bench_report_files_are_written_with_paced_levels(tmp_path):
    results = {"date": "2026-01-01", "quick": True, "machine": MACHINE, "total_seconds": 5.0,
               "settings": {"levels": [1], "duration": 10, "max_turns": 50, "transports": ["rest", "socketio"],
                            "turn_timeout": 30, "quiet": 0.8, "think_time": 0.0, "env": {}, "paced": [[1, 2.5]]},
               "pipelines": {"guichet": pipeline(400.0, 1500.0)}}
    bench_report.write(results, tmp_path, "guichet", "rasa_default")
    assert (tmp_path / "bench_latency.png").stat().st_size > 1000
    assert "1, paced at 2.5/s" in (tmp_path / "bench.md").read_text(encoding="utf-8")
