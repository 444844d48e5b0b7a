"""Bad input through the REST channel always gets a French answer, never silence."""

import pytest

pytestmark = pytest.mark.timeout(600)


@pytest.mark.parametrize("text", [
    "",
    "   ",
    "🙂🙂🙂",
    "<script>alert('x')</script><b>bonjour</b>",
    "a" * 10000,
    "blablabla xyzzy qwerty",
])
def test_bad_input_gets_a_french_answer(citizen, text):
    replies = citizen.say(text)
    assert replies, f"no reply to {text[:30]!r}"
    reply = " ".join(r.get("text", "") for r in replies)
    assert any(word in reply for word in ("vous", "Vous", "votre", "Votre")), reply


def test_greeting_names_the_commune(citizen):
    assert "Villebrune" in citizen.say_text("bonjour")


def test_two_misunderstandings_offer_a_human(citizen):
    # "/nlu_fallback" is what the NLU reports for a message it cannot read; which free
    # text falls below the threshold depends on training, so the intent is sent directly.
    first = citizen.say("/nlu_fallback")
    assert "reformuler" in " ".join(r.get("text", "") for r in first)
    replies = citizen.say("/nlu_fallback")
    payloads = [b.get("payload") for r in replies for b in r.get("buttons", [])]
    assert "/human_handoff" in payloads
