"""Socket.io channel for the chat widget on the town website and the kiosk.

Declared in ``credentials.yml`` as ``channels.socketio.SocketIOInput``. It
keeps Rasa's name ("socketio") and path (``/socket.io``) so the widget's
settings do not change, and fixes what Rasa 3.6's ``SocketIOInput`` gets wrong:

- with python-socketio >= 5.10, ``AsyncServer.enter_room`` is a coroutine
  that Rasa never awaits: with ``session_persistence`` the browser never joins
  its session room and every reply is lost. Here it is awaited when needed
  (and the configured namespace is used);
- the widget's metadata (under ``metadata_key``, or rasa-webchat's
  ``customData``) is passed to Rasa even when sent as a malformed string, with
  ``{"channel": "socketio"}`` added;
- replies with buttons or quick replies are emitted in the shape rasa-webchat
  renders: ``{"text", "buttons"}`` (buttons stay) or ``{"text",
  "quick_replies"}`` (they disappear once used).

With ``REDIS_URL`` set, the server uses python-socketio's ``AsyncRedisManager``: an
emit to a session room from any Rasa instance reaches the socket wherever it is
connected (several instances behind a load balancer). :func:`emit_to_session` is how
other parts of Guichet (agent messages of the handoff) write to a widget.
"""

import inspect
import json
import logging
import os
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint
from socketio import AsyncServer

logger = logging.getLogger(__name__)

CHANNEL = "socketio"
WEBCHAT_METADATA_KEY = "customData"
REDIS_CHANNEL = "guichet-socketio"

_active: Optional["SocketIOInput"] = None


def use_redis_manager(sio: AsyncServer, url: Optional[Text] = None) -> bool:
    """Route the server's emits through Redis (``REDIS_URL``) so every instance shares rooms."""
    url = url or os.environ.get("REDIS_URL")
    if not url:
        return False
    from socketio import AsyncRedisManager

    manager = AsyncRedisManager(url, channel=os.environ.get("SOCKETIO_REDIS_CHANNEL", REDIS_CHANNEL))
    manager.set_server(sio)
    sio.manager = manager
    logger.info("socket.io rooms are shared through Redis")
    return True


async def emit_to_session(session_id: Text, message: Dict[Text, Any]) -> bool:
    """Emit a bot message to the widget of ``session_id`` (False when the channel is off)."""
    channel = _active
    if channel is None or channel.sio is None:
        return False
    await channel.get_output_channel()._send_message(session_id, message)
    return True


def _paragraphs(text: Text) -> List[Text]:
    return [part for part in (text or "").strip().split("\n\n") if part.strip()] or [text or ""]


class WebchatOutput(rasa_socketio.SocketIOOutput):
    """Emits bot replies in the message shapes rasa-webchat understands."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text, namespace: Optional[Text] = None) -> None:
        super().__init__(sio, bot_message_evt)
        self.namespace = namespace

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        await self.sio.emit(self.bot_message_evt, response, room=socket_id, namespace=self.namespace)

    async def _send_choices(self, recipient_id: Text, text: Text, key: Text, choices: List[Dict[Text, Any]]) -> None:
        parts = _paragraphs(text)
        for part in parts[:-1]:
            await self._send_message(recipient_id, {"text": part})
        await self._send_message(recipient_id, {"text": parts[-1], key: choices})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Buttons stay visible in the conversation."""
        choices = [
            {k: v for k, v in button.items() if k in {"title", "payload", "type", "url"}}
            for button in buttons
        ]
        for choice in choices:
            choice.setdefault("type", "web_url" if "url" in choice else "postback")
        await self._send_choices(recipient_id, text, "buttons", choices)

    async def send_quick_replies(
        self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Quick replies disappear once the citizen has picked one."""
        choices = [
            {
                "content_type": reply.get("content_type", "text"),
                "title": reply.get("title", ""),
                "payload": reply.get("payload", reply.get("title", "")),
            }
            for reply in quick_replies
        ]
        await self._send_choices(recipient_id, text, "quick_replies", choices)

    async def send_custom_json(self, recipient_id: Text, json_message: Any, **kwargs: Any) -> None:
        """Emit ``custom["data"]`` (Rasa's convention) or the custom payload itself."""
        if isinstance(json_message, dict) and "data" in json_message:
            json_message = json_message["data"]
        await self._send_message(recipient_id, json_message)


class SocketIOInput(rasa_socketio.SocketIOInput):
    """Rasa's socket.io input channel, made safe for every python-socketio 5.x."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    def get_output_channel(self) -> Optional[WebchatOutput]:
        if self.sio is None:
            return super().get_output_channel()  # warns and returns None
        return WebchatOutput(self.sio, self.bot_message_evt, self.namespace)

    def message_metadata(self, data: Dict[Text, Any]) -> Dict[Text, Any]:
        """Metadata for Rasa: the widget's own, plus the channel's name."""
        raw = data.get(self.metadata_key)
        if raw is None and self.metadata_key != WEBCHAT_METADATA_KEY:
            raw = data.get(WEBCHAT_METADATA_KEY)
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                logger.warning("Ignoring socket.io metadata that is not valid JSON.")
                raw = None
        metadata = dict(raw) if isinstance(raw, dict) else {}
        metadata["channel"] = CHANNEL
        return metadata

    async def join_session(self, sio: AsyncServer, sid: Text, session_id: Text) -> None:
        """Put the socket in its session's room (awaiting the call if needed)."""
        entered = sio.enter_room(sid, session_id, namespace=self.namespace)
        if inspect.isawaitable(entered):
            await entered

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        global _active
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        use_redis_manager(sio)
        _active = self

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = str(data.get("session_id") or uuid.uuid4().hex)
            if self.session_persistence:
                await self.join_session(sio, sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("Socket %s joined session %s", sid, session_id)

        async def handle_message(sid: Text, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            if self.session_persistence:
                if not data.get("session_id"):
                    logger.warning(
                        "Ignoring a socket.io message without session_id: the widget "
                        "must send 'session_request' first."
                    )
                    return
                sender_id = str(data["session_id"])
            else:
                sender_id = sid
            text = data.get("message")
            message = UserMessage(
                text if isinstance(text, str) else ("" if text is None else str(text)),
                WebchatOutput(sio, self.bot_message_evt, self.namespace),
                sender_id,
                input_channel=self.name(),
                metadata=self.message_metadata(data),
            )
            await on_new_message(message)

        # Registering again replaces the handlers Rasa's blueprint installed.
        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return socketio_webhook
