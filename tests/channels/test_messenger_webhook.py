"""The Messenger channel served by a real Sanic server, with a fake bot and a fake Graph API."""

import asyncio
import contextlib
import json
import logging
import time

import aiohttp

import messenger_payloads as fb
from channel_testkit import Collector, FakeGraphApi, free_port, new_app, serving, wait_until
from channels import texts
from channels.messenger import MessengerInput, send_text
from channels.messenger_pages import PAYLOAD_PREFIX

PSID = "2400000000000001"
OTHER_PSID = "2400000000000002"


@contextlib.asynccontextmanager
async def messenger(collector, graph_url, **options):
    """Serve a MessengerInput wired to ``collector``; yield (webhook URL, channel)."""
    channel = MessengerInput(
        fb.VERIFY_TOKEN,
        fb.APP_SECRET,
        fb.PAGE_TOKEN,
        graph_api_url=graph_url,
        first_retry_delay=options.pop("first_retry_delay", 0.05),
        max_retry_delay=options.pop("max_retry_delay", 0.2),
        **options,
    )
    app = new_app()
    app.blueprint(channel.blueprint(collector), url_prefix="/webhooks/messenger")
    async with serving(app) as base_url:
        async with aiohttp.ClientSession() as http:
            yield f"{base_url}/webhooks/messenger/webhook", channel, http


async def post(http, url, body, **sign_options):
    raw, headers = fb.signed(body, **sign_options)
    async with http.post(url, data=raw, headers=headers) as answer:
        return answer.status, await answer.text()


async def test_verification_get_returns_the_challenge_only_with_the_right_token():
    async with messenger(Collector(), "http://127.0.0.1:9/v19.0") as (url, _, http):
        good = {"hub.mode": "subscribe", "hub.verify_token": fb.VERIFY_TOKEN, "hub.challenge": "1158201444"}
        async with http.get(url, params=good) as answer:
            assert (answer.status, await answer.text()) == (200, "1158201444")
        for params in (
            dict(good, **{"hub.verify_token": "wrong"}),
            dict(good, **{"hub.mode": "unsubscribe"}),
            {"hub.challenge": "1158201444"},
        ):
            async with http.get(url, params=params) as answer:
                assert answer.status == 403
                assert "1158201444" not in await answer.text()


async def test_signed_text_message_reaches_rasa_with_messenger_metadata():
    collector = Collector()
    async with messenger(collector, "http://127.0.0.1:9/v19.0") as (url, channel, http):
        item = fb.text(PSID, "Bonjour, quels sont les horaires de la mairie ?")
        assert await post(http, url, fb.webhook([item])) == (200, "EVENT_RECEIVED")
        assert await wait_until(lambda: collector.messages)
    message = collector.messages[0]
    assert message.text == "Bonjour, quels sont les horaires de la mairie ?"
    assert message.sender_id == PSID
    assert message.input_channel == "messenger"
    assert message.message_id == item["message"]["mid"]
    assert message.metadata["channel"] == "messenger"
    assert message.metadata["sender_id"] == PSID
    assert message.metadata["messenger"]["page_id"] == fb.PAGE_ID
    assert message.output_channel.name() == "messenger"


async def test_legacy_sha1_signature_is_accepted():
    collector = Collector()
    async with messenger(collector, "http://127.0.0.1:9/v19.0") as (url, _, http):
        status, _ = await post(http, url, fb.webhook([fb.text(PSID, "Bonjour")]), algorithm="sha1")
        assert status == 200
        assert await wait_until(lambda: collector.messages)


async def test_forged_unsigned_and_wrongly_signed_posts_are_refused_with_403():
    collector = Collector()
    body = fb.webhook([fb.text(PSID, "Bonjour")])
    raw = json.dumps(body).encode()
    async with messenger(collector, "http://127.0.0.1:9/v19.0") as (url, _, http):
        assert (await post(http, url, body, secret="not-the-app-secret"))[0] == 403
        assert (await post(http, url, body, secret="not-the-app-secret", algorithm="sha1"))[0] == 403
        attempts = [
            {},  # unsigned
            {"X-Hub-Signature-256": "sha256=" + "0" * 64},  # forged
            {"X-Hub-Signature-256": "garbage"},  # malformed header
            {"X-Hub-Signature": "md5=abc"},
        ]
        for headers in attempts:
            async with http.post(url, data=raw, headers=headers) as answer:
                assert answer.status == 403, headers
        # A valid signature of another body does not sign this one.
        _, other_headers = fb.signed(fb.webhook([fb.text(PSID, "Autre")]))
        async with http.post(url, data=raw, headers=other_headers) as answer:
            assert answer.status == 403
        await asyncio.sleep(0.2)
    assert collector.messages == []


