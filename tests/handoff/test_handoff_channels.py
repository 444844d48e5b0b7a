"""Rasa side of the handoff: the event broker forwarding citizen messages to a real back
office, the webhook appending agent messages to the tracker and pushing them on the
citizen's channel, and socket.io rooms shared through Redis."""
from __future__ import annotations

import asyncio
import os
import time
import uuid

import pytest
import requests
from rasa.utils.endpoints import EndpointConfig

from channels import handoff as handoff_channel
from channels.handoff_broker import BackOfficeEventBroker, citizen_message

from .backoffice_process import agent_console, start_backoffice, ticket

API_KEY = {"X-API-Key": "dev-action-server-key"}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    stack = start_backoffice(tmp_path_factory.mktemp("bo-broker"), "2027-03-01T10:00:00+01:00")
    console = agent_console(stack.url("backoffice"))
    yield stack.url("backoffice"), console
    stack.stop()


def user(sender, text, message_id):
    return {"sender_id": sender, "event": "user", "text": text, "message_id": message_id,
            "input_channel": "socketio", "parse_data": {"intent": {"name": "inform"}}}


def open_live_ticket(url, conversation_id):
    """A live handoff of ``conversation_id`` opened in the real back office; its reference."""
    created = requests.post(f"{url}/api/v1/handoff/tickets", headers=API_KEY, json={
        "kind": "live", "channel": "socketio", "conversation_id": conversation_id,
        "reason": "citizen_request"}, timeout=10)
    assert created.status_code == 201, created.text
    return created.json()["reference"]


def test_broker_forwards_messages_of_paused_conversations_only(office):
    url, console = office
    reference = open_live_ticket(url, "paused-1")

    async def scenario():
        broker = await BackOfficeEventBroker.from_endpoint_config(EndpointConfig(
            url=url, type="channels.handoff_broker.BackOfficeEventBroker"))
        broker.publish(user("paused-1", "Bonjour, vous êtes là ?", "p1"))
        broker.publish({"sender_id": "paused-1", "event": "bot", "text": "ignored"})
        broker.publish(user("not-paused", "Horaires de la mairie", "n1"))
        broker.publish(user("paused-1", "J'attends une réponse", "p2"))
        deadline = time.monotonic() + 10
        while broker.sent < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await broker.close()
        return broker.sent

    assert asyncio.run(scenario()) == 3
    texts = [m["text"] for m in ticket(console, reference)["messages"]]
    assert texts == ["Bonjour, vous êtes là ?", "J'attends une réponse"]


def test_broker_gathers_the_messages_of_a_moment_in_one_batch():
    async def scenario():
        broker = BackOfficeEventBroker("http://127.0.0.1:9", "key", linger=0.3, batch_size=4)
        broker._start = lambda: setattr(broker, "queue", broker.queue or asyncio.Queue())
        broker.publish(user("a", "premier", "1"))
        gathering = asyncio.ensure_future(broker._next_batch())
        await asyncio.sleep(0.05)
        assert not gathering.done(), "one message alone waits for the others of the moment"
        for number in range(2, 10):
            broker.publish(user("b", f"message {number}", str(number)))
        first = await gathering
        started = time.monotonic()
        second = await broker._next_batch()  # a backlog of a full batch: no lingering
        return first, second, time.monotonic() - started

    first, second, waited = asyncio.run(scenario())
    assert [m["text"] for m in first] == ["premier", "message 2", "message 3", "message 4"]
    assert [m["text"] for m in second] == [f"message {n}" for n in range(5, 9)] and waited < 0.2


def test_broker_close_sends_what_it_was_gathering(office):
    url, console = office
    reference = open_live_ticket(url, "paused-2")

    async def scenario():
        broker = BackOfficeEventBroker(url, API_KEY["X-API-Key"], linger=0.5)
        broker.publish(user("paused-2", "Toujours là ?", "q1"))
        await asyncio.sleep(0.1)  # taken from the queue, its batch still gathering
        assert broker.queue.empty() and broker.in_flight
        broker.publish(user("paused-2", "Merci de me répondre", "q2"))
        started = time.monotonic()
        await broker.close()
        return broker.sent, time.monotonic() - started

    sent, closing = asyncio.run(scenario())
    assert sent == 2 and closing < 3  # done when both are sent, not at flush's 5 s limit
    texts = [m["text"] for m in ticket(console, reference)["messages"]]
    assert texts == ["Toujours là ?", "Merci de me répondre"]


def test_broker_survives_a_back_office_that_is_down():
    async def scenario():
        broker = BackOfficeEventBroker("http://127.0.0.1:9", "key", retries=1, backoff=0.01,
                                       timeout=0.5, max_queue=2)
        for number in range(4):
            broker.publish(user("c", f"message {number}", f"m{number}"))
        assert broker.dropped == 2  # bounded queue: the oldest are dropped, never blocks
        deadline = time.monotonic() + 10
        while broker.dropped < 4 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await broker.close()
        return broker.dropped

    assert asyncio.run(scenario()) == 4


def test_broker_keeps_only_what_the_back_office_can_store():
    assert citizen_message({"event": "bot", "sender_id": "a", "text": "x"}) is None
    assert citizen_message(user("with space", "x", "1")) is None
    assert citizen_message(user("a", "   ", "1")) is None
    assert citizen_message(user("a", "bon\x00jour", "1")) == {
        "conversation_id": "a", "text": "bonjour", "message_id": "1", "channel": "socketio"}


