"""axe-core (bundled by axe-playwright-python) finds no violation on the pages citizens use."""

from __future__ import annotations

import pytest

from tests.web.helpers import wait_for_more_bot_messages

axe_playwright = pytest.importorskip(
    "axe_playwright_python.sync_playwright", reason="pip install axe-playwright-python"
)

pytestmark = pytest.mark.timeout(180)

# Every rule axe runs by default: WCAG 2.0/2.1/2.2 A and AA plus best practices.
OPTIONS = {"resultTypes": ["violations"]}


def violations(page) -> list:
    results = axe_playwright.Axe().run(page, options=OPTIONS)
    found = results.response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in found
    ]


def test_demo_page_with_the_widget_open(web, page):
    page.goto(f"{web}/demo/")
    assert violations(page) == []
    page.get_by_role("button", name="Une question ?").click()
    page.locator(".gw-msg--bot").first.wait_for()
    before = page.locator(".gw-msg--bot").count()
    page.get_by_label("Votre message").fill("/help")
    page.keyboard.press("Enter")
    wait_for_more_bot_messages(page, before)
    page.locator(".gw-reply").first.wait_for()
    assert violations(page) == []


def test_demo_page_at_phone_width(web, new_context):
    page = new_context(width=360, height=740, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{web}/demo/")
    page.get_by_role("button", name="Une question ?").click()
    page.locator(".gw-msg--bot").first.wait_for()
    assert violations(page) == []


def test_kiosk(web, new_context):
    page = new_context(width=1920, height=1080).new_page()
    page.goto(f"{web}/kiosk/?idle=6&warn=4")
    page.wait_for_selector("#k-app[data-ready='true']", state="attached")
    assert violations(page) == []
    page.locator("[data-tile]").first.click()
    page.locator(".gw-msg--bot").first.wait_for()
    assert violations(page) == []
    page.get_by_role("dialog", name="Êtes-vous toujours là ?").wait_for(timeout=10_000)
    assert violations(page) == []
    page.get_by_role("button", name="Oui, je continue").click()
    page.get_by_role("button", name="Continuer sur mon téléphone").click()
    page.locator("[data-handover-qr]").wait_for()
    assert violations(page) == []


def test_qr_chat_page(web, new_context):
    page = new_context(width=360, height=740, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{web}/chat/?lieu=parc-des-tilleuls")
    page.locator(".gw-msg--bot").first.wait_for()
    assert violations(page) == []
