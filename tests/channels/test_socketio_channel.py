"""The socket.io channel served by a real Sanic server, driven by a real python-socketio client."""

import asyncio
import contextlib
import json
import warnings

import pytest
import socketio
import websockets
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput

from channel_testkit import new_app, serving, wait_until
from channels.socketio import SocketIOInput

BUTTONS = [
    {"title": "Signaler un problème", "payload": "/signaler"},
    {"title": "Horaires", "payload": "/horaires"},
]


class EchoBot:
    """A stand-in for Rasa: records messages and answers through the output channel."""

    def __init__(self):
        self.messages = []

    async def __call__(self, message):
        self.messages.append(message)
        out = message.output_channel
        await out.send_response(message.sender_id, {"text": f"Vous avez dit : {message.text}"})
        await out.send_response(message.sender_id, {"text": "Autre chose ?", "buttons": list(BUTTONS)})
        await out.send_response(
            message.sender_id,
            {"text": "Merci.\n\nVotre avis ?", "quick_replies": [{"title": "Oui", "payload": "/oui"}]},
        )


def coroutine_enter_room(sio):
    """Make ``sio.enter_room`` a coroutine, as in python-socketio >= 5.10."""
    sync_enter_room = sio.enter_room

    async def enter_room(sid, room, namespace=None):
        sync_enter_room(sid, room, namespace=namespace)

    sio.enter_room = enter_room


@contextlib.asynccontextmanager
async def widget_server(channel, bot, async_enter_room=False):
    app = new_app()
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/socketio")
    if async_enter_room:
        coroutine_enter_room(channel.sio)
    async with serving(app) as base_url:
        yield base_url


class Widget:
    """A chat widget: a python-socketio client speaking rasa-webchat's protocol."""

    def __init__(self, namespace="/"):
        self.namespace = namespace
        self.client = socketio.AsyncClient(reconnection=False)
        self.confirmed = []
        self.uttered = []
        self.client.on("session_confirm", self.confirmed.append, namespace=namespace)
        self.client.on("bot_uttered", self.uttered.append, namespace=namespace)

    async def open(self, base_url, session_id=None):
        # Long-polling: engine.io 4.15's websocket client needs aiohttp >= 3.10
        # (aiohttp 3.9 comes with Rasa 3.6). The websocket transport of the
        # server is checked separately below.
        await self.client.connect(
            base_url, socketio_path="/socket.io", namespaces=[self.namespace], transports=["polling"]
        )
        await self.client.emit("session_request", {"session_id": session_id}, namespace=self.namespace)
        assert await wait_until(lambda: self.confirmed)
        return self.confirmed[-1]

    async def say(self, text, session_id, **extra):
        await self.client.emit(
            "user_uttered", {"message": text, "session_id": session_id, **extra}, namespace=self.namespace
        )

    async def close(self):
        await self.client.disconnect()


def persistent_channel(**options):
    return SocketIOInput(session_persistence=True, **options)


async def test_session_request_is_confirmed_and_replies_arrive_in_webchat_shape():
    bot = EchoBot()
    async with widget_server(persistent_channel(), bot) as base_url:
        widget = Widget()
        session_id = await widget.open(base_url)
        try:
            await widget.say("Bonjour", session_id)
            assert await wait_until(lambda: len(widget.uttered) == 4)
        finally:
            await widget.close()
    assert isinstance(session_id, str) and len(session_id) == 32
    assert widget.uttered == [
        {"text": "Vous avez dit : Bonjour"},
        {
            "text": "Autre chose ?",
            "buttons": [
                {"title": "Signaler un problème", "payload": "/signaler", "type": "postback"},
                {"title": "Horaires", "payload": "/horaires", "type": "postback"},
            ],
        },
        {"text": "Merci."},
        {"text": "Votre avis ?", "quick_replies": [{"content_type": "text", "title": "Oui", "payload": "/oui"}]},
    ]
    (message,) = bot.messages
    assert message.sender_id == session_id
    assert message.input_channel == "socketio"
    assert message.metadata == {"channel": "socketio"}


async def test_replies_arrive_when_enter_room_is_a_coroutine():
    """python-socketio >= 5.10: our channel awaits enter_room."""
    bot = EchoBot()
    async with widget_server(persistent_channel(), bot, async_enter_room=True) as base_url:
        widget = Widget()
        session_id = await widget.open(base_url)
        try:
            await widget.say("Bonjour", session_id)
            assert await wait_until(lambda: len(widget.uttered) == 4)
        finally:
            await widget.close()