async def test_signed_but_malformed_bodies_get_400_not_500():
    collector = Collector()
    graph = await FakeGraphApi().start()
    try:
        async with messenger(collector, graph.url) as (url, _, http):
            for raw in (b"{not json", b"", b"\xff\xfe", b"[1, 2]", b'{"object": "page"}', b'{"entry": 3}'):
                status, _ = await post(http, url, raw)
                assert status == 400, raw
            # Odd items inside a well-formed webhook are skipped, not fatal.
            odd_items = [
                None,
                {"sender": {}},
                {"sender": {"id": PSID}, "message": "texte"},
                {"sender": {"id": PSID}, "postback": "x", "message": {"mid": "m_odd"}},
                {"sender": {"id": PSID}, "message": {"attachments": ["x", {"type": "location", "payload": "x"}]}},
                {"sender": {"id": PSID}, "message": {"quick_reply": "x", "text": 3}},
                {"sender": {"id": PSID}, "postback": {"payload": None}},
            ]
            odd = {"object": "page", "entry": [3, {"messaging": "x"}, {"messaging": odd_items}]}
            assert (await post(http, url, odd))[0] == 200
            # Other objects (e.g. Instagram) are acknowledged and ignored.
            assert (await post(http, url, {"object": "instagram", "entry": []}))[0] == 200
            assert await wait_until(lambda: graph.delivered())
            await asyncio.sleep(0.2)
    finally:
        await graph.stop()
    assert collector.messages == []
    # Only the odd attachment message got an answer: the polite "text only" one.
    assert graph.delivered_texts() == [texts.ONLY_TEXT]


async def test_quick_replies_postbacks_and_several_entries_are_all_handled_in_order():
    collector = Collector()
    body = fb.webhook(
        [
            fb.text(PSID, "Bonjour"),
            fb.quick_reply(PSID, "Voirie", "/signaler_voirie"),
            fb.delivery(PSID),
            fb.read(PSID),
            fb.echo(PSID, "Réponse de la page"),
        ],
        [
            fb.postback(OTHER_PSID, "Démarrer", "/saluer", ref="lieu-mairie"),
            fb.text(PSID, "Merci"),
        ],
    )
    async with messenger(collector, "http://127.0.0.1:9/v19.0") as (url, _, http):
        assert (await post(http, url, body))[0] == 200
        assert await wait_until(lambda: len(collector.messages) == 4)
        await asyncio.sleep(0.1)
    assert len(collector.messages) == 4  # echo, delivery and read were ignored
    mine = [m.text for m in collector.messages if m.sender_id == PSID]
    assert mine == ["Bonjour", "/signaler_voirie", "Merci"]
    (postback,) = [m for m in collector.messages if m.sender_id == OTHER_PSID]
    assert postback.text == "/saluer"
    assert postback.metadata["messenger"]["kind"] == "postback"
    assert postback.metadata["messenger"]["referral"] == "lieu-mairie"


async def test_webhook_answers_at_once_while_the_bot_is_slow_and_keeps_order():
    received = []

    async def slow_bot(message):
        await asyncio.sleep(0.5)
        received.append(message.text)

    async with messenger(slow_bot, "http://127.0.0.1:9/v19.0") as (url, _, http):
        started = time.monotonic()
        for words in ("un", "deux", "trois"):
            assert (await post(http, url, fb.webhook([fb.text(PSID, words)])))[0] == 200
        assert time.monotonic() - started < 0.5
        assert await wait_until(lambda: len(received) == 3, timeout=5)
    assert received == ["un", "deux", "trois"]


async def test_a_message_delivered_twice_by_facebook_is_handled_once():
    collector = Collector()
    body = fb.webhook([fb.text(PSID, "Bonjour")])
    async with messenger(collector, "http://127.0.0.1:9/v19.0") as (url, _, http):
        await post(http, url, body)
        await post(http, url, body)
        assert await wait_until(lambda: collector.messages)
        await asyncio.sleep(0.2)
    assert collector.texts() == ["Bonjour"]


