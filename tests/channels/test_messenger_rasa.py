"""End to end: a real Rasa agent behind the Messenger channel loaded from credentials.yml.

A tiny model (rules only, no NLU training) is trained once for the module.
The Graph API is the local fake; the credentials file uses ${ENV} variables
exactly like the project's credentials.yml.
"""

import asyncio
import contextlib
import logging
import textwrap

import aiohttp
import pytest
from rasa.core.agent import load_agent
from rasa.core.run import configure_app, create_http_input_channels
from rasa.model_training import train
from rasa.shared.core.events import BotUttered

import messenger_payloads as fb
from channel_testkit import Collector, FakeGraphApi, free_port, new_app, serving, wait_until
from channels.messenger import MessengerInput, send_text
from channels.messenger_graph import DEFAULT_GRAPH_API_URL

PSID = "2400000000000042"

DOMAIN = """
version: "3.1"
intents:
  - saluer
responses:
  utter_saluer:
    - text: "Bonjour ! Je suis l'assistant de la mairie de Villebrune. Que puis-je faire pour vous ?"
      buttons:
        - title: "Signaler un problème de voirie"
          payload: "/saluer"
        - title: "Horaires de la mairie"
          payload: "/saluer"
        - title: "Collecte des déchets"
          payload: "/saluer"
        - title: "État civil"
          payload: "/saluer"
session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: true
"""

CONFIG = """
recipe: default.v1
language: fr
assistant_id: guichet-channel-tests
pipeline: []
policies:
  - name: RulePolicy
"""

RULES = """
version: "3.1"
rules:
  - rule: saluer
    steps:
      - intent: saluer
      - action: utter_saluer
"""

CREDENTIALS = """
channels.messenger.MessengerInput:
  verify: ${FACEBOOK_VERIFY_TOKEN}
  secret: ${FACEBOOK_APP_SECRET}
  page-access-token: ${FACEBOOK_PAGE_ACCESS_TOKEN}
  retry-first-delay: 0.05
  retry-max-delay: 0.2
"""


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rasa_project")
    for name, content in (("domain.yml", DOMAIN), ("config.yml", CONFIG), ("rules.yml", RULES)):
        (folder / name).write_text(textwrap.dedent(content), encoding="utf-8")
    result = train(
        str(folder / "domain.yml"),
        str(folder / "config.yml"),
        [str(folder / "rules.yml")],
        str(folder / "models"),
        fixed_model_name="tiny",
    )
    assert result.code == 0
    return result.model


@pytest.fixture
def credentials(tmp_path, monkeypatch):
    monkeypatch.setenv("FACEBOOK_VERIFY_TOKEN", fb.VERIFY_TOKEN)
    monkeypatch.setenv("FACEBOOK_APP_SECRET", fb.APP_SECRET)
    monkeypatch.setenv("FACEBOOK_PAGE_ACCESS_TOKEN", fb.PAGE_TOKEN)
    path = tmp_path / "credentials.yml"
    path.write_text(CREDENTIALS, encoding="utf-8")
    return str(path)


@contextlib.asynccontextmanager
async def rasa_server(model_path, credentials):
    channels = create_http_input_channels(None, credentials)
    app = configure_app(channels, enable_api=False)
    app.ctx.agent = await load_agent(model_path=model_path)
    async with serving(app) as base_url:
        async with aiohttp.ClientSession() as http:
            yield f"{base_url}/webhooks/messenger/webhook", channels[0], app.ctx.agent, http


async def post(http, url, body):
    raw, headers = fb.signed(body)
    async with http.post(url, data=raw, headers=headers) as answer:
        return answer.status


def test_credentials_file_with_env_variables_builds_our_channel(credentials, monkeypatch):
    monkeypatch.setenv("FACEBOOK_GRAPH_API_URL", "http://127.0.0.1:5299/v19.0")
    (channel,) = create_http_input_channels(None, credentials)
    assert isinstance(channel, MessengerInput)
    assert channel.name() == "messenger"
    assert (channel.verify, channel.secret) == (fb.VERIFY_TOKEN, fb.APP_SECRET)
    assert channel.graph.api_url == "http://127.0.0.1:5299/v19.0"
    monkeypatch.delenv("FACEBOOK_GRAPH_API_URL")
    (channel,) = create_http_input_channels(None, credentials)
    assert channel.graph.api_url == DEFAULT_GRAPH_API_URL


