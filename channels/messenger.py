"""Facebook Messenger channel for Guichet (replaces Rasa's ``facebook`` channel).

Declared in ``credentials.yml`` as ``channels.messenger.MessengerInput``; its
webhook is ``/webhooks/messenger/webhook``. Compared with Rasa's built-in
channel it:

- refuses (403) any POST that is not signed with the app secret, checking
  ``X-Hub-Signature-256`` (or the legacy SHA-1 ``X-Hub-Signature``) in
  constant time; a signed but malformed body gets 400, never 500;
- answers Facebook at once and hands the citizen's messages to Rasa in the
  background, in order per citizen, even when the Graph API is unreachable;
- sends replies through an asynchronous, retrying outbox (no message is
  dropped silently) and reshapes them to fit Messenger's limits;
- puts ``{"channel": "messenger", "sender_id": ...}`` in the message
  metadata, and offers ``send_text`` so that other parts of Guichet (agent
  handoff) can write to a Messenger user.
"""

import asyncio
import hmac
import json
import logging
import os
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import messenger_limits as limits
from channels import texts
from channels.messenger_events import (
    ATTACHMENT,
    CHANNEL,
    LOCATION,
    QUICK_REPLY,
    IncomingEvent,
    MalformedPayload,
    parse_webhook,
)
from channels.messenger_graph import DEFAULT_GRAPH_API_URL, GraphApiClient
from channels.messenger_outbox import Outbox
from channels.messenger_output import MessengerOutput
from channels.messenger_pages import ChoicePages
from channels.messenger_signature import is_signed
from channels.serial_tasks import SerialTasks

logger = logging.getLogger(__name__)

# Credential keys and the environment variables used when a key is absent.
_SETTINGS = {
    "verify": "FACEBOOK_VERIFY_TOKEN",
    "secret": "FACEBOOK_APP_SECRET",
    "page-access-token": "FACEBOOK_PAGE_ACCESS_TOKEN",
    "graph-api-url": "FACEBOOK_GRAPH_API_URL",
}

_default_channel: Optional["MessengerInput"] = None


def _not_configured() -> HTTPResponse:
    return response.text("Messenger channel not configured", status=503)


def _setting(credentials: Dict[Text, Any], key: Text) -> Optional[Text]:
    value = credentials.get(key)
    if value is None or str(value).strip() == "":
        value = os.environ.get(_SETTINGS[key])
    return str(value).strip() if value not in (None, "") else None


