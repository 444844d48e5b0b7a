"""French dates as citizens write them: appointment wishes, past event dates, French wording.

`parse_date_wish` turns "mardi prochain le matin", "après le 15", "la semaine prochaine",
"le 3 décembre à 14h30"... into a :class:`DateWish` (earliest day, latest day, part of
the day, exact time), or an :class:`UnusableDate` whose French ``reason`` says why it
cannot be used ("31 février", a date already past, nothing recognisable). Calendar
arithmetic is done by dateparser (French, day-month order, future dates preferred,
relative to today in Europe/Paris); this module only adds what dateparser does not know:
periods ("semaine prochaine", "début mars"), bounds ("après le 15", "avant le 20 juin"),
parts of the day and impossible dates. ``today`` is a parameter so tests can fix it.

`parse_event_date` does the same for a date in the past (birth, marriage, death).
The ``french_*`` helpers write dates and times the French way for messages and buttons.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List, Optional, Tuple, Union
from zoneinfo import ZoneInfo

import dateparser
from dateparser.search import search_dates

PARIS = ZoneInfo("Europe/Paris")

MORNING = "matin"
AFTERNOON = "après-midi"
#: How far ahead a wish without an end ("au plus tôt", "après le 15") looks, in days.
DEFAULT_SPAN_DAYS = 14

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
SHORT_WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                "oct.", "nov.", "déc.")

EXAMPLES = "par exemple « demain », « jeudi après-midi » ou « le 15 décembre »"
NOT_UNDERSTOOD = f"Je n'ai pas reconnu de date dans votre message. Pouvez-vous me l'indiquer, {EXAMPLES} ?"


def _plain(text: str) -> str:
    """Lower case, without accents, typographic apostrophes and extra spaces."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip()


_PLAIN_MONTHS = tuple(_plain(m) for m in MONTHS)
_PLAIN_WEEKDAYS = tuple(_plain(d) for d in WEEKDAYS)
_MONTH_RE = "|".join(_PLAIN_MONTHS)
_WEEKDAY_RE = "|".join(_PLAIN_WEEKDAYS)


def paris_today() -> date:
    return datetime.now(PARIS).date()


# --------------------------------------------------------------------------- wording

