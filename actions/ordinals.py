"""Choosing one of the offered buttons by its rank: "le deuxième", "la 1re", "le 3e", "le dernier".

:func:`chosen_rank` reads a short answer that only names a rank (with an optional
"le", "celui", "créneau", "s'il vous plaît"…), so that a date such as "le 3 mars" or
"la deuxième semaine" is never taken for a choice.
"""

from __future__ import annotations

import re
from typing import Any, Optional, Sequence, TypeVar

from actions.territory_text import fold

T = TypeVar("T")

_WORDS = {"premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "seconde": 2,
          "troisieme": 3, "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "septieme": 7,
          "huitieme": 8, "neuvieme": 9, "dixieme": 10, "dernier": -1, "derniere": -1}
_NUMBER = r"(?P<number>\d{1,2})\s*(?:er|ere|re|e|eme|ieme|nd|nde)"
_RANK = rf"(?:(?P<word>{'|'.join(_WORDS)})|{_NUMBER})"
_ANSWER = re.compile(
    rf"^(?:je (?:prends|choisis|veux|voudrais|prefere)\s+)?"
    rf"(?:(?:le|la|l|celui|celle)\s+)?(?:(?:creneau|choix|option|bouton|horaire|proposition)\s+)?"
    rf"{_RANK}"
    rf"(?:\s+(?:creneau|choix|option|bouton|horaire|proposition|propose|de la liste)){{0,2}}"
    rf"(?:\s+(?:svp|s il vous plait|s il te plait|merci))?$")


def chosen_rank(text: Any) -> Optional[int]:
    """1-based rank named by ``text`` (-1 for "le dernier"), or None."""
    folded = re.sub(r"[\W_]+", " ", fold(text)).strip() if isinstance(text, str) else ""
    match = _ANSWER.match(folded)
    if not match:
        return None
    if match.group("word"):
        return _WORDS[match.group("word")]
    number = int(match.group("number"))
    return number if number >= 1 else None


def pick_by_rank(text: Any, offered: Sequence[T]) -> Optional[T]:
    """The offered item whose rank ``text`` names, or None (no rank, or out of range)."""
    rank = chosen_rank(text)
    if rank is None or not offered:
        return None
    if rank == -1:
        return offered[-1]
    return offered[rank - 1] if rank <= len(offered) else None
