"""The website widget on the demo commune page, against the real Rasa server."""

from __future__ import annotations

import http.server
import os
import threading

import pytest

from tests.web.helpers import (
    bot_messages,
    free_port,
    screenshot,
    user_events,
    wait_for_more_bot_messages,
    wait_until_turn_done,
)

pytestmark = pytest.mark.timeout(180)

# A message whose answer carries buttons ("/help" -> utter_help in the project's domain).
BUTTONS_MESSAGE = os.environ.get("GUICHET_TEST_BUTTONS_MESSAGE", "/help")
LAUNCHER = "Une question ?"


def open_widget(page, web):
    page.goto(f"{web}/demo/")
    page.get_by_role("button", name=LAUNCHER).click()
    dialog = page.get_by_role("dialog", name="Guichet")
    dialog.wait_for()
    # The widget sends /greet when a conversation starts: the bot greets first.
    page.locator(".gw-msg--bot").first.wait_for()
    return dialog


def session_id(page, key="widget"):
    return page.evaluate(f"JSON.parse(localStorage.getItem('guichet:{key}')).sessionId")


def send(page, rasa_url, text):
    """Sends once Rasa is done with the previous turn; returns when it answered."""
    wait_until_turn_done(rasa_url, session_id(page))
    before = bot_messages(page)
    page.get_by_label("Votre message").fill(text)
    page.get_by_role("button", name="Envoyer").click()
    wait_for_more_bot_messages(page, before)
    wait_until_turn_done(rasa_url, session_id(page))


def test_open_send_and_receive(web, page, rasa_url):
    dialog = open_widget(page, web)
    assert page.get_by_label("Votre message").evaluate("el => el === document.activeElement")
    send(page, rasa_url, "Bonjour")
    assert page.locator(".gw-msg--user").last.inner_text().endswith("Bonjour")
    events = user_events(rasa_url, session_id(page))
    assert [e["text"] for e in events][-2:] == ["/greet", "Bonjour"]
    # customData reaches Rasa as the message metadata.
    assert events[-1]["metadata"]["channel_kind"] == "web"
    assert events[-1]["metadata"]["page_url"].endswith("/demo/")
    assert dialog.locator(".gw-typing").is_hidden()
    screenshot(page, "widget-desktop")


def test_clicking_a_button_sends_its_payload_and_shows_its_title(web, page, rasa_url):
    open_widget(page, web)
    send(page, rasa_url, BUTTONS_MESSAGE)
    replies = page.locator(".gw-reply")
    replies.first.wait_for()
    title = replies.first.inner_text()
    before = bot_messages(page)
    replies.first.click()
    wait_for_more_bot_messages(page, before)
    wait_until_turn_done(rasa_url, session_id(page))
    assert page.locator(".gw-msg--user").last.inner_text().endswith(title)
    last_user = user_events(rasa_url, session_id(page))[-1]["text"]
    assert last_user.startswith("/") and last_user != title  # the payload, not the title
    # Focus goes back to the input, and the answered buttons are gone.
    assert page.get_by_label("Votre message").evaluate("el => el === document.activeElement")
    answered = page.evaluate(
        """() => {
            const items = [...document.querySelectorAll('.gw-msg')];
            const lastUser = items.map((li) => li.classList.contains('gw-msg--user')).lastIndexOf(true);
            return items.slice(0, lastUser).some((li) => li.querySelector('.gw-reply'));
        }"""
    )
    assert not answered


def test_reload_keeps_the_conversation(web, page, rasa_url):
    open_widget(page, web)
    send(page, rasa_url, "Bonjour")
    texts = page.locator(".gw-msg").all_inner_texts()
    sid = session_id(page)
    page.reload()
    # The panel was open: it opens again with the same conversation.
    page.get_by_role("dialog", name="Guichet").wait_for()
    page.wait_for_function("n => document.querySelectorAll('.gw-msg').length >= n", arg=len(texts))
    assert page.locator(".gw-msg").all_inner_texts() == texts
    assert session_id(page) == sid
    send(page, rasa_url, "Merci")
    assert session_id(page) == sid
    assert [e["text"] for e in user_events(rasa_url, sid)][-3:] == ["/greet", "Bonjour", "Merci"]


def test_erasing_the_conversation_starts_a_new_session(web, page, rasa_url):
    open_widget(page, web)
    send(page, rasa_url, "Bonjour")
    old = session_id(page)
    page.get_by_role("button", name="Effacer la conversation").click()
    page.wait_for_function(
        "old => { const s = JSON.parse(localStorage.getItem('guichet:widget') || '{}').sessionId;"
        " return s && s !== old; }",
        arg=old,
    )
    assert page.locator(".gw-msg--user").count() == 0
    page.locator(".gw-msg--bot").first.wait_for()  # greeted again


