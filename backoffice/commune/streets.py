"""Street look-up: accent- and typo-tolerant search over the commune's streets.

A street name is split into its type ("rue", "avenue"...) and its core
("victor hugo"); a query is cleaned the same way (house number, postal code
and commune name dropped, abbreviations such as "av", "bd", "r.", "st"
expanded) and its core compared with each street's core with rapidfuzz.
A query of another street type than the street loses points, so that
"rue de la Mairie" and "place de la Mairie" are told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence, Tuple

from rapidfuzz import fuzz

from .schema import Street
from .text import fold

#: Street types, longest first, as folded words.
STREET_TYPES = (
    "zone artisanale", "boulevard", "impasse", "chemin", "avenue", "allee", "place", "route", "quai",
    "cours", "square", "sentier", "rue",
)

ABBREVIATIONS = {
    "r": "rue", "ru": "rue", "av": "avenue", "ave": "avenue", "avn": "avenue", "bd": "boulevard",
    "bld": "boulevard", "blvd": "boulevard", "boul": "boulevard", "pl": "place", "imp": "impasse",
    "ch": "chemin", "chem": "chemin", "che": "chemin", "all": "allee", "rte": "route", "qu": "quai",
    "sq": "square", "za": "zone artisanale", "st": "saint", "ste": "sainte", "gal": "general",
    "gl": "general", "gen": "general", "mal": "marechal", "pdt": "president",
}

ARTICLES = frozenset({"de", "du", "des", "la", "le", "les", "l", "d"})

_POSTAL_CODE = re.compile(r"\b\d{5}\b")

#: Score lost when the query names another street type ("avenue" for a "rue").
TYPE_MISMATCH_PENALTY = 15.0
#: Scores below this are not street matches at all.
MATCH_THRESHOLD = 70.0
#: A single match is "clear" when at least this good and this far ahead of the next one.
CLEAR_THRESHOLD = 80.0
CLEAR_MARGIN = 10.0
#: Cores shorter than this are compared whole, not as parts of longer names.
SHORT_QUERY = 4
#: Score given to every street of the right type when the query names only a type ("rue des").
TYPE_ONLY_SCORE = 75.0


@dataclass(frozen=True)
class StreetMatch:
    """A street that matches a query: official name, waste sector and score (0-100)."""

    name: str
    sector: str
    score: float


@dataclass(frozen=True)
class StreetResolution:
    """Outcome of `resolve_street`: one clear `match`, or several `candidates`, or nothing.

    `candidates` always lists the close streets, best first (the match included).
    """

    match: Optional[StreetMatch]
    candidates: List[StreetMatch] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.match is not None

    @property
    def ambiguous(self) -> bool:
        return self.match is None and len(self.candidates) > 1


@dataclass(frozen=True)
class _Analysed:
    """A street name or query: its type, its core without articles, and the whole folded text."""

    street_type: str
    core: str
    text: str


def _expand(tokens: Sequence[str]) -> List[str]:
    return " ".join(ABBREVIATIONS.get(token, token) for token in tokens).split()


def analyse(text: str, *, is_query: bool = False, commune_name: str = "") -> _Analysed:
    """Split a street name or a query into its type, its core and its whole folded text.

    For a query, the postal code, the commune's name and whatever precedes
    the street type (a house number, "j'habite au") are dropped first.
    """
    folded = fold(text)
    if is_query:
        folded = _POSTAL_CODE.sub(" ", folded)
        if commune_name:
            folded = re.sub(rf"\b{re.escape(fold(commune_name))}\b", " ", folded)
    tokens = _expand(folded.split())
    if is_query:
        tokens = _drop_leading_words(tokens)
    whole = rest = " ".join(tokens)
    street_type = ""
    for candidate in STREET_TYPES:
        if rest == candidate or rest.startswith(candidate + " "):
            street_type, rest = candidate, rest[len(candidate):].strip()
            break
    core_tokens = rest.split()
    while core_tokens and core_tokens[0] in ARTICLES:
        core_tokens.pop(0)
    while core_tokens and core_tokens[-1] in ARTICLES:
        core_tokens.pop()
    return _Analysed(street_type, " ".join(core_tokens), whole)


def _drop_leading_words(tokens: List[str]) -> List[str]:
    """Keep the query from its first street type on ("j'habite au 12 rue des Lilas")."""
    for position in range(len(tokens)):
        rest = " ".join(tokens[position:])
        if any(rest == kind or rest.startswith(kind + " ") for kind in STREET_TYPES):
            return tokens[position:]
    return tokens


class StreetIndex:
    """The commune's streets, searchable by approximate name."""

    def __init__(self, streets: Iterable[Street], commune_name: str = ""):
        self._commune_name = commune_name
        self._entries: List[Tuple[Street, List[_Analysed]]] = [
            (street, [analyse(name) for name in (street.name, *street.aliases)]) for street in streets
        ]

    def _score(self, query: _Analysed, names: Sequence[_Analysed]) -> float:
        best = 0.0
        for name in names:
            if not query.core:
                prefix = query.street_type and (name.text + " ").startswith(query.text + " ")
                score = TYPE_ONLY_SCORE if prefix else 0.0
            else:
                # Very short queries would match inside any longer name: compare them whole.
                scorer = fuzz.ratio if len(query.core) < SHORT_QUERY else fuzz.WRatio
                score = scorer(query.core, name.core) if name.core else 0.0
                if query.street_type and query.street_type != name.street_type:
                    score -= TYPE_MISMATCH_PENALTY
            best = max(best, score)
        return best

    def search(self, query: str, limit: int = 5, threshold: float = MATCH_THRESHOLD) -> List[StreetMatch]:
        """Streets matching `query`, best first, scores at least `threshold`."""
        analysed = analyse(query, is_query=True, commune_name=self._commune_name)
        if not analysed.text:
            return []
        scored = []
        for position, (street, names) in enumerate(self._entries):
            score = self._score(analysed, names)
            if score >= threshold:
                scored.append((-score, position, street))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [StreetMatch(street.name, street.sector, round(-score, 1)) for score, _, street in scored[:limit]]

    def resolve(self, query: str, limit: int = 5) -> StreetResolution:
        """One clear street for `query`, or the close candidates, or nothing."""
        matches = self.search(query, limit=max(limit, 2))
        if not matches:
            return StreetResolution(None, [])
        top = matches[0]
        close = [match for match in matches if match.score >= top.score - CLEAR_MARGIN - 5][:limit]
        perfect = [match for match in matches if match.score == 100.0]
        if len(perfect) == 1:
            return StreetResolution(perfect[0], close)
        runner_up = matches[1].score if len(matches) > 1 else 0.0
        if not perfect and top.score >= CLEAR_THRESHOLD and top.score - runner_up >= CLEAR_MARGIN:
            return StreetResolution(top, close)
        return StreetResolution(None, close)

    def find_exact(self, name: str) -> Optional[Street]:
        """The street whose official name or alias equals `name`, accents and case ignored."""
        key = fold(name)
        for street, _ in self._entries:
            if key in {fold(street.name), *(fold(alias) for alias in street.aliases)}:
                return street
        return None

    def suggest(self, name: str) -> Optional[str]:
        """Official name of the closest street, for "did you mean" messages."""
        matches = self.search(name, limit=1, threshold=60.0)
        return matches[0].name if matches else None