async def test_bot_reply_goes_to_the_graph_api_with_token_and_sender_actions():
    graph = await FakeGraphApi().start()
    try:
        async with messenger(Collector(reply="Vous avez dit : {text}"), graph.url) as (url, channel, http):
            await post(http, url, fb.webhook([fb.text(PSID, "Bonjour")]))
            assert await wait_until(lambda: graph.delivered())
            assert await channel.outbox.drain(timeout=2)
    finally:
        await graph.stop()
    assert graph.delivered() == [
        {
            "recipient": {"id": PSID},
            "messaging_type": "RESPONSE",
            "message": {"text": "Vous avez dit : Bonjour"},
        }
    ]
    assert graph.sender_actions() == ["mark_seen", "typing_on"]
    assert {c["access_token"] for c in graph.calls} == {fb.PAGE_TOKEN}
    assert {c["path"] for c in graph.calls} == {"/v19.0/me/messages"}


async def test_attachments_get_a_polite_french_answer_and_do_not_reach_rasa():
    graph = await FakeGraphApi().start()
    collector = Collector()
    try:
        async with messenger(collector, graph.url) as (url, _, http):
            body = fb.webhook([fb.image(PSID), fb.sticker(PSID), fb.location(PSID, 48.1, -1.6)])
            assert (await post(http, url, body))[0] == 200
            assert await wait_until(lambda: len(graph.delivered()) == 3)
    finally:
        await graph.stop()
    assert collector.messages == []
    assert graph.delivered_texts() == [texts.ONLY_TEXT] * 3


async def test_location_is_passed_to_rasa_when_an_intent_is_configured():
    collector = Collector()
    async with messenger(collector, "http://127.0.0.1:9/v19.0", location_intent="partager_position") as (
        url, _, http,
    ):
        await post(http, url, fb.webhook([fb.location(PSID, 48.1, -1.6)]))
        assert await wait_until(lambda: collector.messages)
    message = collector.messages[0]
    assert message.text == '/partager_position{"latitude": 48.1, "longitude": -1.6}'
    assert message.metadata["location"] == {"latitude": 48.1, "longitude": -1.6}


async def test_a_crash_of_the_bot_is_logged_and_the_citizen_told(caplog):
    graph = await FakeGraphApi().start()
    try:
        async with messenger(Collector(fail=True), graph.url) as (url, _, http):
            with caplog.at_level(logging.ERROR, logger="channels.messenger"):
                await post(http, url, fb.webhook([fb.text(PSID, "Bonjour")]))
                assert await wait_until(lambda: graph.delivered())
    finally:
        await graph.stop()
    assert graph.delivered_texts() == [texts.TECHNICAL_PROBLEM]
    assert "failed to handle a Messenger message" in caplog.text


async def test_more_than_13_choices_are_paginated_with_plus_de_choix():
    graph = await FakeGraphApi().start()
    choices = [{"title": f"Quartier {i}", "payload": f"/quartier{{\"n\": {i}}}"} for i in range(30)]

    async def bot(message):
        await message.output_channel.send_response(
            message.sender_id, {"text": "Dans quel quartier ?", "buttons": list(choices)}
        )

    try:
        async with messenger(bot, graph.url) as (url, _, http):
            await post(http, url, fb.webhook([fb.text(PSID, "Bonjour")]))
            assert await wait_until(lambda: len(graph.delivered()) == 1)
            pages = [graph.delivered()[0]["message"]]
            for expected in (2, 3):
                more = pages[-1]["quick_replies"][-1]
                assert more["title"] == texts.MORE_CHOICES
                assert more["payload"].startswith(PAYLOAD_PREFIX)
                await post(http, url, fb.webhook([fb.quick_reply(PSID, more["title"], more["payload"])]))
                assert await wait_until(lambda: len(graph.delivered()) == expected)
                pages.append(graph.delivered()[-1]["message"])
            # A page that is no longer known gets a polite answer.
            await post(http, url, fb.webhook([fb.quick_reply(PSID, "Plus de choix", PAYLOAD_PREFIX + "gone")]))
            assert await wait_until(lambda: len(graph.delivered()) == 4)
    finally:
        await graph.stop()
    assert [len(p["quick_replies"]) for p in pages] == [13, 13, 6]
    assert pages[1]["text"] == texts.NEXT_CHOICES
    shown = [q["payload"] for p in pages for q in p["quick_replies"] if q["title"] != texts.MORE_CHOICES]
    assert shown == [c["payload"] for c in choices]
    assert graph.delivered_texts()[-1] == texts.CHOICES_EXPIRED


