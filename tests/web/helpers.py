"""Helpers of the web-channel tests (ports, model, Rasa tracker, page waits)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import requests

from tools.stack import free_port, free_ports  # noqa: F401  (the suite's port helpers)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "results" / "web-screenshots"

TEST_PLACES = """\
places:
  - id: parc-des-tilleuls
    kind: parc
    label: Parc des Tilleuls
    street: rue Victor Hugo
    greeting: Vous êtes au parc des Tilleuls.
    topics: [signalement, horaires]
  - id: point-tri-gare
    kind: point_apport
    label: Point de tri de la gare
    street: rue de la Gare
    greeting: Vous êtes au point de tri de la gare.
    topics: [dechets]
"""

def newest_model() -> Optional[Path]:
    explicit = os.environ.get("GUICHET_TEST_MODEL")
    if explicit:
        return Path(explicit)
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def tracker(rasa_url: str, session_id: str) -> dict:
    response = requests.get(f"{rasa_url}/conversations/{session_id}/tracker", timeout=10)
    response.raise_for_status()
    return response.json()


def user_events(rasa_url: str, session_id: str) -> List[dict]:
    return [e for e in tracker(rasa_url, session_id)["events"] if e.get("event") == "user"]


def bot_messages(page, root: str = "") -> int:
    return page.locator(f"{root} .gw-msg--bot".strip()).count()


def wait_for_more_bot_messages(page, before: int, root: str = "", timeout: float = 20_000):
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n",
        arg=[f"{root} .gw-msg--bot".strip(), before],
        timeout=timeout,
    )


def wait_until_turn_done(rasa_url: str, session_id: str, timeout: float = 30.0) -> dict:
    """Waits until Rasa has finished answering (latest action is action_listen)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        state = tracker(rasa_url, session_id)
        if state.get("latest_action_name") == "action_listen":
            time.sleep(0.3)  # let the last emitted messages reach the page
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"Rasa is still busy with {session_id} after {timeout} s")
        time.sleep(0.25)
