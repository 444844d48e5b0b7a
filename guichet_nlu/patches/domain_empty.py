"""``Domain.is_empty`` answered once per domain instead of on every parsed message.

Rasa's ``MessageProcessor._check_for_unseen_features`` asks ``domain.is_empty()`` for each
message it parses, and Rasa answers by building a whole empty ``Domain`` (with its
default intents and actions, sanity checks and deep copies) to compare dictionaries:
about 80 µs per message on this machine. A loaded domain is never changed in place (Rasa
makes a new one to merge or update), so the answer is kept on the instance after the
first time. Tests: tests/nlu_components/test_domain_empty.py.
"""

from __future__ import annotations

from rasa.shared.core.domain import Domain

ORIGINAL_IS_EMPTY = Domain.__dict__["is_empty"]
ATTRIBUTE = "_guichet_is_empty"


def is_empty(self: Domain) -> bool:
    """Whether the domain is empty (Rasa's answer, computed once per instance)."""
    answer = self.__dict__.get(ATTRIBUTE)
    if answer is None:
        answer = ORIGINAL_IS_EMPTY(self)
        self.__dict__[ATTRIBUTE] = answer
    return answer


def apply() -> None:
    Domain.is_empty = is_empty
