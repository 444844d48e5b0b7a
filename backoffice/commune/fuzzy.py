"""A small fuzzy index over labelled things, built on rapidfuzz.

Each entry is a text (a name or an alias) and the thing it names; a search
normalises the query the same way as the texts, scores every text (0-100,
rapidfuzz's WRatio by default, or `words_ratio`) and keeps the best score
per thing.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, Iterable, List, Tuple, TypeVar

from rapidfuzz import fuzz, process

from .text import fold

T = TypeVar("T")
Scorer = Callable[..., float]


def words_ratio(query: str, text: str, **_: Any) -> float:
    """Word-level similarity: 100 when equal, 95 when one's words contain the other's.

    Each query word may also be a misspelling of a word of the text
    ("hopitale" for "hopital"). Unlike WRatio it never matches a short text
    inside a longer word ("bois" inside "boite"), which suits short names.
    """
    query_words, text_words = query.split(), text.split()
    coverage = 0.0
    if query_words and text_words:
        coverage = sum(max(fuzz.ratio(word, other) for other in text_words) for word in query_words) / len(query_words)
    return max(fuzz.ratio(query, text), 0.95 * fuzz.token_set_ratio(query, text),
               0.95 * fuzz.token_sort_ratio(query, text), 0.9 * coverage)


class FuzzyIndex(Generic[T]):
    """Texts naming things, searchable with typos, accents and case ignored."""

    def __init__(self, entries: Iterable[Tuple[str, T]], normalize: Callable[[str], str] = fold,
                 scorer: Scorer = fuzz.WRatio):
        self._normalize = normalize
        self._scorer = scorer
        self._keys: List[str] = []
        self._things: List[T] = []
        for text, thing in entries:
            key = normalize(text)
            if key:
                self._keys.append(key)
                self._things.append(thing)

    def search(self, query: str, limit: int = 5, threshold: float = 70.0) -> List[Tuple[T, float]]:
        """Things whose best text scores at least `threshold`, best first (ties keep file order)."""
        key = self._normalize(query)
        if not key:
            return []
        best: dict = {}
        for _, score, position in process.extract(key, self._keys, scorer=self._scorer, limit=None,
                                                  score_cutoff=threshold):
            thing = self._things[position]
            marker = id(thing)
            if marker not in best or score > best[marker][1]:
                best[marker] = (position, score, thing)
        ranked = sorted(best.values(), key=lambda item: (-item[1], item[0]))
        return [(thing, round(score, 1)) for _, score, thing in ranked[:limit]]

    def __len__(self) -> int:
        return len(self._keys)
