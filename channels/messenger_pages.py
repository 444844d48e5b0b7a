"""Remember the quick replies that did not fit on a Messenger page.

Messenger shows at most 13 quick replies. When a reply has more, the first
page ends with a "Plus de choix" quick reply whose payload holds a token; this
store keeps the remaining choices under that token until the citizen taps it.
The store is bounded in size and age so that it cannot grow without limit.
"""

import secrets
import time
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Tuple

PAYLOAD_PREFIX = "guichet.more_choices:"

Choice = Dict[str, Any]


class ChoicePages:
    """Bounded, expiring store of remaining quick replies, keyed by token."""

    def __init__(
        self,
        max_entries: int = 2000,
        max_age_seconds: float = 24 * 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: "OrderedDict[str, Tuple[float, List[Choice]]]" = OrderedDict()
        self._max_entries = max_entries
        self._max_age = max_age_seconds
        self._clock = clock

    def put(self, choices: List[Choice]) -> str:
        """Store ``choices`` and return the payload of the "more" quick reply."""
        token = secrets.token_urlsafe(9)
        self._entries[token] = (self._clock(), list(choices))
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return PAYLOAD_PREFIX + token

    @staticmethod
    def is_more_payload(payload: Optional[str]) -> bool:
        """Tell whether ``payload`` is a "Plus de choix" payload."""
        return bool(payload) and payload.startswith(PAYLOAD_PREFIX)

    def take(self, payload: str) -> Optional[List[Choice]]:
        """Return (and forget) the choices stored for ``payload``, if still known."""
        entry = self._entries.pop(payload[len(PAYLOAD_PREFIX):], None)
        if entry is None:
            return None
        stored_at, choices = entry
        if self._clock() - stored_at > self._max_age:
            return None
        return choices

    def __len__(self) -> int:
        return len(self._entries)
