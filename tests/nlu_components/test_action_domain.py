"""The domain sent to the action server: Rasa's body minus the responses, written once.

Bodies go through Rasa's real ``RemoteAction.run`` to a recording HTTP server; the
domain is the project's own ``domain.yml``.
"""

import asyncio
import copy
import json
import pickle
import re
from pathlib import Path

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from guichet_nlu import runtime_patches  # noqa: F401  (installs the patches)
from guichet_nlu.patches import action_domain, endpoint_sessions
from guichet_nlu.patches.endpoint_sessions import PreSerialized
from tests.nlu_components.test_endpoint_sessions import server  # noqa: F401  (the recording server fixture)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


def tracker(domain):
    events = [ActionExecuted("action_listen"),
              UserUttered("je voudrais un rendez-vous", {"name": "book_appointment", "confidence": 0.93},
                          [{"entity": "procedure", "value": "carte d'identité", "start": 0, "end": 4}]),
              SlotSet("procedure", "cni")]
    return DialogueStateTracker.from_events("citoyen-1", events, domain.slots)


def run_action(server, domain, conversation, name="validate_appointment_form", **endpoint_settings):
    action = RemoteAction(name, server.endpoint(**endpoint_settings))

    async def call():
        return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                                conversation, domain)

    asyncio.run(call())
    endpoint_sessions.close_all()
    return server.seen[-1]["body"]


def test_rasa_uses_the_patched_call_format():
    assert RemoteAction._action_call_format is action_domain.action_call_format


def test_action_server_gets_rasas_body_without_the_responses(server, domain):
    conversation = tracker(domain)
    received = run_action(server, domain, conversation)
    expected = json.loads(json.dumps(action_domain.ORIGINAL_CALL_FORMAT(
        RemoteAction("validate_appointment_form", None), conversation, domain)))
    assert domain.as_dict()["responses"]  # there was something to leave out
    del expected["domain"]["responses"]
    assert received == expected
    assert set(received["domain"]) == set(domain.as_dict()) - {"responses"}
    assert received["domain"]["forms"]["appointment_form"]["required_slots"]


def test_selective_domain_is_still_rasas_choice(server, domain):
    # Rasa sends the domain to form validation actions, and to no other action
    sent = run_action(server, domain, tracker(domain), enable_selective_domain=True)
    assert "responses" not in sent["domain"] and sent["domain"]["forms"]
    not_sent = run_action(server, domain, tracker(domain), "action_book_appointment",
                          enable_selective_domain=True)
    assert "domain" not in not_sent
    assert not_sent["tracker"]["sender_id"] == "citoyen-1"


def test_domain_is_written_once_per_domain(domain):
    first = action_domain.action_domain(domain)
    assert action_domain.action_domain(domain) is first
    other = Domain.load(str(ROOT / "domain.yml"))
    assert action_domain.action_domain(other) is not first
    assert action_domain.action_domain(other) == first


def test_pre_serialized_values_are_spliced_into_the_same_json():
    part = PreSerialized({"slots": {"commune": {"type": "text"}}, "texte": "« été »"})
    for body in ({"next_action": "action_x", "domain": part},
                 {"domain": part},
                 {"domain": part, "autre": PreSerialized({"a": [1, 2.5, None]}), "n": 3}):
        text = endpoint_sessions.json_body(body)
        assert json.loads(text) == json.loads(json.dumps(body))
    # nested or non-string keys: plain serialisation, same value
    assert json.loads(endpoint_sessions.json_body({"x": {"domain": part}})) == {"x": {"domain": dict(part)}}
    assert json.loads(endpoint_sessions.json_body({1: part})) == {"1": dict(part)}


def test_pre_serialized_refuses_changes_and_copies_as_itself():
    part = PreSerialized({"forms": {"f": {"required_slots": ["a"]}}})
    for change in (lambda d: d.__setitem__("x", 1), lambda d: d.pop("forms"), lambda d: d.update(x=1),
                   lambda d: d.clear(), lambda d: d.setdefault("x", 1), lambda d: d.__delitem__("forms")):
        with pytest.raises(TypeError):
            change(part)
    assert copy.deepcopy({"domain": part})["domain"] is part
    restored = pickle.loads(pickle.dumps(part))
    assert restored == part and restored.json_text == part.json_text


def test_no_action_reads_the_responses_of_the_domain():
    """The action server gets no ``responses``: an action reading them would find nothing."""
    reading = re.compile(r"""domain\s*(\[|\.get\()\s*["']responses["']""")
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "actions").rglob("*.py")
                 if reading.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
