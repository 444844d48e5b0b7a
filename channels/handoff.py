"""Rasa side of the human handoff: the webhook the back office calls to reach a citizen.

Declared in ``credentials.yml`` as ``channels.handoff.HandoffInput``; its route is
``POST /webhooks/handoff/deliver``, protected by the shared secret ``HANDOFF_SECRET``
(header ``X-Handoff-Secret``). Any Rasa instance behind the load balancer can answer it:

1. under the conversation's lock, the agent messages are appended to the tracker as
   ``BotUttered`` events (metadata ``handoff``; a message id already there is skipped,
   so retries never duplicate) and, when the agent gives the conversation back or closes
   it, ``ConversationResumed`` + the bot's French message + ``action_listen``;
2. the new messages are pushed on the citizen's channel: the socket.io session room
   (shared through Redis when ``REDIS_URL`` is set), or Messenger with
   ``channels.messenger.send_text``. REST citizens poll the back office instead.
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationResumed
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Handoff-Secret"
DEV_SECRET = "dev-handoff-secret"
METADATA_KEY = "handoff"


def _secret(credentials: Optional[Dict[Text, Any]]) -> Text:
    secret = (credentials or {}).get("secret") or os.environ.get("HANDOFF_SECRET") or DEV_SECRET
    return str(secret)


def _delivered_ids(tracker: Any) -> set:
    return {
        (event.metadata or {}).get(METADATA_KEY, {}).get("message_id")
        for event in tracker.events
        if isinstance(event, BotUttered)
    }


def _bot_event(text: Text, reference: Text, message: Optional[Dict[Text, Any]] = None) -> BotUttered:
    handoff = {"reference": reference}
    if message:
        handoff.update(message_id=message.get("id"), author=message.get("author"),
                       agent_name=message.get("agent_name"))
    return BotUttered(text=text, metadata={METADATA_KEY: handoff})


async def append_to_tracker(agent: Any, body: Dict[Text, Any]) -> List[BotUttered]:
    """Append the delivery to the conversation's tracker; returns the new bot messages."""
    conversation_id = body["conversation_id"]
    async with agent.lock_store.lock(conversation_id):
        tracker = await agent.processor.get_tracker(conversation_id)
        known = _delivered_ids(tracker)
        new_messages = [
            _bot_event(m["text"], body.get("reference", ""), m)
            for m in body.get("messages") or []
            if m.get("id") not in known
        ]
        for event in new_messages:
            tracker.update(event)
        resume = body.get("resume") or {}
        if resume.get("text") and tracker.is_paused():
            goodbye = _bot_event(resume["text"], body.get("reference", ""))
            for event in (ConversationResumed(), goodbye, ActionExecuted(ACTION_LISTEN_NAME)):
                tracker.update(event)
            new_messages.append(goodbye)
        await agent.processor.save_tracker(tracker)
    return new_messages


async def push_to_channel(channel: Text, conversation_id: Text, events: List[BotUttered]) -> None:
    """Send the new messages on the channel the citizen uses (REST citizens poll)."""
    for event in events:
        handoff = (event.metadata or {}).get(METADATA_KEY, {})
        if channel == "socketio":
            from channels.socketio import emit_to_session

            sent = await emit_to_session(conversation_id, {"text": event.text, "metadata": {
                METADATA_KEY: {"author": handoff.get("author") or "bot",
                               "agent_name": handoff.get("agent_name")}}})
            if not sent:
                logger.warning("socket.io is off: message to %s not pushed", conversation_id)
        elif channel == "messenger":
            from channels.messenger import send_text

            await send_text(conversation_id, event.text)


def _valid(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("conversation_id"), str):
        return False
    messages = body.get("messages") or []
    return isinstance(messages, list) and all(
        isinstance(m, dict) and isinstance(m.get("text"), str) and m["text"].strip()
        for m in messages)


class HandoffInput(InputChannel):
    """Receives agent messages and resumptions from the back office."""

    @classmethod
    def name(cls) -> Text:
        return "handoff"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(_secret(credentials))

    def __init__(self, secret: Text = DEV_SECRET) -> None:
        self.secret = secret

    def is_authorised(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER) or ""
        return hmac.compare_digest(given.encode("utf-8"), self.secret.encode("utf-8"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("handoff_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/deliver", methods=["POST"])
        async def deliver(request: Request) -> HTTPResponse:
            if not self.is_authorised(request):
                return response.json({"error": "forbidden"}, status=403)
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - Sanic raises its own error type
                body = None
            if not _valid(body):
                return response.json({"error": "bad_request"}, status=400)
            agent = request.app.ctx.agent
            if agent is None or not agent.is_ready():
                return response.json({"error": "not_ready"}, status=503)
            events = await append_to_tracker(agent, body)
            await push_to_channel(str(body.get("channel") or ""), body["conversation_id"], events)
            return response.json({"delivered": len(events)})

        return webhook