def french_date(day: date, weekday: bool = True, year: bool = False) -> str:
    """'mardi 1er décembre' (with the year when asked)."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS[day.month - 1]}"
    if weekday:
        text = f"{WEEKDAYS[day.weekday()]} {text}"
    return f"{text} {day.year}" if year else text


def french_time(moment: Union[time, datetime]) -> str:
    """'9 h 30', '14 h'."""
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def french_datetime(moment: datetime, year: bool = False) -> str:
    """'mardi 1er décembre à 9 h 30'."""
    return f"{french_date(moment.date(), year=year)} à {french_time(moment)}"


def slot_title(moment: datetime) -> str:
    """Short button title, at most 20 characters: 'mar. 1 déc. 9 h 30'."""
    day = f"{SHORT_WEEKDAYS[moment.weekday()]} {moment.day} {SHORT_MONTHS[moment.month - 1]}"
    title = f"{day} {french_time(moment)}"
    return title if len(title) <= 20 else f"{day} {moment.hour}h{moment.minute:02d}"


# --------------------------------------------------------------------------- results

@dataclass(frozen=True)
class DateWish:
    """When the citizen would like to come: a range of days, optionally a part of the
    day (``MORNING``/``AFTERNOON``) and an exact time."""

    earliest: date
    latest: date
    part_of_day: Optional[str] = None
    at: Optional[time] = None
    asap: bool = False
    #: False when only a time or a part of the day was said ("plutôt l'après-midi").
    day_given: bool = True

    def to_slot(self) -> Dict[str, Any]:
        return {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat(),
                "part_of_day": self.part_of_day,
                "time": self.at.strftime("%H:%M") if self.at else None, "asap": self.asap,
                "day_given": self.day_given}

    def within(self, days: "DateWish") -> "DateWish":
        """This time or part of the day, on the days of ``days`` (when no day was given)."""
        if self.day_given:
            return self
        return DateWish(days.earliest, days.latest, self.part_of_day, self.at, days.asap)

    @classmethod
    def from_slot(cls, value: Any) -> Optional["DateWish"]:
        """The wish stored in a slot by :meth:`to_slot`, or None if absent or damaged."""
        if not isinstance(value, dict):
            return None
        try:
            at = value.get("time")
            return cls(earliest=date.fromisoformat(value["earliest"]),
                       latest=date.fromisoformat(value["latest"]),
                       part_of_day=value.get("part_of_day"),
                       at=time.fromisoformat(at) if at else None,
                       asap=bool(value.get("asap")), day_given=value.get("day_given", True) is not False)
        except (KeyError, TypeError, ValueError):
            return None

    def accepts(self, moment: datetime) -> bool:
        """Whether a slot starting at ``moment`` fits the part of the day asked for."""
        if self.part_of_day == MORNING:
            return moment.hour < 12
        if self.part_of_day == AFTERNOON:
            return moment.hour >= 12
        return True

    def describe(self) -> str:
        """French wording of the wish: 'le mardi 1er décembre, le matin'."""
        if self.asap:
            text = "au plus tôt"
        elif self.earliest == self.latest:
            text = f"le {french_date(self.earliest)}"
        else:
            text = f"entre le {french_date(self.earliest)} et le {french_date(self.latest)}"
        if self.at:
            text += f", vers {french_time(self.at)}"
        elif self.part_of_day == MORNING:
            text += ", le matin"
        elif self.part_of_day == AFTERNOON:
            text += ", l'après-midi"
        return text


@dataclass(frozen=True)
class UnusableDate:
    """A date that cannot be used, with the French explanation to give the citizen."""

    reason: str


WishResult = Union[DateWish, UnusableDate]

# --------------------------------------------------------------------------- pieces

_PARTS = (
    (r"\b(?:en |dans la |le |la )?(?:matin(?:ee)?|avant midi)\b", MORNING),
    (r"\b(?:en |dans l'|l'|le |la |en fin d'|en fin de )?(?:apres[ -]?midi|aprem|apm|"
     r"fin de journee|fin d'apres[ -]?midi|soir(?:ee)?)\b", AFTERNOON),
)
_TIME_RE = re.compile(r"\b(?:a |vers |pour |des |avant |apres )?(\d{1,2}) ?(?:h|heures?|:) ?(\d{2})?\b")
_NOON_RE = re.compile(r"\b(?:a |vers )?midi\b")
_ASAP_RE = re.compile(r"\b(au plus tot|des que possible|le plus tot|au plus vite|le plus vite|"
                      r"rapidement|urgent|urgence|n'importe quand|n'importe quel jour|"
                      r"peu importe|quand vous voulez|premier creneau|prochain creneau)\b")
_PAST_RE = re.compile(r"\b(hier|avant-hier|dernier|derniere|passee|(?:mois|an|annee) passe|il y a)\b")
_YEAR_RE = re.compile(r"\b\d{4}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_DAY_ONLY_RE = re.compile(r"^(?:le |au |du )?(\d{1,2})(?:er|e|eme)?$")
_NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
_WORDED_DATE_RE = re.compile(rf"\b(\d{{1,2}})(?: ?er)? ({_MONTH_RE})(?: (\d{{4}}))?\b")
_FILLER_RE = re.compile(
    r"\b(non|oui|ok|d'accord|plutot|plutôt|svp|s'il vous plait|stp|merci|c'est possible|"
    r"si possible|si c'est possible|de preference|ca m'arrange|ca me va|ca irait|je suis dispo|"
    r"je suis disponible|je prefererais|je prefere|je voudrais|je souhaite|un rendez-vous|"
    r"un rdv|rdv|pour|en fait)\b|[?!.,;]")


def _take_part_of_day(text: str) -> Tuple[Optional[str], str]:
    for pattern, part in _PARTS:
        if re.search(pattern, text):
            return part, re.sub(pattern, " ", text)
    return None, text


def _take_time(text: str) -> Tuple[Optional[Union[time, str]], str]:
    """The (first) exact time asked for, and the text without any time; a French
    explanation (str) instead of the time when it does not exist ("25h")."""
    matches = list(_TIME_RE.finditer(text))
    rest = re.sub(r"\bentre\s+et\b", " ", _NOON_RE.sub(" ", _TIME_RE.sub(" ", text)))
    if matches:
        hour, minute = int(matches[0].group(1)), int(matches[0].group(2) or 0)
        if hour > 23 or minute > 59:
            return (f"L'heure « {hour} h {minute:02d} » n'existe pas. "
                    "Indiquez par exemple « 9 h 30 » ou « 14 h ».", rest)
        return time(hour, minute), rest
    if _NOON_RE.search(text):
        return time(12, 0), rest
    return None, text


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _impossible(text: str, today: date) -> Optional[str]:
    """Why a date written in ``text`` does not exist (31 février, 12/13), else None."""
    for match in _WORDED_DATE_RE.finditer(text):
        day, month = int(match.group(1)), _PLAIN_MONTHS.index(match.group(2)) + 1
        year = int(match.group(3)) if match.group(3) else None
        if _valid(day, month, year):
            continue
        return _impossible_reason(day, month, year, today)
    for match in _NUMERIC_DATE_RE.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        year = _full_year(match.group(3))
        if 1 <= month <= 12 and _valid(day, month, year):
            continue
        if not 1 <= month <= 12:
            return f"La date « {match.group(0)} » n'existe pas : il n'y a que 12 mois. {EXAMPLES.capitalize()}."
        return _impossible_reason(day, month, year, today)
    return None


def _full_year(raw: Optional[str]) -> Optional[int]:
    if not raw:
        return None
    year = int(raw)
    return year + 2000 if year < 100 else year


def _valid(day: int, month: int, year: Optional[int]) -> bool:
    if day < 1:
        return False
    if year is not None:
        return day <= _days_in_month(year, month)
    return day <= (29 if month == 2 else _days_in_month(2001, month))


def _impossible_reason(day: int, month: int, year: Optional[int], today: date) -> str:
    name = MONTHS[month - 1]
    if day < 1:
        return f"Le jour « {day} » n'existe pas. Pouvez-vous m'indiquer une autre date, {EXAMPLES} ?"
    if year is None:
        year = today.year if month >= today.month else today.year + 1
    length = _days_in_month(year, month)
    return (f"Le {day} {name} n'existe pas : en {year}, {name} ne compte que {length} jours. "
            f"Pouvez-vous m'indiquer une autre date, {EXAMPLES} ?")


def _settings(today: date, prefer: str) -> Dict[str, Any]:
    return {"DATE_ORDER": "DMY", "PREFER_DATES_FROM": prefer,
            "RELATIVE_BASE": datetime.combine(today, time(0, 0)),
            "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}


def _looks_like_date(fragment: str) -> bool:
    """search_dates finds dates in 'je' or 'me' (short weekday names): keep real ones."""
    words = set(re.findall(r"[a-z'-]+", fragment))
    vocabulary = set(_PLAIN_WEEKDAYS) | set(_PLAIN_MONTHS) | {
        "demain", "apres-demain", "aujourd'hui", "semaine", "semaines", "jours", "mois"}
    return bool(words & vocabulary) or bool(re.search(r"\d", fragment))


def _dateparser(expr: str, today: date, prefer: str = "future") -> Optional[date]:
    expr = expr.strip()
    if not expr:
        return None
    settings = _settings(today, prefer)
    found = dateparser.parse(expr, languages=["fr"], settings=settings)
    if found is None:
        for fragment, value in search_dates(expr, languages=["fr"], settings=settings) or []:
            if _looks_like_date(fragment):
                found = value
                break
    return found.date() if found else None


def _add_month(day: date, number: int) -> date:
    """The day ``number`` of the month after ``day``'s month (or the one after)."""
    year, month = day.year, day.month
    for _ in range(12):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        if number <= _days_in_month(year, month):
            return date(year, month, number)
    return day  # pragma: no cover - every number <= 31 fits in some month of a year


