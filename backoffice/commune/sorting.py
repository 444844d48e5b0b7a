"""Waste sorting: which bin an item goes in, found by fuzzy name or alias.

The query is reduced to its meaningful words (articles and phrases such as
"où jeter" or "dans quelle poubelle" dropped, plurals made singular) and
matched against every item name and alias with `FuzzyIndex`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

from .fuzzy import FuzzyIndex, words_ratio
from .schema import Bin, SortingFile, SortingItem
from .text import singular, without_stop_words, words

#: Words of a sorting question that say nothing about the item itself.
QUESTION_WORDS = frozenset(
    "bac bacs benne conteneur dans doit est faire faut il jete jeter jette jettent mettre met "
    "mon ma mes poubelle poubelles quel quelle recycle recycler trier trie va vont comment "
    "ou peut peux puis se svp stp bonjour merci".split()
)

#: Minimum score for an item to be proposed.
SORTING_THRESHOLD = 72.0


def normalize_item(text: str) -> str:
    """Folded, singular, meaningful words of an item name or a sorting question."""
    tokens = without_stop_words(words(text))
    tokens = [token for token in tokens if token not in QUESTION_WORDS]
    return " ".join(singular(token) for token in tokens)


@dataclass(frozen=True)
class SortingMatch:
    """An item matching a query: its name, bin id, bin label, advice and score (0-100)."""

    item: str
    bin: str
    bin_name: str
    advice: str
    score: float


class SortingGuide:
    """The commune's sorting rules, searchable by approximate item name."""

    def __init__(self, data: SortingFile):
        self.bins: Dict[str, Bin] = {bin_.id: bin_ for bin_ in data.bins}
        self.items: List[SortingItem] = list(data.items)
        self._index: FuzzyIndex[SortingItem] = FuzzyIndex(
            ((text, item) for item in self.items for text in (item.name, *item.aliases)), normalize=normalize_item,
            scorer=words_ratio,
        )

    def sort_item(self, query: str, limit: int = 3) -> List[SortingMatch]:
        """Best matching items for `query`, best first; empty when nothing is close."""
        return [
            SortingMatch(item.name, item.bin, self.bins[item.bin].name, item.advice, score)
            for item, score in self._index.search(query, limit=limit, threshold=SORTING_THRESHOLD)
        ]