class MessengerInput(InputChannel):
    """Receives Messenger webhooks (``/webhooks/messenger/webhook``)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Build the channel from ``credentials.yml``, falling back to environment variables.

        Without a verify token, app secret and page token the channel is built
        disabled (an ERROR is logged, the webhook answers 503), so that Rasa
        still starts for the other channels.
        """
        credentials = credentials or {}
        settings = {key: _setting(credentials, key) for key in _SETTINGS}
        missing = [
            f"{key} ({_SETTINGS[key]})"
            for key in ("verify", "secret", "page-access-token")
            if not settings[key]
        ]
        if missing:
            logger.error(
                "Messenger channel DISABLED: set these in credentials.yml or in the "
                "environment: %s. Its webhook answers 503 until then.",
                ", ".join(missing),
            )
        return cls(
            settings["verify"] or "",
            settings["secret"] or "",
            settings["page-access-token"] or "",
            graph_api_url=settings["graph-api-url"] or DEFAULT_GRAPH_API_URL,
            location_intent=credentials.get("location-intent"),
            first_retry_delay=float(credentials.get("retry-first-delay", 1.0)),
            max_retry_delay=float(credentials.get("retry-max-delay", 60.0)),
        )

    @classmethod
    def from_env(cls) -> "MessengerInput":
        """Build the channel from environment variables only."""
        return cls.from_credentials({})  # type: ignore[return-value]

    def __init__(
        self,
        verify: Text,
        secret: Text,
        page_access_token: Text,
        graph_api_url: Text = DEFAULT_GRAPH_API_URL,
        location_intent: Optional[Text] = None,
        first_retry_delay: float = 1.0,
        max_retry_delay: float = 60.0,
    ) -> None:
        self.verify = verify
        self.secret = secret
        self.configured = bool(verify and secret and page_access_token)
        self.location_intent = location_intent
        self.graph = GraphApiClient(page_access_token, graph_api_url)
        self.outbox = Outbox(self.graph, first_delay=first_retry_delay, max_delay=max_retry_delay)
        self.pages = ChoicePages()
        self.jobs = SerialTasks()
        self._recent_ids: "OrderedDict[Text, None]" = OrderedDict()
        global _default_channel
        _default_channel = self

    def get_output_channel(self) -> MessengerOutput:
        return MessengerOutput(self.outbox, self.pages)

    def _is_duplicate(self, message_id: Optional[Text]) -> bool:
        """Facebook may deliver the same message twice: remember recent ids."""
        if not message_id:
            return False
        if message_id in self._recent_ids:
            return True
        self._recent_ids[message_id] = None
        while len(self._recent_ids) > 2000:
            self._recent_ids.popitem(last=False)
        return False

    def _text_for_rasa(self, event: IncomingEvent) -> Optional[Text]:
        if event.kind == LOCATION and self.location_intent:
            return f"/{self.location_intent}{json.dumps(event.metadata['location'])}"
        if event.kind in (LOCATION, ATTACHMENT):
            return None
        return event.text

    async def handle_event(
        self,
        event: IncomingEvent,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        request_metadata: Optional[Dict[Text, Any]] = None,
    ) -> None:
        """Answer one citizen event: locally, or by handing it to Rasa."""
        output = self.get_output_channel()
        sender = event.sender_id
        if event.kind == QUICK_REPLY and ChoicePages.is_more_payload(event.text):
            await output.send_next_choices(sender, event.text)
            return
        text = self._text_for_rasa(event)
        if text is None:
            await output.send_text_message(sender, texts.ONLY_TEXT)
            return
        await output.send_action(sender, "mark_seen")
        await output.send_action(sender, "typing_on")
        message = UserMessage(
            text,
            output,
            sender,
            input_channel=self.name(),
            message_id=event.message_id,
            metadata={**(request_metadata or {}), **event.metadata},
        )
        # No "typing_off": Messenger hides the indicator when the reply arrives.
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("The bot failed to handle a Messenger message from %s", sender)
            await output.send_text_message(sender, texts.TECHNICAL_PROBLEM)

    def _verify_subscription(self, request: Request) -> HTTPResponse:
        mode = request.args.get("hub.mode")
        token = request.args.get("hub.verify_token") or ""
        challenge = request.args.get("hub.challenge")
        if (
            mode == "subscribe"
            and challenge
            and hmac.compare_digest(token.encode("utf-8"), self.verify.encode("utf-8"))
        ):
            return response.text(challenge)
        logger.warning(
            "Messenger webhook verification refused: the verify token does not "
            "match the one set in the Facebook app."
        )
        return response.text("forbidden", status=403)

    def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        if not is_signed(request.body, self.secret, request.headers):
            logger.warning(
                "Refused a Messenger webhook call with a missing or invalid signature "
                "(check FACEBOOK_APP_SECRET)."
            )
            return response.text("forbidden", status=403)
        try:
            events = parse_webhook(json.loads(request.body))
        except (ValueError, MalformedPayload):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            logger.warning("Refused a signed Messenger webhook call with a malformed body.")
            return response.text("bad request", status=400)
        except Exception:  # an unforeseen shape must not become a 500 that Facebook retries
            logger.exception("Could not read a signed Messenger webhook call.")
            return response.text("bad request", status=400)
        metadata = self.get_metadata(request)
        for event in events:
            if self._is_duplicate(event.message_id):
                logger.info("Ignoring a Messenger message received twice: %s", event.message_id)
                continue
            self.jobs.submit(
                event.sender_id,
                lambda event=event: self.handle_event(event, on_new_message, metadata),
            )
        return response.text("EVENT_RECEIVED")

    async def shutdown(self, timeout: float = 5.0) -> None:
        """Finish queued work (within ``timeout``) and close the HTTP session."""
        await self.jobs.join(timeout)
        await self.outbox.close(timeout)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("messenger_webhook")

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.configured:
                return _not_configured()
            return self._verify_subscription(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.configured:
                return _not_configured()
            return self._receive(request, on_new_message)

        @webhook.listener("before_server_stop")
        async def flush(*_: Any) -> None:
            await self.shutdown()

        return webhook


async def send_text(
    recipient_id: Text,
    text: Text,
    wait: bool = False,
    timeout: float = 60.0,
    tag: Optional[Text] = None,
) -> bool:
    """Send ``text`` to the Messenger user ``recipient_id`` (a page-scoped id).

    Uses the channel Rasa loaded from credentials.yml, or one built from the
    environment variables. The text is adapted to Messenger's limits and goes
    through the retrying outbox. With ``wait=False`` this returns True once
    queued; with ``wait=True`` it returns whether every part was delivered
    within ``timeout`` seconds (undelivered parts stay queued). ``tag`` is a
    Messenger message tag such as "HUMAN_AGENT", for answers given more than
    24 hours after the citizen's last message.

    Call it from the event loop that runs the channel (inside the Rasa
    server); another process gets its own channel built from the environment.
    """
    channel = _default_channel or MessengerInput.from_env()
    if not channel.configured:
        logger.error("Cannot send to Messenger user %s: the channel is not configured", recipient_id)
        return False
    futures = channel.get_output_channel().queue_messages(
        recipient_id, limits.text_messages(text), tag=tag
    )
    if not wait or not futures:
        return bool(futures)
    done, _ = await asyncio.wait(futures, timeout=timeout)
    return len(done) == len(futures) and all(f.result() for f in done)
