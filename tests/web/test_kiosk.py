"""The lobby kiosk: tiles, inactivity reset and hand-over to a phone (second browser context)."""

from __future__ import annotations

import pytest
import requests

from tests.web.helpers import (
    screenshot,
    user_events,
    wait_for_more_bot_messages,
    wait_until_turn_done,
)

pytestmark = pytest.mark.timeout(240)

KIOSK_SIZE = {"width": 1920, "height": 1080}
PHONE = {"width": 360, "height": 740, "is_mobile": True, "has_touch": True}


def open_kiosk(new_context, web, query=""):
    page = new_context(**KIOSK_SIZE).new_page()
    page.goto(f"{web}/kiosk/{query}")
    page.wait_for_selector("#k-app[data-ready='true']", state="attached")
    return page


def kiosk_session(page):
    return page.evaluate("window.guichetKiosk.sessionId")


def touch_tile(page, index=0):
    tile = page.locator("[data-tile]").nth(index)
    label = tile.locator(".k-tile-label").inner_text()
    before = page.locator(".gw-msg--bot").count()
    tile.click()
    wait_for_more_bot_messages(page, before)
    return label


def test_tile_sends_its_message_and_shows_its_label(web, new_context, rasa_url):
    page = open_kiosk(new_context, web)
    screenshot(page, "kiosk-welcome")
    label = touch_tile(page, 0)
    assert page.locator(".gw-msg--user").last.inner_text().endswith(label)
    sid = kiosk_session(page)
    wait_until_turn_done(rasa_url, sid)
    sent = page.locator("[data-tile]").nth(0).get_attribute("data-message")
    event = user_events(rasa_url, sid)[-1]
    assert event["text"] == sent
    assert event["metadata"]["channel_kind"] == "kiosk"
    assert page.get_by_role("button", name="Continuer sur mon téléphone").is_enabled()
    screenshot(page, "kiosk-conversation")


def test_kiosk_typing_with_the_keyboard(web, new_context):
    page = open_kiosk(new_context, web)
    page.get_by_label("Votre message").fill("Bonjour")
    before = page.locator(".gw-msg--bot").count()
    page.keyboard.press("Enter")
    wait_for_more_bot_messages(page, before)


def test_inactivity_warns_then_wipes_everything_and_starts_a_new_session(web, new_context):
    page = open_kiosk(new_context, web, "?idle=5&warn=3")
    touch_tile(page, 1)
    old_session = kiosk_session(page)
    assert old_session
    warning = page.get_by_role("dialog", name="Êtes-vous toujours là ?")
    warning.wait_for(timeout=10_000)
    assert "secondes" in warning.inner_text()
    screenshot(page, "kiosk-idle-warning")
    page.wait_for_selector("#k-app[data-resets='1']", state="attached", timeout=10_000)
    assert warning.is_hidden()
    assert page.locator(".gw-msg").count() == 0
    page.wait_for_function("old => { const s = window.guichetKiosk.sessionId; return s && s !== old; }", arg=old_session)
    stored = page.evaluate("JSON.stringify(sessionStorage)")
    assert old_session not in stored
    assert page.get_by_role("button", name="Continuer sur mon téléphone").is_disabled()
    # The next visitor is served in the new session.
    touch_tile(page, 2)
    assert kiosk_session(page) != old_session


def test_answering_the_warning_keeps_the_conversation(web, new_context):
    page = open_kiosk(new_context, web, "?idle=4&warn=3")
    touch_tile(page, 0)
    session = kiosk_session(page)
    page.get_by_role("dialog", name="Êtes-vous toujours là ?").wait_for(timeout=10_000)
    page.get_by_role("button", name="Oui, je continue").click()
    assert page.get_by_role("dialog", name="Êtes-vous toujours là ?").is_hidden()
    page.wait_for_timeout(1500)  # less than the 4 s restarted
    assert kiosk_session(page) == session
    assert page.locator(".gw-msg").count() >= 2


def test_end_button_wipes_at_once(web, new_context):
    page = open_kiosk(new_context, web)
    touch_tile(page, 0)
    page.get_by_role("button", name="Terminer et tout effacer").click()
    assert page.locator(".gw-msg").count() == 0


def start_handover(page):
    page.get_by_role("button", name="Continuer sur mon téléphone").click()
    dialog = page.get_by_role("dialog", name="Continuer sur votre téléphone")
    qr = dialog.get_by_role("img", name="Code QR qui ouvre la conversation sur votre téléphone")
    qr.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-handover-qr]'); return i.complete && i.naturalWidth > 0; }"
    )
    return dialog, dialog.locator("[data-handover-url]").inner_text()


def test_handover_continues_the_conversation_on_a_phone(web, new_context, rasa_url):
    kiosk = open_kiosk(new_context, web, "?handoverDelay=2")
    touch_tile(kiosk, 0)
    session = kiosk_session(kiosk)
    wait_until_turn_done(rasa_url, session)
    kiosk_texts = kiosk.locator(".gw-msg").all_inner_texts()
    dialog, url = start_handover(kiosk)
    assert url.startswith(f"{web}/chat/?reprise=")
    screenshot(kiosk, "kiosk-handover-qr")

    phone = new_context(**PHONE).new_page()
    phone.goto(url)
    phone.get_by_text("Votre conversation a bien été transférée depuis la borne").wait_for()
    assert "reprise" not in phone.url  # the one-time token leaves the address bar
    assert phone.evaluate("window.guichetChat.sessionId") == session
    assert phone.locator(".gw-msg").all_inner_texts() == kiosk_texts
    before = phone.locator(".gw-msg--bot").count()
    phone.get_by_label("Votre message").fill("Merci beaucoup")
    phone.keyboard.press("Enter")
    wait_for_more_bot_messages(phone, before)
    wait_until_turn_done(rasa_url, session)
    screenshot(phone, "phone-after-handover")
    # One conversation in Rasa: the kiosk's tile then the phone's message.
    texts = [e["text"] for e in user_events(rasa_url, session)]
    assert texts[-2:] == [kiosk.locator("[data-tile]").nth(0).get_attribute("data-message"), "Merci beaucoup"]

    # The kiosk notices, thanks the visitor and wipes itself.
    dialog.get_by_text("La conversation continue sur votre téléphone").wait_for(timeout=10_000)
    kiosk.wait_for_selector("#k-app[data-resets='1']", state="attached", timeout=15_000)
    assert kiosk.locator(".gw-msg").count() == 0
    assert kiosk_session(kiosk) != session

    # Single use: a second phone is refused in French, and so is the API.
    other = new_context(**PHONE).new_page()
    other.goto(url)
    other.get_by_text("Ce code de reprise a déjà été utilisé").wait_for()
    assert other.evaluate("window.guichetChat.sessionId") != session
    token = url.rsplit("=", 1)[1]
    assert requests.post(f"{web}/api/handover/{token}/redeem", timeout=10).status_code == 410


def test_expired_handover_code_is_refused(start_web, new_context):
    short = start_web(GUICHET_HANDOVER_TTL="3")
    kiosk = open_kiosk(new_context, short)
    touch_tile(kiosk, 0)
    dialog, url = start_handover(kiosk)
    dialog.get_by_text("Ce code a expiré").wait_for(timeout=15_000)
    assert dialog.get_by_role("button", name="Nouveau code").is_visible()
    phone = new_context(**PHONE).new_page()
    phone.goto(url)
    phone.get_by_text("Ce code de reprise a expiré").wait_for()
    # The kiosk keeps its conversation and may ask for a new code.
    assert kiosk.locator(".gw-msg").count() >= 2