async def test_missing_settings_disable_the_channel_loudly(monkeypatch, caplog):
    for name in ("FACEBOOK_VERIFY_TOKEN", "FACEBOOK_APP_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with caplog.at_level(logging.ERROR, logger="channels.messenger"):
        channel = MessengerInput.from_credentials({"verify": "x"})
    assert not channel.configured
    assert "Messenger channel DISABLED" in caplog.text
    assert "FACEBOOK_APP_SECRET" in caplog.text and "FACEBOOK_PAGE_ACCESS_TOKEN" in caplog.text
    assert "FACEBOOK_VERIFY_TOKEN" not in caplog.text
    app = new_app()
    app.blueprint(channel.blueprint(Collector()), url_prefix="/webhooks/messenger")
    async with serving(app) as base_url:
        async with aiohttp.ClientSession() as http:
            url = f"{base_url}/webhooks/messenger/webhook"
            async with http.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}) as answer:
                assert answer.status == 503
            raw, headers = fb.signed(fb.webhook([fb.text(PSID, "Bonjour")]), secret="")
            async with http.post(url, data=raw, headers=headers) as answer:
                assert answer.status == 503
            assert await send_text(PSID, "Bonjour") is False


async def test_rasa_answers_a_postback_through_the_graph_api(model_path, credentials, monkeypatch):
    graph = await FakeGraphApi().start()
    monkeypatch.setenv("FACEBOOK_GRAPH_API_URL", graph.url)
    try:
        async with rasa_server(model_path, credentials) as (url, _, agent, http):
            body = fb.webhook([fb.postback(PSID, "Démarrer", "/saluer", ref="mairie-accueil")])
            assert await post(http, url, body) == 200
            assert await wait_until(lambda: graph.delivered(), timeout=10)
            tracker = await agent.tracker_store.retrieve(PSID)
    finally:
        await graph.stop()
    (reply,) = graph.delivered()
    message = reply["message"]
    assert message["text"].startswith("Bonjour ! Je suis l'assistant de la mairie de Villebrune.")
    # Four buttons do not fit a button template: they became quick replies.
    assert [q["title"] for q in message["quick_replies"]] == [
        "Signaler un problèm…", "Horaires de la mair…", "Collecte des déchets", "État civil",
    ]
    assert all(q["payload"] == "/saluer" for q in message["quick_replies"])
    latest = tracker.latest_message
    assert latest.intent["name"] == "saluer"
    assert latest.input_channel == "messenger"
    assert latest.metadata["channel"] == "messenger"
    assert latest.metadata["sender_id"] == PSID
    assert latest.metadata["messenger"]["referral"] == "mairie-accueil"


async def test_rasa_gets_the_message_while_the_graph_api_is_down(model_path, credentials, monkeypatch):
    graph = FakeGraphApi(free_port())  # not started yet: unreachable
    monkeypatch.setenv("FACEBOOK_GRAPH_API_URL", graph.url)
    async with rasa_server(model_path, credentials) as (url, channel, agent, http):
        assert await post(http, url, fb.webhook([fb.postback(PSID, "Démarrer", "/saluer")])) == 200

        async def bot_answered():
            tracker = await agent.tracker_store.retrieve(PSID)
            return tracker is not None and any(isinstance(e, BotUttered) for e in tracker.events)

        for _ in range(100):
            if await bot_answered():
                break
            await asyncio.sleep(0.05)
        assert await bot_answered()
        assert channel.outbox.pending(PSID) == 1
        assert graph.calls == []
        await graph.start()
        try:
            assert await wait_until(lambda: graph.delivered(), timeout=5)
        finally:
            await graph.stop()
    assert graph.delivered()[0]["message"]["text"].startswith("Bonjour !")
    assert channel.outbox.pending() == 0
