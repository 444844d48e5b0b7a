"""Fixtures of the web-channel tests: a real Rasa server (with the action server), the
real webapp, and Debian's Chromium driven by Playwright.

The fixtures live for the tests/web package: `bot_stack` (Rasa + actions on free ports,
the newest model of models/ or $GUICHET_TEST_MODEL), `start_web(...)` (one more webapp
against it) and `browser` (headless Chromium with the project's flags). Package scope, not
session: Playwright's sync API keeps an event loop running while it is open, which would
make every later test's asyncio.run() fail.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from tests.web.helpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    TEST_PLACES,
    free_port,
    free_ports,
    newest_model,
)


def _ports() -> Dict[str, int]:
    return free_ports("backoffice", "actions", "rasa", "web")


@pytest.fixture(scope="package")
def bot_stack(tmp_path_factory):
    """Rasa (`rasa run --enable-api --cors "*" --credentials credentials.yml`) and the
    action server. $GUICHET_WEB_TEST_SERVICES (default "actions,rasa") may add
    "backoffice"."""
    model = newest_model()
    if model is None or not model.exists():
        pytest.skip("no trained model in models/ (run `make train`, or set GUICHET_TEST_MODEL)")
    from tools.stack import Stack

    services = [
        s.strip()
        for s in os.environ.get("GUICHET_WEB_TEST_SERVICES", "actions,rasa").split(",")
        if s.strip()
    ]
    stack = Stack(
        services=services,
        ports=_ports(),
        model=model,
        workdir=tmp_path_factory.mktemp("bot-stack"),
    )
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="package")
def rasa_url(bot_stack) -> str:
    return bot_stack.url("rasa")


@pytest.fixture(scope="package")
def places_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("places") / "qr_places.yml"
    path.write_text(TEST_PLACES, encoding="utf-8")
    return path


@pytest.fixture(scope="package")
def start_web(bot_stack, places_file, tmp_path_factory):
    """Starts a webapp wired to the test Rasa; extra environment variables override."""
    from tools.stack import Stack

    started: List = []

    def start(**env: str) -> str:
        ports = dict(bot_stack.ports, web=free_port())
        stack = Stack(
            services=("web",),
            ports=ports,
            workdir=tmp_path_factory.mktemp("web"),
            extra_env={
                "GUICHET_PLACES_FILE": str(places_file),
                "GUICHET_HANDOVER_RATE": "60/60",
                **env,
            },
        )
        stack.start(timeout=60)
        started.append(stack)
        return stack.url("web")

    yield start
    for stack in started:
        stack.stop()


@pytest.fixture(scope="package")
def web(start_web) -> str:
    """Base URL of the webapp (default settings)."""
    return start_web()


@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (run `make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class PageErrors(list):
    """JavaScript errors raised in the pages of a test (a test fails if any)."""


@pytest.fixture
def new_context(browser):
    """Opens isolated browser contexts (each its own storage); checks JS errors."""
    contexts = []
    errors = PageErrors()

    def open_context(width: int = 1280, height: int = 800, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="fr-FR", **options
        )
        context.set_default_timeout(20_000)
        context.on("page", lambda page: page.on("pageerror", lambda exc: errors.append(str(exc))))
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def page(new_context):
    return new_context().new_page()
