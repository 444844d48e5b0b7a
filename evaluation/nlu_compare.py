"""`make eval`: Guichet's pipeline against Rasa's default pipeline, in one run.

Copies data/, domain.yml and the test sets at the start (both pipelines see the same
files while colleagues edit the tree), trains both configs (config.yml and
evaluation/default_config.yml) into a temporary folder, timing each training; scores both on the held-out set tests/nlu/
with evaluation.nlu_scores; runs the test stories with `rasa test core` against both;
writes reports/eval.md, reports/eval.json and reports/confusion.png.

    python -m evaluation.nlu_compare            # full run
    python -m evaluation.nlu_compare --quick    # baseline with 10 epochs, for development
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from evaluation import core_stories, machine, training  # noqa: E402
from evaluation.machine import stop_on_sigterm  # noqa: E402
from evaluation.eval_report import render  # noqa: E402
from evaluation.nlu_scores import load_examples, misclassified, predict, score  # noqa: E402

ROOT = training.ROOT
PROJECT, BASELINE = "guichet", "rasa_default"


def evaluate(name: str, config: Path, label: str, inputs: Path, examples: list, workdir: Path,
             args: argparse.Namespace) -> Dict[str, Any]:
    """Train, score and story-test one config; returns its section of eval.json."""
    trained = training.train(name, config, workdir, inputs, reuse=args.reuse)
    print(f"[eval] {name}: scoring {len(examples)} held-out examples", flush=True)
    predictions = predict(trained.path, examples)
    scores = score(examples, predictions)
    print(f"[eval] {name}: accuracy {scores.intent_accuracy:.3f}, macro-F1 {scores.macro_f1:.3f}, "
          f"entity F1 {scores.entity['f1']:.3f}", flush=True)
    stories: Optional[Dict[str, Any]] = None
    if not args.skip_stories:
        print(f"[eval] {name}: rasa test core on tests/stories", flush=True)
        stories = core_stories.run(trained.path, workdir / f"core-{name}", inputs / "tests" / "stories").as_dict()
        if stories.get("error"):
            print(f"[eval] {name}: rasa test core failed: {stories['error']}", flush=True)
        else:
            print(f"[eval] {name}: {stories['passed']} / {stories['total']} stories passed", flush=True)
    return {
        "config": label,
        "training": trained.as_dict(),
        "scores": scores.as_dict(),
        "errors": misclassified(examples, predictions),
        "stories": stories,
        "_truth": scores.truth,
        "_predicted": scores.predicted,
    }


def configs(args: argparse.Namespace, workdir: Path) -> Dict[str, Tuple[Path, str]]:
    """For each pipeline, the config file to train and how the report names it."""
    baseline, label = training.DEFAULT_CONFIG, "`evaluation/default_config.yml`"
    if args.quick:
        baseline = training.quick_config(baseline, args.quick_epochs, workdir)
        label += f" with epochs capped at {args.quick_epochs}"
    return {PROJECT: (training.PROJECT_CONFIG, "`config.yml`"), BASELINE: (baseline, label)}


def write_reports(data: Dict[str, Any], out: Path) -> None:
    from evaluation.plots import save_confusion

    out.mkdir(parents=True, exist_ok=True)
    project = data["runs"][PROJECT]
    save_confusion(project.pop("_truth"), project.pop("_predicted"), out / "confusion.png",
                   f"Guichet pipeline (config.yml): held-out intents, accuracy "
                   f"{project['scores']['intent_accuracy']:.3f}")
    for run in data["runs"].values():
        run.pop("_truth", None)
        run.pop("_predicted", None)
    (out / "eval.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "eval.md").write_text(render(data), encoding="utf-8")


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="train the baseline with fewer epochs")
    parser.add_argument("--quick-epochs", type=int, default=training.QUICK_EPOCHS)
    parser.add_argument("--reuse", action="store_true",
                        help="reuse models already trained on the same inputs (training times then come from that training)")
    parser.add_argument("--skip-stories", action="store_true", help="do not run rasa test core")
    parser.add_argument("--data", type=Path, default=None, help="held-out set (default: tests/nlu)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    parser.add_argument("--workdir", type=Path, default=None, help="temporary folder (default: a new one)")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    stop_on_sigterm()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="guichet-eval-"))
    workdir.mkdir(parents=True, exist_ok=True)
    info = machine.describe()
    inputs = training.snapshot(workdir)
    examples = load_examples(args.data or inputs / "tests" / "nlu")
    runs = {name: evaluate(name, config, label, inputs, examples, workdir, args)
            for name, (config, label) in configs(args, workdir).items()}
    data = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": info,
        "workdir": str(workdir),
        "total_seconds": time.perf_counter() - started,
        "runs": runs,
    }
    machine.at_end(info)
    write_reports(data, args.out)
    print(f"[eval] wrote {args.out / 'eval.md'}, eval.json and confusion.png "
          f"in {data['total_seconds']:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
