"""Messenger output channel: turns bot replies into Send API requests.

Replies are reshaped to Messenger's limits (``messenger_limits``) and queued
in the retrying ``Outbox``; choices that do not fit on one page of quick
replies are kept in ``ChoicePages`` until the citizen asks for more.
"""

import asyncio
import logging
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import OutputChannel

from channels import messenger_limits as limits
from channels import texts
from channels.messenger_events import CHANNEL
from channels.messenger_outbox import Outbox
from channels.messenger_pages import ChoicePages

logger = logging.getLogger(__name__)


class MessengerOutput(OutputChannel):
    """Sends bot replies to a Messenger user through the outbox."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    def __init__(self, outbox: Outbox, pages: ChoicePages) -> None:
        self.outbox = outbox
        self.pages = pages

    def queue_messages(
        self, recipient_id: Text, messages: Iterable[Dict[Text, Any]], tag: Optional[Text] = None
    ) -> List["asyncio.Future[bool]"]:
        """Queue Messenger ``message`` objects; return their delivery futures."""
        envelope: Dict[Text, Any] = {"recipient": {"id": recipient_id}}
        if tag:
            envelope.update({"messaging_type": "MESSAGE_TAG", "tag": tag})
        else:
            envelope["messaging_type"] = "RESPONSE"
        return [
            self.outbox.put(recipient_id, dict(envelope, message=message)) for message in messages
        ]

    def _queue_with_pages(
        self, recipient_id: Text, messages: List[Dict[Text, Any]], rest: List[Dict[Text, Any]]
    ) -> None:
        if rest:
            messages[-1]["quick_replies"].append(limits.more_choices_reply(self.pages.put(rest)))
        self.queue_messages(recipient_id, messages)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.queue_messages(recipient_id, limits.text_messages(text))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        self._queue_with_pages(recipient_id, *limits.button_messages(text, buttons))

    async def send_quick_replies(
        self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        self._queue_with_pages(recipient_id, *limits.quick_reply_messages(text, quick_replies))

    async def send_next_choices(self, recipient_id: Text, payload: Text) -> None:
        """Send the page of choices stored under a "Plus de choix" payload."""
        choices = self.pages.take(payload)
        if choices is None:
            await self.send_text_message(recipient_id, texts.CHOICES_EXPIRED)
            return
        shown, rest = limits.quick_reply_page(choices)
        self._queue_with_pages(
            recipient_id, [{"text": texts.NEXT_CHOICES, "quick_replies": shown}], rest
        )

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        self.queue_messages(recipient_id, [limits.image_message(image)])

    async def send_attachment(self, recipient_id: Text, attachment: Any, **kwargs: Any) -> None:
        if isinstance(attachment, dict) and "type" in attachment and "payload" in attachment:
            self.queue_messages(recipient_id, [{"attachment": attachment}])
        else:
            await self.send_text_message(recipient_id, str(attachment))

    async def send_elements(
        self, recipient_id: Text, elements: Iterable[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        self.queue_messages(recipient_id, limits.generic_messages(list(elements)))

    async def send_custom_json(self, recipient_id: Text, json_message: Any, **kwargs: Any) -> None:
        """Send ``custom["messenger"]`` (or a custom payload shaped like a Messenger message)."""
        if isinstance(json_message, dict) and isinstance(json_message.get(CHANNEL), dict):
            self.queue_messages(recipient_id, [json_message[CHANNEL]])
        elif isinstance(json_message, dict) and ("text" in json_message or "attachment" in json_message):
            self.queue_messages(recipient_id, [json_message])
        else:
            logger.info("Custom payload has no Messenger content, not sent: %s", json_message)

    async def send_action(self, recipient_id: Text, sender_action: Text) -> None:
        """Send a sender action ("mark_seen", "typing_on"...), best effort.

        Skipped while messages to this user are still queued: it would arrive late.
        """
        if self.outbox.pending(recipient_id):
            return
        self.outbox.put(
            recipient_id,
            {"recipient": {"id": recipient_id}, "sender_action": sender_action},
            best_effort=True,
        )