async def test_control_rasa_channel_loses_replies_when_enter_room_is_a_coroutine():
    """Shows the bug the previous test guards against, with Rasa's own channel."""
    bot = EchoBot()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "coroutine ... was never awaited"
        async with widget_server(RasaSocketIOInput(session_persistence=True), bot, async_enter_room=True) as url:
            widget = Widget()
            session_id = await widget.open(url)
            try:
                await widget.say("Bonjour", session_id)
                assert await wait_until(lambda: bot.messages)
                await asyncio.sleep(0.5)
            finally:
                await widget.close()
    assert widget.uttered == []


async def test_reconnecting_with_the_same_session_id_still_receives_replies():
    bot = EchoBot()
    async with widget_server(persistent_channel(), bot) as base_url:
        first = Widget()
        session_id = await first.open(base_url)
        await first.say("Premier message", session_id)
        assert await wait_until(lambda: len(first.uttered) == 4)
        await first.close()

        again = Widget()
        assert await again.open(base_url, session_id=session_id) == session_id
        try:
            await again.say("Me revoilà", session_id)
            assert await wait_until(lambda: len(again.uttered) == 4)
        finally:
            await again.close()
    assert again.uttered[0] == {"text": "Vous avez dit : Me revoilà"}
    assert [m.sender_id for m in bot.messages] == [session_id, session_id]


async def test_widget_metadata_is_passed_through_with_the_channel_name():
    bot = EchoBot()
    async with widget_server(persistent_channel(), bot) as base_url:
        widget = Widget()
        session_id = await widget.open(base_url)
        try:
            # rasa-webchat sends its metadata as "customData".
            await widget.say("a", session_id, customData={"lieu": "pav-rue-des-lilas", "channel": "x"})
            await widget.say("b", session_id, metadata='{"lieu": "arret-gare"}')
            await widget.say("c", session_id, metadata="{not json")
            await widget.say("d", session_id, metadata=["not", "an", "object"])
            assert await wait_until(lambda: len(bot.messages) == 4)
        finally:
            await widget.close()
    assert [m.metadata for m in bot.messages] == [
        {"lieu": "pav-rue-des-lilas", "channel": "socketio"},
        {"lieu": "arret-gare", "channel": "socketio"},
        {"channel": "socketio"},
        {"channel": "socketio"},
    ]


async def test_configured_metadata_key_and_namespace_are_used():
    bot = EchoBot()
    channel = persistent_channel(namespace="/guichet", metadata_key="customData")
    async with widget_server(channel, bot, async_enter_room=True) as base_url:
        widget = Widget(namespace="/guichet")
        session_id = await widget.open(base_url)
        try:
            await widget.say("Bonjour", session_id, customData={"lieu": "mediatheque"})
            assert await wait_until(lambda: len(widget.uttered) == 4)
        finally:
            await widget.close()
    assert bot.messages[0].metadata == {"lieu": "mediatheque", "channel": "socketio"}


async def test_message_without_session_id_is_ignored_with_persistence():
    bot = EchoBot()
    async with widget_server(persistent_channel(), bot) as base_url:
        widget = Widget()
        await widget.open(base_url)
        try:
            await widget.say("Bonjour", None)
            await asyncio.sleep(0.3)
        finally:
            await widget.close()
    assert bot.messages == [] and widget.uttered == []


async def test_output_channel_for_external_events_uses_the_webchat_shape():
    channel = persistent_channel()
    with pytest.warns(UserWarning, match="cannot be recreated"):
        assert channel.get_output_channel() is None  # no server yet, like Rasa
    channel.blueprint(EchoBot())
    assert channel.get_output_channel().name() == "socketio"


async def test_websocket_transport_used_by_browsers_works_end_to_end():
    """Speak engine.io v4 / socket.io v5 over a raw websocket, as a browser widget does."""
    bot = EchoBot()
    async with widget_server(persistent_channel(), bot, async_enter_room=True) as base_url:
        url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        async with websockets.connect(url) as ws:

            async def next_event():
                while True:
                    packet = await asyncio.wait_for(ws.recv(), timeout=5)
                    if packet == "2":  # engine.io ping
                        await ws.send("3")
                    elif packet.startswith("42"):
                        return json.loads(packet[2:])

            assert (await asyncio.wait_for(ws.recv(), timeout=5)).startswith("0{")
            await ws.send("40")
            assert (await asyncio.wait_for(ws.recv(), timeout=5)).startswith("40")
            await ws.send("42" + json.dumps(["session_request", {"session_id": "borne-mairie-1"}]))
            assert await next_event() == ["session_confirm", "borne-mairie-1"]
            await ws.send("42" + json.dumps(["user_uttered", {"message": "Bonjour", "session_id": "borne-mairie-1"}]))
            assert await next_event() == ["bot_uttered", {"text": "Vous avez dit : Bonjour"}]
    assert bot.messages[0].sender_id == "borne-mairie-1"
