"""French wording of times, dates and weekdays, as read by citizens.

`format_time(time(8, 30))` gives "8 h 30", `format_date(date(2026, 11, 1))`
gives "dimanche 1er novembre". Kept free of any commune data.
"""

from __future__ import annotations

from datetime import date, time
from typing import Optional

#: Weekday names in French, Monday first (index = `date.weekday()`).
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def weekday_name(day: date) -> str:
    """French name of the weekday of `day` ("lundi"...)."""
    return WEEKDAYS[day.weekday()]


def format_time(value: time) -> str:
    """French clock time: "8 h 30", "17 h", "0 h 05"."""
    if value.minute:
        return f"{value.hour} h {value.minute:02d}"
    return f"{value.hour} h"


def format_date(day: date, *, weekday: bool = True, reference: Optional[date] = None) -> str:
    """French date: "lundi 11 novembre", "vendredi 1er janvier 2027".

    The year is written only when it differs from the year of `reference`
    (always omitted when no reference is given).
    """
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS[day.month - 1]}"
    if reference is not None and reference.year != day.year:
        text = f"{text} {day.year}"
    return f"{weekday_name(day)} {text}" if weekday else text


def format_price(euros: float) -> str:
    """French price: "1,20 €", "86 €", "gratuit" for zero."""
    if euros == 0:
        return "gratuit"
    if float(euros).is_integer():
        return f"{int(euros)} €"
    return f"{euros:.2f} €".replace(".", ",")
