"""`make bench`: load, latency and memory of the whole stack, Guichet's pipeline against
Rasa's default pipeline, in one run.

For each pipeline: get the model (the one `make eval` trained on the same inputs, or
train it now into a temp dir, timed), start the stack on free ports with a fresh seeded
SQLite database, time each service's start, measure POST /model/parse alone, then run
simulated citizens over REST and socket.io at each concurrency level while sampling
every service's memory, and REST at a paced level (20 conversations offering 50 turns/s
in all, `--paced`); stop the stack. Writes reports/bench.md, bench.json and
bench_latency.png.

    python -m benchmarks.run                 # levels 1,10,20,50 and 20 paced at 50/s; 60 s or 1500 turns each
    python -m benchmarks.run --quick         # levels 1,5 and 5 paced at 10/s; 12 turns each (smoke test)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from benchmarks import parse_latency, proccpu, report  # noqa: E402
from benchmarks.load import LoadSettings, play_once, run_level  # noqa: E402
from benchmarks.procmem import MemorySampler  # noqa: E402
from benchmarks.profiling import Profiler  # noqa: E402
from benchmarks.scenarios import every_scenario  # noqa: E402
from benchmarks.stackrun import start_stack  # noqa: E402
from evaluation import machine, training  # noqa: E402
from evaluation.machine import stop_on_sigterm  # noqa: E402

PROJECT, BASELINE = "guichet", "rasa_default"
ROOT = training.ROOT


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="levels 1,5 with a few turns (smoke test)")
    parser.add_argument("--levels", default=None, help="concurrency levels, e.g. 1,10,20,50")
    parser.add_argument("--duration", type=float, default=None, help="seconds per level at most")
    parser.add_argument("--max-turns", type=int, default=None, help="turns per level at most")
    parser.add_argument("--transports", default="rest,socketio")
    parser.add_argument("--pipelines", default=f"{PROJECT},{BASELINE}")
    parser.add_argument("--model", type=Path, default=None, help="Guichet model to serve instead of training/reusing one")
    parser.add_argument("--baseline-model", type=Path, default=None, help="default-pipeline model to serve")
    parser.add_argument("--turn-timeout", type=float, default=30.0)
    parser.add_argument("--quiet", type=float, default=0.8, help="socket.io: seconds without a message that end a turn")
    parser.add_argument("--think-time", type=float, default=0.0)
    parser.add_argument("--paced", default=None, metavar="CONVERSATIONS:TURNS_PER_S,...",
                        help="REST levels where each citizen sends at most one message every "
                             "CONVERSATIONS/TURNS_PER_S seconds (Locust's constant_pacing); default "
                             "20:50 (5:10 with --quick), '' for none")
    parser.add_argument("--parse-samples", type=int, default=None)
    parser.add_argument("--profile", metavar="PY_SPY", default=None,
                        help="path of py-spy: profile every service during the most loaded REST level")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="environment of every service, e.g. TF_INTRA_OP_PARALLELISM_THREADS=1 (repeatable)")
    parser.add_argument("--rasa-workers", type=int, default=1,
                        help="Rasa worker processes (SANIC_WORKERS); more than 1 uses endpoints.scale.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    args = parser.parse_args(argv)
    args.env = dict(item.split("=", 1) for item in args.env)
    quick = args.quick
    args.levels = [int(x) for x in (args.levels or ("1,5" if quick else "1,10,20,50")).split(",")]
    args.duration = args.duration or (30.0 if quick else 60.0)
    args.max_turns = args.max_turns or (12 if quick else 1500)
    args.parse_samples = args.parse_samples or (20 if quick else 200)
    args.transports = args.transports.split(",")
    args.paced = parse_paced(("5:10" if quick else "20:50") if args.paced is None else args.paced, parser)
    args.pipelines = args.pipelines.split(",")
    return args


def eval_training(name: str, out: Path) -> Dict[str, Any]:
    """The training time `make eval` measured for ``name`` (reports/eval.json), if any."""
    try:
        report = json.loads((out / "eval.json").read_text())
        seconds = float(report["runs"][name]["training"]["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return {"seconds": None, "source": "unknown"}
    return {"seconds": seconds, "source": "eval report, quick" if report.get("quick") else "eval report"}


def parse_paced(text: str, parser: argparse.ArgumentParser) -> List[Tuple[int, float]]:
    """``"20:50,10:30"`` -> ``[(20, 50.0), (10, 30.0)]`` (conversations, offered turns/s)."""
    paced = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            conversations, turns_per_second = item.split(":")
            level = (int(conversations), float(turns_per_second))
        except ValueError:
            parser.error(f"--paced: {item!r} is not CONVERSATIONS:TURNS_PER_S")
        if level[0] < 1 or level[1] <= 0:
            parser.error(f"--paced: {item!r} needs at least one conversation and a positive rate")
        paced.append(level)
    return paced


def level_settings(args: argparse.Namespace) -> List[LoadSettings]:
    """Every level to run, in order: each transport at each concurrency, then the paced
    REST levels."""
    settings = [LoadSettings(transport, concurrency, args.duration, args.max_turns,
                             args.turn_timeout, args.quiet, args.think_time)
                for transport in args.transports for concurrency in args.levels]
    if "rest" in args.transports:
        settings += [LoadSettings("rest", conversations, args.duration, args.max_turns, args.turn_timeout,
                                  args.quiet, args.think_time, pacing=conversations / turns_per_second)
                     for conversations, turns_per_second in args.paced]
    return settings


def model_for(name: str, args: argparse.Namespace, workdir: Path) -> Tuple[Path, Dict[str, Any]]:
    """The model to serve for ``name`` and where its training time comes from."""
    given = args.model if name == PROJECT else args.baseline_model
    if given:
        return given, eval_training(name, args.out)
    config = training.PROJECT_CONFIG if name == PROJECT else training.DEFAULT_CONFIG
    if args.quick and name == BASELINE:
        config = training.quick_config(config, training.QUICK_EPOCHS, workdir)
    trained = training.train(name, config, workdir, reuse=True)
    return trained.path, {"seconds": trained.seconds, "source": "reused" if trained.reused else "trained"}


def run_levels(stack: Any, name: str, args: argparse.Namespace) -> Tuple[List[Dict[str, Any]], Optional[Dict[str, Any]]]:
    """Every transport at every level; profiles the most loaded REST level if asked."""
    levels, profile = [], None
    pids = {s.name: s.process.pid for s in stack.services}
    for settings in level_settings(args):
        transport, concurrency = settings.transport, settings.concurrency
        profiler = None
        if args.profile and transport == "rest" and concurrency == max(args.levels) and not settings.pacing:
            profiler = Profiler(args.profile, pids, args.duration + args.turn_timeout,
                                stack.workdir / "profiles").start()
        cpu_before = proccpu.snapshot(pids, with_self=True)
        summary = asyncio.run(run_level(stack.url("rasa"), settings, label=name)).summary()
        summary["cpu_ms_per_turn"] = proccpu.ms_per_turn(
            cpu_before, proccpu.snapshot(pids, with_self=True), summary["turns"])
        if profiler:
            profile = {"transport": transport, "concurrency": concurrency, "services": profiler.stop()}
        lat = summary["latency_ms"]
        print(f"[bench] {name} {report.level_label(summary)}: {summary['turns']} turns, "
              f"{summary['turns_per_second']:.2f}/s, p50 {report.fmt(lat['p50'])} ms, "
              f"p95 {report.fmt(lat['p95'])} ms, errors {summary['errors'] or 0}, "
              f"CPU ms/turn {summary['cpu_ms_per_turn']}", flush=True)
        levels.append(summary)
    return levels, profile


def bench_pipeline(name: str, args: argparse.Namespace, workdir: Path) -> Dict[str, Any]:
    """Everything measured for one pipeline, on its own fresh stack."""
    model, trained = model_for(name, args, workdir)
    print(f"[bench] {name}: starting the stack with {model}", flush=True)
    stack, ready = start_stack(model, workdir / f"stack-{name}", args.env, args.rasa_workers)
    try:
        pids = {s.name: s.process.pid for s in stack.services}
        ready_cpu = {k: round(v, 1) for k, v in proccpu.snapshot(pids).items()}
        print(f"[bench] {name}: ready {ready}, CPU seconds to get ready {ready_cpu}", flush=True)
        base = stack.url("rasa")
        sampler = MemorySampler(pids).start()
        warmup = asyncio.run(play_once(base, every_scenario(random.Random(1)), "rest", args.turn_timeout))
        texts = parse_latency.held_out_texts(ROOT / "tests" / "nlu", args.parse_samples)
        parse_ms = parse_latency.measure(base, texts)
        print(f"[bench] {name}: parse p50 {parse_ms['p50']:.1f} ms, p95 {parse_ms['p95']:.1f} ms", flush=True)
        levels, profile = run_levels(stack, name, args)
        memory = sampler.stop()
    finally:
        stack.stop()
    return {
        "model": str(model),
        "training": trained,
        "ready_seconds": ready,
        "ready_cpu_seconds": ready_cpu,
        "warmup": [{"scenario": o.scenario, "turns": o.turns, "goal": o.reached_goal,
                    "off_script": o.off_script} for o in warmup],
        "parse_ms": parse_ms,
        "levels": levels,
        "memory_mib": memory,
        "profile": profile,
        "logs": str(stack.workdir / "logs"),
    }


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    stop_on_sigterm()
    workdir = Path(tempfile.mkdtemp(prefix="guichet-bench-"))
    results: Dict[str, Any] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "quick": args.quick,
        "command": " ".join(["python -m benchmarks.run"] + list(sys.argv[1:] if argv is None else argv)),
        "machine": machine.describe(),
        "settings": {"levels": args.levels, "duration": args.duration, "max_turns": args.max_turns,
                     "transports": args.transports, "turn_timeout": args.turn_timeout,
                     "quiet": args.quiet, "think_time": args.think_time, "env": args.env,
                     "paced": [list(level) for level in args.paced],
                     "rasa_workers": args.rasa_workers},
        "workdir": str(workdir),
        "pipelines": {},
    }
    for name in args.pipelines:
        results["pipelines"][name] = bench_pipeline(name, args, workdir)
    results["total_seconds"] = time.perf_counter() - started
    machine.at_end(results["machine"])
    report.write(results, args.out, PROJECT, BASELINE)
    print(f"[bench] wrote {args.out / 'bench.md'}, bench.json and bench_latency.png "
          f"in {results['total_seconds']:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
