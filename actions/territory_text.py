"""Text helpers of the territory flows: reading what citizens type, writing French.

Citizen input is cleaned here (control characters, spaces, length) and searched for
numbers and house numbers (e-mail addresses and phone numbers are checked by
actions.citizen_forms); dates and prices coming from the back
office are written the French way ("mardi 2 décembre", "1,20 €").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from typing import Any, Dict, Iterable, List, Optional

from actions.dates import (WEEKDAYS, DateWish, UnusableDate, french_date, french_time, parse_date_wish,
                           wish_text)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,](\d+))?")
_HOUSE_NUMBER = re.compile(r"^\s*(?:n[°o]\s*)?(\d{1,4})\s*(bis|ter|[a-d])?\b", re.IGNORECASE)


def fold(text: Any) -> str:
    """Lower case, accents removed, spaces collapsed: for comparing what people type."""
    if not isinstance(text, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe").replace("’", "'"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip()


def clean_input(text: Any, max_length: int = 500) -> Optional[str]:
    """Citizen text fit to store and show: printable, one-spaced, at most ``max_length``.

    Returns None when nothing is left (empty, only spaces or control characters).
    """
    if not isinstance(text, str):
        return None
    cleaned = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
    if not cleaned:
        return None
    return cleaned[:max_length].rstrip()


def first_number(text: Any) -> Optional[float]:
    """The first number written in ``text`` ("25 m²" -> 25, "12,5" -> 12.5), or None."""
    if not isinstance(text, str):
        return None
    match = _NUMBER.search(text)
    if not match:
        return None
    whole = re.sub(r"[ \u00a0]", "", match.group(1))
    return float(f"{whole}.{match.group(2)}" if match.group(2) else whole)


_NUMBER_BEFORE_STREET = re.compile(
    r"\b(\d{1,4})\s*(bis|ter)?\s*,?\s+(?=(?:rue|r\.|av|avenue|bd|boulevard|place|pl|chemin|allee|"
    r"impasse|route|quai|cours|square)\b)", re.IGNORECASE)


def house_number_in(text: Any) -> Optional[str]:
    """The house number written just before a street type anywhere in ``text``, or None."""
    match = _NUMBER_BEFORE_STREET.search(fold(text))
    return " ".join(part for part in match.groups() if part) if match else None


def names_a_street(text: Any) -> bool:
    """Whether ``text`` contains a street type word ("rue", "avenue", "place"…)."""
    return bool(re.search(r"\b(?:rue|avenue|av|bd|boulevard|place|chemin|allee|impasse|route|quai|"
                          r"cours|square)\b", fold(text)))


def house_number(text: Any) -> Optional[str]:
    """The house number a street address starts with ("12 bis rue…" -> "12 bis"), or None."""
    match = _HOUSE_NUMBER.match(text) if isinstance(text, str) else None
    if not match:
        return None
    return " ".join(part for part in match.groups() if part)


def matches_any(text: Any, patterns: Iterable[str]) -> bool:
    """Whether any regular expression of ``patterns`` is found in the folded ``text``."""
    folded = fold(text)
    return any(re.search(pattern, folded) for pattern in patterns)


def when_asked(values: Iterable[Any], today: Optional[date] = None) -> Optional[Any]:
    """The day (and time) meant by the date/time entity values of a message.

    None when the message names no date; a ``DateWish`` (earliest/latest day, time) or an
    ``UnusableDate`` with its French reason otherwise (parsed by actions.dates).
    """
    text = wish_text(list(values))
    if not text:
        return None
    result = parse_date_wish(text, today)
    return result if isinstance(result, (DateWish, UnusableDate)) else None


#: A scored search result (0-100) is clearly meant when it is the only perfect one, or
#: good enough and well ahead of the next one (the back office's own street rule).
PERFECT_SCORE = 100.0
CLEAR_SCORE = 80.0
CLEAR_MARGIN = 10.0


def clear_winner(matches: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The one result of a fuzzy search (best first, each with a "score") clearly meant."""
    if not matches:
        return None
    perfect = [m for m in matches if m.get("score", 0) >= PERFECT_SCORE]
    if len(perfect) == 1:
        return perfect[0]
    top = matches[0]
    runner_up = matches[1].get("score", 0) if len(matches) > 1 else 0.0
    if not perfect and top.get("score", 0) >= CLEAR_SCORE and top["score"] - runner_up >= CLEAR_MARGIN:
        return top
    return None


# -- French wording --------------------------------------------------------------------
def to_date(value: Any) -> Optional[date]:
    """A date from a date, a datetime or an ISO string; None when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date() if "T" in value \
                else date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def format_day(value: Any, today: Optional[date] = None) -> str:
    """ "mardi 2 décembre"; "aujourd'hui (lundi)" or "demain (mardi)" relative to ``today``."""
    day = to_date(value)
    if day is None:
        return str(value)
    if today is not None:
        delta = (day - today).days
        if delta == 0:
            return f"aujourd'hui ({WEEKDAYS[day.weekday()]})"
        if delta == 1:
            return f"demain ({WEEKDAYS[day.weekday()]})"
    return french_date(day, year=today is not None and day.year != today.year)


def format_clock(value: Any) -> str:
    """ "8 h 30", "17 h" from a time, a datetime or an ISO / "HH:MM" string."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else time.fromisoformat(value[:5])
        except ValueError:
            return value
    if not isinstance(value, (time, datetime)):
        return str(value)
    return french_time(value)


def format_price(value: Any) -> str:
    """ "1,20 €", "30 €", "gratuit"."""
    try:
        euros = float(value)
    except (TypeError, ValueError):
        return str(value)
    if euros == 0:
        return "gratuit"
    return f"{int(euros)} €" if euros.is_integer() else f"{euros:.2f} €".replace(".", ",")


def join_words(items: Iterable[str], last: str = "et") -> str:
    """ "a, b et c"."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def bullet_list(items: Iterable[str], limit: int = 12) -> str:
    """One "• item" per line, at most ``limit`` lines."""
    lines: List[str] = [f"• {item}" for item in items if item][:limit]
    return "\n".join(lines)


def first_upper(text: str) -> str:
    """The text with its first letter in upper case, the rest untouched ("rue X" -> "Rue X")."""
    return text[:1].upper() + text[1:]


def first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def short_title(text: str, limit: int = 20) -> str:
    """A button title of at most ``limit`` characters (Messenger truncates longer ones)."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
