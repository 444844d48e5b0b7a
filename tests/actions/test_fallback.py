"""The two-stage fallback asks to rephrase, then offers a human; bad input gets a clear answer."""

import asyncio

from actions.fallback import ActionFallback, consecutive_fallbacks
from tests.conftest import user_event


def run(action, dispatcher, tracker, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def responses(dispatcher):
    return [m.get("response") for m in dispatcher.messages]


def test_first_misunderstanding_asks_to_rephrase(dispatcher, make_tracker, domain):
    tracker = make_tracker([user_event("blablabla xyz", "nlu_fallback", confidence=0.3)])
    run(ActionFallback(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_rephrase"]


def test_second_misunderstanding_in_a_row_offers_a_human(dispatcher, make_tracker, domain):
    events = [
        user_event("blablabla", "nlu_fallback", confidence=0.3),
        {"event": "bot", "text": "Pourriez-vous reformuler ?"},
        user_event("toujours pas clair", "nlu_fallback", confidence=0.3),
    ]
    assert consecutive_fallbacks(make_tracker(events)) == 2
    run(ActionFallback(), dispatcher, make_tracker(events), domain)
    assert responses(dispatcher) == ["utter_offer_human"]


def test_understood_message_resets_the_count(make_tracker):
    events = [
        user_event("blablabla", "nlu_fallback", confidence=0.3),
        user_event("bonjour", "greet"),
        user_event("xyz", "nlu_fallback", confidence=0.3),
    ]
    assert consecutive_fallbacks(make_tracker(events)) == 1


def test_empty_or_emoji_message_gets_its_own_answer(dispatcher, make_tracker, domain):
    tracker = make_tracker([user_event("🙂", "nlu_fallback", empty_message=True)])
    run(ActionFallback(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_empty_message"]


def test_truncated_message_asks_for_a_summary(dispatcher, make_tracker, domain):
    tracker = make_tracker([user_event("a" * 1000, "nlu_fallback", text_truncated=True)])
    run(ActionFallback(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_message_too_long"]


def test_every_response_used_exists_in_the_domain(domain):
    for name in ("utter_ask_rephrase", "utter_offer_human", "utter_empty_message",
                 "utter_message_too_long"):
        assert name in domain["responses"]