def test_keyboard_only(web, page):
    page.goto(f"{web}/demo/")
    launcher = page.get_by_role("button", name=LAUNCHER)
    launcher.wait_for()
    for _ in range(40):  # Tab through the page until the launcher has the focus
        page.keyboard.press("Tab")
        if launcher.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    assert launcher.get_attribute("aria-expanded") == "true"
    page.locator(".gw-msg--bot").first.wait_for()
    before = bot_messages(page)
    page.keyboard.type("Bonjour")
    page.keyboard.press("Enter")
    wait_for_more_bot_messages(page, before)
    assert page.locator(".gw-msg--user").last.inner_text().endswith("Bonjour")
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog", name="Guichet").is_hidden()
    assert launcher.evaluate("el => el === document.activeElement")
    assert launcher.get_attribute("aria-expanded") == "false"


def test_new_bot_messages_are_announced(web, page, rasa_url):
    open_widget(page, web)
    send(page, rasa_url, "Bonjour")
    announcer = page.locator("[data-gw-announcer]")
    assert announcer.get_attribute("aria-live") == "polite"
    assert announcer.inner_text().startswith("Guichet : ")


def test_empty_message_is_not_sent_and_long_input_is_limited(web, page):
    open_widget(page, web)
    count = page.locator(".gw-msg").count()
    box = page.get_by_label("Votre message")
    box.fill("   ")
    box.press("Enter")
    assert page.locator(".gw-msg").count() == count
    assert "Votre message est vide" in page.get_by_role("status").first.inner_text()
    box.fill("")
    box.focus()
    page.keyboard.insert_text("a" * 2100)
    assert len(box.input_value()) == 2000
    assert page.locator(".gw-counter").inner_text() == "2000 / 2000 caractères"


def test_phone_width(web, new_context, rasa_url):
    page = new_context(width=360, height=740, is_mobile=True, has_touch=True).new_page()
    open_widget(page, web)
    send(page, rasa_url, "Bonjour")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    panel = page.get_by_role("dialog", name="Guichet").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 360
    for name in ("Envoyer", "Fermer la discussion"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, name
        assert box["height"] >= 44, name  # touch target
    screenshot(page, "widget-360")


def test_unreachable_bot_shows_a_french_message_and_reconnects(web, page):
    # Cut the socket (the polling transport goes first) until the visitor has typed.
    page.route("**/socket.io/**", lambda route: route.abort())
    page.goto(f"{web}/demo/")
    page.get_by_role("button", name=LAUNCHER).click()
    status = page.locator(".gw-status")
    status.filter(has_text="momentanément injoignable").wait_for()
    page.get_by_label("Votre message").fill("Bonjour")
    page.keyboard.press("Enter")
    screenshot(page, "widget-offline")
    assert "momentanément injoignable" in status.inner_text()  # still told after sending
    page.unroute("**/socket.io/**")
    # Automatic reconnection, then the waiting messages go out and are answered.
    status.filter(has_text="La connexion est rétablie").wait_for(timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('.gw-msg--bot').length >= 2", timeout=30_000)


@pytest.fixture
def other_site():
    """A commune website on another origin (localhost vs 127.0.0.1, another port)."""
    pages = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = pages.get("html", "").encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


def test_one_script_tag_on_another_site_with_options(web, page, rasa_url, other_site):
    """A commune's own website (another origin) only adds the script tag."""
    site, pages = other_site
    pages["html"] = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Accueil</title></head>
<body><main><h1>Mairie</h1></main>
<script src="{web}/widget/guichet-widget.js" data-socket-url="{rasa_url}"
  data-title="Assistant municipal" data-launcher-label="Besoin d’aide ?"
  data-primary-color="#ffd500" data-position="left"
  data-metadata='{{"commune": "villebrune", "page_kind": "accueil"}}'></script>
</body></html>"""
    page.goto(f"{site}/")
    page.get_by_role("button", name="Besoin d’aide ?").click()
    dialog = page.get_by_role("dialog", name="Assistant municipal")
    dialog.wait_for()
    # Yellow brand colour: the widget picks dark text to stay readable (AA).
    assert dialog.locator(".gw-header").evaluate("el => getComputedStyle(el).color") == "rgb(26, 26, 26)"
    box = dialog.bounding_box()
    assert box["x"] < 640  # data-position="left"
    send(page, rasa_url, "Bonjour")
    metadata = user_events(rasa_url, session_id(page))[-1]["metadata"]
    assert metadata["commune"] == "villebrune" and metadata["page_kind"] == "accueil"
    assert metadata["page_url"] == f"{site}/"
