"""Messenger webhook bodies shaped like the ones Facebook sends (Messenger Platform docs)."""

import itertools
import json
from typing import Any, Dict, List

from channels.messenger_signature import signature_headers

PAGE_ID = "104512345678901"
APP_SECRET = "villebrune-app-secret"
VERIFY_TOKEN = "villebrune-verify-token"
PAGE_TOKEN = "EAAG-fake-page-token"

_counter = itertools.count(1)


def _item(psid: str, **event: Any) -> Dict[str, Any]:
    return {
        "sender": {"id": psid},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1700000000000 + next(_counter),
        **event,
    }


def text(psid: str, words: str) -> Dict[str, Any]:
    return _item(psid, message={"mid": f"m_text_{next(_counter)}", "text": words})


def quick_reply(psid: str, title: str, payload: str) -> Dict[str, Any]:
    return _item(
        psid,
        message={
            "mid": f"m_qr_{next(_counter)}",
            "text": title,
            "quick_reply": {"payload": payload},
        },
    )


def postback(psid: str, title: str, payload: str, ref: str = None) -> Dict[str, Any]:
    body: Dict[str, Any] = {"mid": f"m_pb_{next(_counter)}", "title": title, "payload": payload}
    if ref:
        body["referral"] = {"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"}
    return _item(psid, postback=body)


def image(psid: str) -> Dict[str, Any]:
    return _item(
        psid,
        message={
            "mid": f"m_img_{next(_counter)}",
            "attachments": [
                {"type": "image", "payload": {"url": "https://scontent.example/photo.jpg"}}
            ],
        },
    )


def sticker(psid: str) -> Dict[str, Any]:
    return _item(
        psid,
        message={
            "mid": f"m_stk_{next(_counter)}",
            "sticker_id": 369239263222822,
            "attachments": [
                {
                    "type": "image",
                    "payload": {"url": "https://scontent.example/like.png", "sticker_id": 369239263222822},
                }
            ],
        },
    )


def location(psid: str, lat: float, long: float) -> Dict[str, Any]:
    return _item(
        psid,
        message={
            "mid": f"m_loc_{next(_counter)}",
            "attachments": [
                {
                    "title": "Position",
                    "type": "location",
                    "payload": {"coordinates": {"lat": lat, "long": long}},
                }
            ],
        },
    )


def echo(psid: str, words: str) -> Dict[str, Any]:
    return {
        "sender": {"id": PAGE_ID},
        "recipient": {"id": psid},
        "timestamp": 1700000000000 + next(_counter),
        "message": {"is_echo": True, "app_id": 1517776481860111, "mid": f"m_echo_{next(_counter)}", "text": words},
    }


def delivery(psid: str) -> Dict[str, Any]:
    return _item(psid, delivery={"mids": ["m_text_1"], "watermark": 1700000000000})


def read(psid: str) -> Dict[str, Any]:
    return _item(psid, read={"watermark": 1700000000000})


def webhook(*entries: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A webhook body with one entry per list of messaging items."""
    return {
        "object": "page",
        "entry": [
            {"id": PAGE_ID, "time": 1700000000000, "messaging": list(items)} for items in entries
        ],
    }


def signed(body: Any, secret: str = APP_SECRET, algorithm: str = "sha256"):
    """Raw bytes and headers of a POST signed like Facebook does."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    headers.update(signature_headers(raw, secret, algorithm))
    return raw, headers
