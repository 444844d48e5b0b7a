"""Field types of the commune files, validated with French error messages.

Each type is a pydantic v1 custom type (``__get_validators__``): the YAML
value is checked and turned into a Python value (a `time`, a `TimeRange`,
a French weekday name...). Messages raised here are shown to the municipal
staff who edit the files, so they are French and quote the faulty value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Callable, Iterator, Tuple

from ..text import fold
from ..wording import WEEKDAYS

Validator = Callable[[Any], Any]

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_RANGE = re.compile(r"^\s*(\S+)\s*-\s*(\S+)\s*$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_POSTAL_CODE = re.compile(r"^\d{5}$")
_PHONE_DIGITS = re.compile(r"^(0\d{9}|\d{2,6})$")


def _text(value: Any) -> str:
    """Render a YAML value for an error message."""
    return str(value).strip()


def parse_hhmm(value: Any) -> time:
    """Parse "HH:MM" (24-hour clock) into a `time`."""
    return _parse_time(value)


def _parse_time(value: Any, within: str = "") -> time:
    """Parse "HH:MM"; `within` names the range the time comes from, for the message."""
    if isinstance(value, time):
        return value
    match = _HHMM.match(_text(value)) if isinstance(value, str) else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        where = f" dans la plage « {within} »" if within else ""
        raise ValueError(f"heure invalide « {_text(value)} »{where} (format attendu HH:MM, par exemple 08:30)")
    return time(int(match.group(1)), int(match.group(2)))


class ClockTime:
    """A clock time written "HH:MM"; validated into a `datetime.time`."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield parse_hhmm


@dataclass(frozen=True, order=True)
class TimeRange:
    """A time window of one day, written "HH:MM-HH:MM" (end after start)."""

    start: time
    end: time

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield cls.parse

    @classmethod
    def parse(cls, value: Any) -> "TimeRange":
        if isinstance(value, TimeRange):
            return value
        match = _RANGE.match(value) if isinstance(value, str) else None
        if not match:
            raise ValueError(
                f"plage horaire invalide « {_text(value)} » (format attendu HH:MM-HH:MM, "
                "par exemple 08:30-12:00)"
            )
        start, end = _parse_time(match.group(1), _text(value)), _parse_time(match.group(2), _text(value))
        if end <= start:
            raise ValueError(f"plage horaire invalide « {_text(value)} » : la fin doit être après le début")
        return cls(start, end)

    def as_tuple(self) -> Tuple[time, time]:
        return (self.start, self.end)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_weekday(value: Any) -> str:
    """Validate a French weekday name ("lundi"...) and return it folded."""
    name = fold(value) if isinstance(value, str) else ""
    if name not in WEEKDAYS:
        raise ValueError(f"jour invalide « {_text(value)} » (jours possibles : {', '.join(WEEKDAYS)})")
    return name


class Weekday(str):
    """A French weekday name, lower case without accents: "lundi" ... "dimanche"."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield parse_weekday


def weekday_index(name: str) -> int:
    """Index of a French weekday name, Monday = 0."""
    return WEEKDAYS.index(name)


@dataclass(frozen=True, order=True)
class MonthDay:
    """A day of the year without year, written "MM-DD" (e.g. "04-01" for 1 April)."""

    month: int
    day: int

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield cls.parse

    @classmethod
    def parse(cls, value: Any) -> "MonthDay":
        if isinstance(value, MonthDay):
            return value
        match = _MONTH_DAY.match(_text(value)) if isinstance(value, str) else None
        try:
            if not match:
                raise ValueError
            date(2024, int(match.group(1)), int(match.group(2)))  # 2024: leap year, accepts 02-29
        except ValueError:
            raise ValueError(f"jour de l'année invalide « {_text(value)} » (format attendu MM-JJ, par exemple 04-01)") from None
        return cls(int(match.group(1)), int(match.group(2)))

    def key(self) -> Tuple[int, int]:
        return (self.month, self.day)


def parse_iso_date(value: Any) -> date:
    """Accept a YAML date or an ISO "YYYY-MM-DD" string."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"date invalide « {_text(value)} » (format attendu AAAA-MM-JJ, par exemple 2026-12-24)")


class IsoDate(date):
    """A calendar date written "YYYY-MM-DD"."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield parse_iso_date


def parse_identifier(value: Any) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value.strip()):
        raise ValueError(
            f"identifiant invalide « {_text(value)} » (lettres minuscules sans accent, chiffres et _ "
            "uniquement, par exemple etat_civil)"
        )
    return value.strip()


class Identifier(str):
    """A code name such as "etat_civil": lower-case ASCII letters, digits and underscores."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield parse_identifier


def parse_phone(value: Any) -> str:
    text = _text(value)
    digits = re.sub(r"[\s.\-]", "", text)
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    if not _PHONE_DIGITS.match(digits):
        raise ValueError(f"numéro de téléphone invalide « {text} » (par exemple 02 61 91 00 00)")
    return text


class Phone(str):
    """A French phone number: ten digits, or a short number such as 15 or 3237."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield parse_phone


def parse_email(value: Any) -> str:
    text = _text(value)
    if not _EMAIL.match(text):
        raise ValueError(f"adresse e-mail invalide « {text} »")
    return text


class Email(str):
    """An e-mail address."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield parse_email


def parse_postal_code(value: Any) -> str:
    text = _text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:05d}"
    if not _POSTAL_CODE.match(text):
        raise ValueError(f"code postal invalide « {_text(value)} » (cinq chiffres)")
    return text


class PostalCode(str):
    """A French postal code: five digits."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield parse_postal_code


def parse_text(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        raise ValueError("texte attendu")
    text = _text(value)
    if not text:
        raise ValueError("texte vide")
    return text


class Text(str):
    """A non-empty piece of French text (surrounding spaces removed)."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield parse_text