def _has_month(expr: str) -> bool:
    return bool(re.search(rf"\b({_MONTH_RE})\b", expr)) or bool(_NUMERIC_DATE_RE.search(expr))


def _single_day(expr: str, today: date) -> Optional[date]:
    """One day from a French expression: 'mardi prochain', 'le 3', '3 décembre', 'demain'."""
    next_week = bool(re.search(r"\bprochaine?\b", expr))
    expr = re.sub(r"\bprochaine?\b|^(?:un|une|ce|cette|le) (?=(?:" + _WEEKDAY_RE + r")\b)",
                  " ", expr)
    expr = re.sub(r"\s+", " ", expr).strip()
    if not expr:
        return None
    day_only = _DAY_ONLY_RE.match(expr)
    found = _dateparser(expr, today)
    if found is None and day_only and 1 <= int(day_only.group(1)) <= 31:
        number = int(day_only.group(1))
        found = (date(today.year, today.month, number)
                 if number <= _days_in_month(today.year, today.month) else None)
        found = found or _add_month(today, number)
    if found is None:
        return None
    if found < today and not _has_month(expr) and not _YEAR_RE.search(expr) and \
            not _PAST_RE.search(expr):
        found = _add_month(found, found.day)  # "le 3" said on the 23rd: next month's 3rd
    if next_week:
        monday = today + timedelta(days=7 - today.weekday())
        if found < monday:
            found += timedelta(days=7)
    return found


