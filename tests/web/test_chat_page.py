"""The full-page chat opened from the QR codes posted around town."""

from __future__ import annotations

import pytest

from tests.web.helpers import (
    screenshot,
    user_events,
    wait_for_more_bot_messages,
    wait_until_turn_done,
)

pytestmark = pytest.mark.timeout(180)

PHONE = {"width": 360, "height": 740, "is_mobile": True, "has_touch": True}


def chat_session(page):
    return page.evaluate("window.guichetChat.sessionId")


def open_chat(page, web, query=""):
    page.goto(f"{web}/chat/{query}")
    page.wait_for_selector("body[data-ready='true']", state="attached")


def test_qr_place_is_sent_with_the_greeting(web, new_context, rasa_url):
    page = new_context(**PHONE).new_page()
    open_chat(page, web, "?lieu=parc-des-tilleuls")
    page.get_by_text("Vous êtes : Parc des Tilleuls").wait_for()
    page.locator(".gw-msg--bot").first.wait_for()
    assert page.locator(".gw-msg--user").count() == 0  # the greeting came unasked
    greet = user_events(rasa_url, chat_session(page))[0]
    assert greet["text"] == "/greet"
    assert greet["metadata"]["channel_kind"] == "qr"
    assert greet["metadata"]["place"] == {
        "id": "parc-des-tilleuls",
        "label": "Parc des Tilleuls",
        "kind": "parc",
        "greeting": "Vous êtes au parc des Tilleuls.",
    }
    wait_until_turn_done(rasa_url, chat_session(page))
    before = page.locator(".gw-msg--bot").count()
    page.get_by_label("Votre message").fill("Bonjour")
    page.keyboard.press("Enter")
    wait_for_more_bot_messages(page, before)
    wait_until_turn_done(rasa_url, chat_session(page))
    last = user_events(rasa_url, chat_session(page))[-1]
    assert last["metadata"]["place"]["id"] == "parc-des-tilleuls"
    screenshot(page, "chat-qr-360")


def test_reload_does_not_greet_twice_but_a_new_place_does(web, new_context, rasa_url):
    page = new_context(**PHONE).new_page()
    open_chat(page, web, "?lieu=parc-des-tilleuls")
    page.locator(".gw-msg--bot").first.wait_for()
    wait_until_turn_done(rasa_url, chat_session(page))
    count = page.locator(".gw-msg").count()
    bots = page.locator(".gw-msg--bot").count()
    session = chat_session(page)
    open_chat(page, web, "?lieu=parc-des-tilleuls")
    page.wait_for_timeout(1500)
    assert page.locator(".gw-msg").count() == count
    open_chat(page, web, "?lieu=point-tri-gare")
    wait_for_more_bot_messages(page, bots)
    assert chat_session(page) == session
    greets = [e for e in user_events(rasa_url, session) if e["text"] == "/greet"]
    assert [g["metadata"]["place"]["id"] for g in greets] == ["parc-des-tilleuls", "point-tri-gare"]


def test_unknown_place_gives_the_generic_chat(web, new_context, rasa_url):
    page = new_context(**PHONE).new_page()
    open_chat(page, web, "?lieu=nulle-part")
    page.locator(".gw-msg--bot").first.wait_for()
    assert page.locator("#cp-place").is_hidden()
    greet = user_events(rasa_url, chat_session(page))[0]
    assert greet["text"] == "/greet" and "place" not in greet["metadata"]


def test_desktop_layout(web, new_context):
    page = new_context(width=1280, height=800).new_page()
    open_chat(page, web)
    page.locator(".gw-msg--bot").first.wait_for()
    screenshot(page, "chat-desktop")
