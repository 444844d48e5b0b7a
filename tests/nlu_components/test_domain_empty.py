"""``Domain.is_empty`` (guichet_nlu/patches/domain_empty.py): Rasa's answer, kept per domain."""

from __future__ import annotations

from rasa.shared.core.domain import Domain

from guichet_nlu.patches import domain_empty
from tools.stack import ROOT


def test_rasa_uses_the_patched_method():
    assert Domain.is_empty is domain_empty.is_empty


def test_answers_are_rasa_s():
    for domain in (Domain.empty(), Domain.load(str(ROOT / "domain.yml")),
                   Domain.from_dict({"intents": ["greet"]}), Domain.from_dict({})):
        assert domain.is_empty() is domain_empty.ORIGINAL_IS_EMPTY(domain)
    assert Domain.empty().is_empty() is True
    assert Domain.load(str(ROOT / "domain.yml")).is_empty() is False


def test_the_answer_is_computed_once_per_domain(monkeypatch):
    calls = []
    monkeypatch.setattr(domain_empty, "ORIGINAL_IS_EMPTY",
                        lambda domain: calls.append(domain) or False)
    first, second = Domain.from_dict({"intents": ["a"]}), Domain.from_dict({"intents": ["b"]})
    assert [first.is_empty(), first.is_empty(), second.is_empty(), first.is_empty()] == [False] * 4
    assert calls == [first, second]