def _month_window(expr: str, today: date) -> Optional[Tuple[date, date]]:
    """'début mars', 'mi-mars', 'fin mars', 'en mars', 'mars 2027'."""
    match = re.search(rf"\b(?:(debut|mi|fin|courant|en|au mois de|dans le mois de)[ -]?)?"
                      rf"({_MONTH_RE})(?: (\d{{4}}))?$", expr)
    if not match or re.search(r"\d", expr[:match.start()]):
        return None
    month = _PLAIN_MONTHS.index(match.group(2)) + 1
    year = int(match.group(3)) if match.group(3) else (
        today.year if month >= today.month else today.year + 1)
    last = _days_in_month(year, month)
    bounds = {"debut": (1, 10), "mi": (11, 20), "fin": (21, last)}.get(match.group(1), (1, last))
    return date(year, month, bounds[0]), date(year, month, bounds[1])


def _week_window(expr: str, today: date) -> Optional[Tuple[date, date]]:
    if re.search(r"\bsemaine (?:prochaine|d'apres)\b|\bprochaine semaine\b", expr):
        monday = today + timedelta(days=7 - today.weekday())
        return monday, monday + timedelta(days=6)
    if re.search(r"\b(?:cette|en) semaine\b", expr):
        return today, today + timedelta(days=6 - today.weekday())
    match = re.search(r"\bsemaine du (.+)$", expr)
    if match:
        day = _single_day(match.group(1), today)
        if day:
            monday = day - timedelta(days=day.weekday())
            return monday, monday + timedelta(days=6)
    if re.search(r"\b(?:ce )?week-?end\b", expr):
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        return saturday, saturday + timedelta(days=1)
    return None


def _bounded_window(expr: str, today: date) -> Optional[Tuple[date, date]]:
    """'après le 15', 'à partir du 3', 'avant le 20 juin', 'entre le 3 et le 10'."""
    span = timedelta(days=DEFAULT_SPAN_DAYS - 1)
    match = re.search(r"\b(?:entre|du) (?:le )?(.+?) (?:et|au) (?:le )?(.+)$", expr)
    if match:
        first = _single_day(match.group(1), today)
        second = _single_day(match.group(2), first or today)
        if first and second:
            return (first, second) if first <= second else (second, first)
    match = re.search(r"\b(?:apres (?:le |la |l')?|passe le )(.+)$", expr)
    if match:
        bound = _single_day(match.group(1), today)
        if bound:
            return bound + timedelta(days=1), bound + timedelta(days=1) + span
    match = re.search(r"\b(?:a partir d[ue]|a compter d[ue]|des le|des) (?:le |la |l')?(.+)$", expr)
    if match:
        bound = _single_day(match.group(1), today)
        if bound:
            return bound, bound + span
    match = re.search(r"\bavant (?:le |la |l')?(.+)$", expr)
    if match:
        bound = _single_day(match.group(1), today) or _month_start(match.group(1), today)
        if bound:
            return today, bound - timedelta(days=1)
    match = re.search(r"\b(?:au plus tard|d'ici|jusqu'au|jusqu'a) (?:le |la |l')?(.+)$", expr)
    if match:
        bound = _single_day(match.group(1), today)
        if bound:
            return today, bound
    return None


def _month_start(expr: str, today: date) -> Optional[date]:
    window = _month_window(expr.strip(), today)
    return window[0] if window else None


