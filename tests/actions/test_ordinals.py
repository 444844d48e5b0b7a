"""Choosing an offered button by its rank, and never mistaking a date for a rank."""

import pytest

from actions.ordinals import chosen_rank, pick_by_rank


@pytest.mark.parametrize("text, rank", [
    ("le deuxième", 2), ("La première", 1), ("le 3e", 3), ("3ème", 3), ("la 1re", 1),
    ("le second", 2), ("je prends le deuxième, s'il vous plaît", 2), ("le dernier", -1),
    ("le premier créneau proposé", 1), ("l'option 2e", 2)])
def test_ranks_are_read(text, rank):
    assert chosen_rank(text) == rank


@pytest.mark.parametrize("text", ["le 3 mars", "la deuxième semaine de janvier", "le 3",
                                  "celui de 10h", "premier étage", "", None, "l'avant-dernier"])
def test_other_answers_are_not_ranks(text):
    assert chosen_rank(text) is None


def test_pick_by_rank_stays_within_the_offer():
    offered = ["a", "b", "c"]
    assert pick_by_rank("le deuxième", offered) == "b"
    assert pick_by_rank("le dernier", offered) == "c"
    assert pick_by_rank("le 4e", offered) is None
    assert pick_by_rank("le deuxième", []) is None
