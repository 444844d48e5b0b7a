"""Turn a Messenger webhook payload into the citizen events Guichet handles.

A single POST may hold several entries, each with several messaging items.
Text messages, quick replies, postbacks (button taps) and attachments are
kept, in order; echoes of the page's own messages, delivery and read
receipts, reactions and other notifications are ignored.
"""

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

logger = logging.getLogger(__name__)

CHANNEL = "messenger"

TEXT = "text"
QUICK_REPLY = "quick_reply"
POSTBACK = "postback"
LOCATION = "location"
ATTACHMENT = "attachment"


class MalformedPayload(ValueError):
    """The webhook body is JSON but not shaped like a Messenger webhook."""


@dataclass(frozen=True)
class IncomingEvent:
    """Something a citizen did in Messenger that calls for an answer."""

    sender_id: str
    kind: str
    text: Optional[str]
    message_id: Optional[str] = None
    metadata: Dict[str, Any] = field(default_factory=dict)


def _metadata(entry: Dict[str, Any], item: Dict[str, Any], kind: str, mid: Optional[str]) -> Dict[str, Any]:
    details: Dict[str, Any] = {"kind": kind, "page_id": entry.get("id")}
    if mid:
        details["message_id"] = mid
    if item.get("timestamp") is not None:
        details["timestamp"] = item["timestamp"]
    postback = item.get("postback")
    referral = postback.get("referral") if isinstance(postback, dict) else None
    referral = referral or item.get("referral")
    if isinstance(referral, dict) and referral.get("ref"):
        details["referral"] = referral.get("ref")
    return {"channel": CHANNEL, "sender_id": item["sender"]["id"], CHANNEL: details}


def _from_message(entry: Dict[str, Any], item: Dict[str, Any]) -> Optional[IncomingEvent]:
    message = item["message"]
    if not isinstance(message, dict) or message.get("is_echo"):
        return None
    sender, mid = item["sender"]["id"], message.get("mid")
    quick_reply = message.get("quick_reply")
    if isinstance(quick_reply, dict) and quick_reply.get("payload"):
        kind, text = QUICK_REPLY, str(quick_reply["payload"])
    elif isinstance(message.get("text"), str) and message["text"].strip():
        kind, text = TEXT, message["text"]
    elif isinstance(message.get("attachments"), list) and message["attachments"]:
        return _from_attachments(entry, item, message["attachments"], mid)
    else:
        return None
    return IncomingEvent(sender, kind, text, mid, _metadata(entry, item, kind, mid))


def _from_attachments(
    entry: Dict[str, Any], item: Dict[str, Any], attachments: List[Any], mid: Optional[str]
) -> IncomingEvent:
    sender = item["sender"]["id"]
    types = [a.get("type") for a in attachments if isinstance(a, dict)]
    for attachment in attachments:
        if not isinstance(attachment, dict) or attachment.get("type") != "location":
            continue
        payload = attachment.get("payload")
        coordinates = payload.get("coordinates") if isinstance(payload, dict) else None
        if isinstance(coordinates, dict) and "lat" in coordinates and "long" in coordinates:
            metadata = _metadata(entry, item, LOCATION, mid)
            metadata["location"] = {
                "latitude": coordinates["lat"],
                "longitude": coordinates["long"],
            }
            return IncomingEvent(sender, LOCATION, None, mid, metadata)
    metadata = _metadata(entry, item, ATTACHMENT, mid)
    metadata[CHANNEL]["attachment_types"] = types
    return IncomingEvent(sender, ATTACHMENT, None, mid, metadata)


def _from_postback(entry: Dict[str, Any], item: Dict[str, Any]) -> Optional[IncomingEvent]:
    postback = item["postback"]
    if not isinstance(postback, dict):
        return None
    payload = postback.get("payload") or postback.get("title")
    if not payload:
        return None
    mid = postback.get("mid")
    return IncomingEvent(
        item["sender"]["id"], POSTBACK, str(payload), mid, _metadata(entry, item, POSTBACK, mid)
    )


def _from_item(entry: Dict[str, Any], item: Any) -> Optional[IncomingEvent]:
    if not isinstance(item, dict):
        return None
    sender = item.get("sender")
    if not isinstance(sender, dict) or not sender.get("id"):
        return None
    item = dict(item, sender={"id": str(sender["id"])})
    if "message" in item:
        return _from_message(entry, item)
    if "postback" in item:
        return _from_postback(entry, item)
    # delivery, read, reaction, optin, referral, account linking...: nothing to answer.
    return None


def parse_webhook(payload: Any) -> List[IncomingEvent]:
    """Return the citizen events in a webhook body, in order.

    Raises ``MalformedPayload`` when the body is not a Messenger webhook.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise MalformedPayload("expected an object with an 'entry' list")
    if payload.get("object") != "page":
        logger.info("Ignoring a webhook for object %r", payload.get("object"))
        return []
    events = []
    for entry in payload["entry"]:
        if not isinstance(entry, dict):
            continue
        items = entry.get("messaging")
        if not isinstance(items, list):
            continue  # e.g. "standby" (another app has the conversation) or "changes"
        for item in items:
            event = _from_item(entry, item)
            if event is not None:
                events.append(event)
    return events