def _clean(text: str) -> str:
    text = _FILLER_RE.sub(" ", text)
    text = re.sub(r"\b(?:le|la|l') (?=(?:" + _WEEKDAY_RE + r")\b)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _window(expr: str, today: date) -> Optional[Tuple[date, date, bool]]:
    if _ASAP_RE.search(expr):
        return today, today + timedelta(days=DEFAULT_SPAN_DAYS - 1), True
    for finder in (_week_window, _bounded_window, _month_window):
        found = finder(expr, today)
        if found:
            return found[0], found[1], False
    day = _single_day(expr, today)
    return (day, day, False) if day else None


# --------------------------------------------------------------------------- entry points

def _wish_parts(text: str, today: date) -> Union[UnusableDate, Tuple[Optional[str], Optional[time], str]]:
    """The part of the day, the time and the rest of a wish's words, or why they are unusable."""
    plain = _plain(text)
    if not plain:
        return UnusableDate(NOT_UNDERSTOOD)
    impossible = _impossible(plain, today)
    if impossible:
        return UnusableDate(impossible)
    part, rest = _take_part_of_day(plain)
    at, rest = _take_time(rest)
    if isinstance(at, str):
        return UnusableDate(at)
    return part, at, _clean(rest)


def _wish_of(part: Optional[str], at: Optional[time], expr: str, today: date) -> WishResult:
    if _PAST_RE.search(expr):
        return UnusableDate("Cette date est déjà passée : je ne peux proposer que des "
                            f"rendez-vous à venir. Quel jour vous arrangerait, {EXAMPLES} ?")
    window = _window(expr, today) if expr else None
    if window is None:
        if part or at:
            return DateWish(today, today + timedelta(days=DEFAULT_SPAN_DAYS - 1), part, at,
                            asap=True, day_given=False)
        return UnusableDate(NOT_UNDERSTOOD)
    earliest, latest, asap = window
    if latest < today:
        when = (f"Le {french_date(latest, year=True)} est déjà passé" if earliest == latest
                else "Cette période est déjà passée")
        return UnusableDate(f"{when} : je ne peux proposer que des rendez-vous à venir. "
                            f"Quel jour vous arrangerait, {EXAMPLES} ?")
    return DateWish(max(earliest, today), latest, part, at, asap)


def parse_date_wish(text: str, today: Optional[date] = None) -> WishResult:
    """When the citizen would like an appointment, from their own words."""
    today = today or paris_today()
    parts = _wish_parts(text, today)
    return parts if isinstance(parts, UnusableDate) else _wish_of(*parts, today)


def parse_time_wish(text: str, today: Optional[date] = None) -> Optional[DateWish]:
    """``parse_date_wish(text)`` when it is a wish that names a time of day, else None:
    what picking one of the offered slots by its time needs ("celui de 10h"). Words
    without a time are not read further (the days are dateparser's work, most of the
    action server's CPU on the messages of a booking)."""
    today = today or paris_today()
    parts = _wish_parts(text, today)
    if isinstance(parts, UnusableDate) or parts[1] is None:
        return None
    wish = _wish_of(*parts, today)
    return wish if isinstance(wish, DateWish) else None


EVENT_EXAMPLE = "par exemple « 12 avril 1985 » ou « 12/04/1985 »"


def parse_event_date(text: str, today: Optional[date] = None) -> Union[date, UnusableDate]:
    """The full date (day, month, year) of a past event: a birth, a marriage, a death."""
    today = today or paris_today()
    plain = _plain(text)
    impossible = _impossible(plain, today)
    if impossible:
        return UnusableDate(impossible.split(" Pouvez-vous")[0] +
                            f" Pouvez-vous vérifier la date, {EVENT_EXAMPLE} ?")
    _, without_time = _take_time(plain)
    expr = _clean(re.sub(r"\b(?:ne|nee|marie|mariee|decede|decedee|mort|morte|le|la|en)\b", " ",
                         without_time))
    if not _YEAR_RE.search(expr) and not re.search(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2}\b", expr):
        return UnusableDate(f"Merci d'indiquer la date complète, avec le jour, le mois et l'année, {EVENT_EXAMPLE}.")
    found = _dateparser(expr, today, prefer="past")
    if found is None or not re.search(r"\d{1,2}\D+\d{2,4}|\d{1,2} ?(?:er)? ?[a-z]+ \d{2,4}", expr):
        return UnusableDate(f"Je n'ai pas reconnu cette date. Pouvez-vous l'écrire avec le jour, le mois et l'année, {EVENT_EXAMPLE} ?")
    if found > today:
        return UnusableDate(f"Le {french_date(found, year=True)} est dans le futur : merci "
                            f"d'indiquer la date de l'événement, {EVENT_EXAMPLE}.")
    if found.year < 1800:
        return UnusableDate("La mairie ne délivre pas d'acte pour un événement antérieur à 1800. "
                            "Pouvez-vous vérifier l'année ?")
    return found


def wish_text(values: List[Any]) -> str:
    """Joins the date and time entity values of a message into one expression."""
    return " ".join(str(v) for v in values if isinstance(v, (str, int)) and str(v).strip())