# -- the webhook ---------------------------------------------------------------------------
class FakeProcessor:
    def __init__(self, store):
        self.store = store

    async def get_tracker(self, conversation_id):
        return await self.store.get_or_create_tracker(conversation_id)

    async def save_tracker(self, tracker):
        await self.store.save(tracker)


class FakeAgent:
    def __init__(self):
        from rasa.core.lock_store import InMemoryLockStore
        from rasa.core.tracker_store import InMemoryTrackerStore
        from rasa.shared.core.domain import Domain
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self.lock_store = InMemoryLockStore()
        self.processor = FakeProcessor(self.tracker_store)


def delivery(resume=None, ids=(1, 2)):
    return {"conversation_id": "web-1", "channel": "socketio", "reference": "AGT-2027-00001",
            "messages": [{"id": i, "author": "agent", "text": f"Message {i}",
                          "agent_name": "Camille Martin"} for i in ids],
            "resume": resume}


def test_agent_messages_are_appended_once_and_the_bot_resumes():
    from rasa.shared.core.events import ConversationPaused

    async def scenario():
        agent = FakeAgent()
        tracker = await agent.tracker_store.get_or_create_tracker("web-1")
        tracker.update(ConversationPaused())
        await agent.tracker_store.save(tracker)
        first = await handoff_channel.append_to_tracker(agent, delivery())
        again = await handoff_channel.append_to_tracker(agent, delivery(ids=(1, 2, 3)))
        paused = (await agent.tracker_store.retrieve("web-1")).is_paused()
        resumed = await handoff_channel.append_to_tracker(
            agent, delivery({"text": "Je reprends la conversation."}, ids=()))
        final = await agent.tracker_store.retrieve("web-1")
        return first, again, paused, resumed, final

    first, again, paused, resumed, final = asyncio.run(scenario())
    assert [e.text for e in first] == ["Message 1", "Message 2"]
    assert [e.text for e in again] == ["Message 3"]  # a retried delivery is not duplicated
    assert paused is True
    assert [e.text for e in resumed] == ["Je reprends la conversation."]
    assert final.is_paused() is False
    assert final.latest_action_name == "action_listen"
    bots = [e for e in final.events if e.type_name == "bot"]
    assert bots[0].metadata["handoff"]["agent_name"] == "Camille Martin"


def test_messages_are_pushed_on_the_citizen_channel(monkeypatch):
    import channels.messenger
    import channels.socketio
    from rasa.shared.core.events import BotUttered
    sent = []

    async def emit(session_id, message):
        sent.append(("socketio", session_id, message))
        return True

    async def send_text(recipient_id, text, **kwargs):
        sent.append(("messenger", recipient_id, text))
        return True

    monkeypatch.setattr(channels.socketio, "emit_to_session", emit)
    monkeypatch.setattr(channels.messenger, "send_text", send_text)
    event = BotUttered("Bonjour", metadata={"handoff": {"author": "agent",
                                                         "agent_name": "Camille Martin"}})
    for name in ("socketio", "messenger", "rest"):
        asyncio.run(handoff_channel.push_to_channel(name, "c-1", [event]))
    assert sent == [
        ("socketio", "c-1", {"text": "Bonjour", "metadata": {
            "handoff": {"author": "agent", "agent_name": "Camille Martin"}}}),
        ("messenger", "c-1", "Bonjour")]


def test_webhook_needs_the_shared_secret(monkeypatch):
    monkeypatch.setenv("HANDOFF_SECRET", "s3cret")
    channel = handoff_channel.HandoffInput.from_credentials(None)

    class Request:
        def __init__(self, secret):
            self.headers = {"X-Handoff-Secret": secret} if secret else {}

    assert channel.is_authorised(Request("s3cret"))
    assert not channel.is_authorised(Request("wrong"))
    assert not channel.is_authorised(Request(None))
    assert channel.url_prefix() == "handoff"


def test_socketio_rooms_are_shared_through_redis(monkeypatch):
    """With REDIS_URL, an emit to a session room is published for every instance."""
    redis = pytest.importorskip("redis.asyncio")
    from socketio import AsyncRedisManager, AsyncServer

    from channels.socketio import use_redis_manager
    channel = f"guichet-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("SOCKETIO_REDIS_CHANNEL", channel)
    url = os.environ.get("GUICHET_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

    async def scenario():
        client = redis.from_url(url)
        try:
            await client.ping()
        except Exception:  # noqa: BLE001
            pytest.skip("no Redis on 127.0.0.1:6379")
        pubsub = client.pubsub()
        await pubsub.subscribe(channel)
        sio = AsyncServer(async_mode="asgi")
        assert use_redis_manager(sio, url) and isinstance(sio.manager, AsyncRedisManager)
        await sio.emit("bot_uttered", {"text": "Bonjour"}, room="session-42")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
            if message:
                await client.close()
                return message["data"]
        return None

    data = asyncio.run(scenario())
    assert data is not None and b"session-42" in data and b"Bonjour" in data


def test_without_redis_the_embedded_default_is_kept(monkeypatch):
    from socketio import AsyncServer

    from channels.socketio import use_redis_manager
    monkeypatch.delenv("REDIS_URL", raising=False)
    sio = AsyncServer(async_mode="asgi")
    manager = sio.manager
    assert use_redis_manager(sio) is False and sio.manager is manager
