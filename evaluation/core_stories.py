"""Runs the conversation tests (tests/stories) against a model with `rasa test core`.

Reads Rasa's ``story_report.json`` (conversation accuracy) and the names of the stories
in ``failed_test_stories.yml``; a story passes when every action it expects is the
one the model predicts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "tests" / "stories"


@dataclass
class StoryResults:
    passed: int
    total: int
    with_warnings: int = 0
    action_accuracy: Optional[float] = None
    failed: List[str] = field(default_factory=list)
    seconds: float = 0.0
    error: Optional[str] = None

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


def failed_story_names(path: Path) -> List[str]:
    """Story names listed in a ``failed_test_stories.yml`` (empty if none failed)."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        return []
    # Rasa appends the story's file; keep it relative to the repository (runs use copies).
    return [re.sub(r"\(\S*?(tests/stories/[^)]*)\)$", r"(\1)", str(story.get("story", "?")))
            for story in data.get("stories") or []]


def last_error(log: Path, limit: int = 300) -> str:
    """The last ``SomethingError: message`` or ``...Exception: message`` line of a log."""
    text = log.read_text(errors="replace") if log.exists() else ""
    found = re.findall(r"(?m)^\W*([A-Za-z_.]*(?:Error|Exception): .*)$", text)
    return (found[-1] if found else "no error message in the log")[:limit]


def parse_results(out: Path) -> StoryResults:
    """Results read from the output folder of `rasa test core`."""
    report = json.loads((out / "story_report.json").read_text(encoding="utf-8"))
    conversations = report.get("conversation_accuracy") or {}
    return StoryResults(
        passed=int(conversations.get("correct", 0)),
        total=int(conversations.get("total", 0)),
        with_warnings=int(conversations.get("with_warnings", 0)),
        action_accuracy=report.get("accuracy"),
        failed=failed_story_names(out / "failed_test_stories.yml"),
    )


def run(model: Path, out: Path, stories: Path = STORIES, endpoints: Optional[Path] = None) -> StoryResults:
    """`rasa test core` for ``model`` on ``stories``; results in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [str(Path(sys.executable).parent / "rasa"), "test", "core", "--model", str(model),
               "--stories", str(stories), "--out", str(out)]
    if endpoints:
        command += ["--endpoints", str(endpoints)]
    start = time.perf_counter()
    with open(out / "rasa_test_core.log", "wb") as log:
        code = subprocess.call(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    try:
        results = parse_results(out)
    except (OSError, ValueError):
        return StoryResults(0, 0, seconds=seconds, error=f"exit {code}: {last_error(out / 'rasa_test_core.log')}")
    results.seconds = seconds
    return results
