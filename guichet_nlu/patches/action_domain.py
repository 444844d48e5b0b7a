"""The domain sent with each custom-action call: written to JSON once, without the responses.

Rasa's ``RemoteAction._action_call_format`` puts the whole domain (``domain.as_dict()``)
into the body of every call to the action server unless selective domain is on. For
Guichet that was 34 KB of the 48 KB an average call sent (1.3 calls per turn in the
load test), serialised again at each call by Rasa and parsed again by the action server.

* The domain is serialised once per loaded domain (:class:`PreSerialized`), and the body
  writer puts that text in as it is (:func:`endpoint_sessions.json_body`).
* Its ``responses`` section (18 KB) is left out: the action server never renders a
  response; an action names one (``dispatcher.utter_message(response=...)``) and Rasa
  renders it. The action server still gets every other section (slots and forms, which
  form validation reads; intents, entities, actions, session settings).
* Rasa's choice of *whether* to send a domain is kept (``enable_selective_domain`` in
  ``endpoints.yml`` with ``send_domain`` on an action).
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, Optional, Text, Tuple

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain

from guichet_nlu.patches.endpoint_sessions import PreSerialized

ORIGINAL_CALL_FORMAT = RemoteAction.__dict__["_action_call_format"]
#: Domain sections the action server does not get.
LEFT_OUT = frozenset({"responses"})

#: The last domain served and what is sent of it (one model per Rasa process).
_last: Optional[Tuple["weakref.ref[Domain]", PreSerialized]] = None


def action_domain(domain: Domain) -> PreSerialized:
    """What the action server gets of ``domain``, made once per domain."""
    global _last
    if _last is not None and _last[0]() is domain:
        return _last[1]
    sent = PreSerialized({key: value for key, value in domain.as_dict().items() if key not in LEFT_OUT})
    _last = (weakref.ref(domain), sent)
    return sent


def action_call_format(self: RemoteAction, tracker: Any, domain: Domain) -> Dict[Text, Any]:
    """Rasa's request body for the action server, with :func:`action_domain` as its domain."""
    body = ORIGINAL_CALL_FORMAT(self, tracker, domain)
    if "domain" in body:
        body["domain"] = action_domain(domain)
    return body


def apply() -> None:
    """Installs the patched call format (idempotent)."""
    RemoteAction._action_call_format = action_call_format  # type: ignore[assignment]