async def test_send_text_uses_the_configured_channel():
    graph = await FakeGraphApi().start()
    try:
        async with messenger(Collector(), graph.url):
            assert await send_text(PSID, "Un agent de la mairie vous répond.", wait=True, timeout=5)
            assert await send_text(OTHER_PSID, "Bonjour.\n\nÀ bientôt.", tag="HUMAN_AGENT", wait=True)
    finally:
        await graph.stop()
    delivered = graph.delivered()
    assert delivered[0] == {
        "recipient": {"id": PSID},
        "messaging_type": "RESPONSE",
        "message": {"text": "Un agent de la mairie vous répond."},
    }
    assert [d["message"]["text"] for d in delivered[1:]] == ["Bonjour.", "À bientôt."]
    assert all(d["messaging_type"] == "MESSAGE_TAG" and d["tag"] == "HUMAN_AGENT" for d in delivered[1:])


async def test_graph_api_unreachable_message_still_reaches_rasa_and_reply_is_retried(caplog):
    port = free_port()  # nothing listens there yet
    graph = FakeGraphApi(port)
    collector = Collector(reply="Réponse à : {text}")
    with caplog.at_level(logging.WARNING, logger="channels.messenger_outbox"):
        async with messenger(collector, graph.url) as (url, channel, http):
            started = time.monotonic()
            assert (await post(http, url, fb.webhook([fb.text(PSID, "Bonjour")])))[0] == 200
            assert (await post(http, url, fb.webhook([fb.text(PSID, "Encore moi")])))[0] == 200
            assert time.monotonic() - started < 1.0
            assert await wait_until(lambda: len(collector.messages) == 2)
            assert await wait_until(lambda: channel.outbox.pending(PSID) == 2)
            await asyncio.sleep(0.3)  # a few failed attempts
            assert graph.calls == []
            await graph.start()  # the Graph API comes back
            try:
                assert await wait_until(lambda: len(graph.delivered()) == 2, timeout=5)
            finally:
                await graph.stop()
    assert graph.delivered_texts() == ["Réponse à : Bonjour", "Réponse à : Encore moi"]
    assert channel.outbox.pending() == 0
    assert "kept in the outbox" in caplog.text
    assert fb.PAGE_TOKEN not in caplog.text


async def test_images_cards_attachments_and_custom_payloads_are_sent():
    graph = await FakeGraphApi().start()

    async def bot(message):
        out, psid = message.output_channel, message.sender_id
        await out.send_response(psid, {"text": "Voici le plan :", "image": "https://villebrune.example/plan.png"})
        await out.send_response(psid, {"elements": [{"title": "Médiathèque", "buttons": [{"title": "Horaires", "payload": "/horaires"}]}]})
        await out.send_response(psid, {"attachment": {"type": "file", "payload": {"url": "https://villebrune.example/a.pdf"}}})
        await out.send_response(psid, {"custom": {"messenger": {"text": "Spécial Messenger"}}})
        await out.send_response(psid, {"custom": {"handoff": True}})  # for another channel: not sent

    try:
        async with messenger(bot, graph.url) as (url, channel, http):
            await post(http, url, fb.webhook([fb.text(PSID, "Plan")]))
            assert await wait_until(lambda: len(graph.delivered()) == 5)
            await asyncio.sleep(0.2)
    finally:
        await graph.stop()
    messages = [d["message"] for d in graph.delivered()]
    assert messages[0] == {"text": "Voici le plan :"}
    assert messages[1]["attachment"]["payload"]["url"] == "https://villebrune.example/plan.png"
    card = messages[2]["attachment"]["payload"]
    assert card["template_type"] == "generic"
    assert card["elements"][0]["buttons"] == [{"type": "postback", "title": "Horaires", "payload": "/horaires"}]
    assert messages[3] == {"attachment": {"type": "file", "payload": {"url": "https://villebrune.example/a.pdf"}}}
    assert messages[4] == {"text": "Spécial Messenger"}
