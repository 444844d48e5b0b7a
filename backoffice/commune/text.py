"""Text normalisation for fuzzy look-ups: accents, case, punctuation, stop words.

Everything the citizen types is compared in a "folded" form: lower case,
without accents or ligatures, apostrophes and hyphens turned into spaces,
single spaces. Helpers here never know about streets or bins; those modules
add their own vocabulary on top.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, List

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z°]+")

#: Short French words that carry no meaning for a look-up.
FRENCH_STOP_WORDS = frozenset(
    "a au aux c ce ces cet cette d de des du en et j je l la le les m ma mes mon "
    "n ne on ou par pour qu que s sa se ses son sur t ta tes ton un une y".split()
)


def fold(text: str) -> str:
    """Lower-case `text`, drop accents and punctuation, collapse spaces.

    >>> fold("  Rue de l'Église-Saint-Martin ")
    'rue de l eglise saint martin'
    """
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def words(text: str) -> List[str]:
    """The folded words of `text`."""
    return fold(text).split()


def without_stop_words(tokens: Iterable[str], stop_words: Iterable[str] = FRENCH_STOP_WORDS) -> List[str]:
    """`tokens` minus the given stop words (French ones by default)."""
    stop = frozenset(stop_words)
    return [token for token in tokens if token not in stop]


def singular(token: str) -> str:
    """Crude French singular: drop a final s or x on words longer than three letters."""
    if len(token) > 3 and token[-1] in "sx" and not token.endswith("ss"):
        return token[:-1]
    return token
