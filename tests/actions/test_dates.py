"""French date wishes and event dates, with today fixed to Monday 23 November 2026."""

from datetime import date, datetime, time

import pytest

from actions.dates import (AFTERNOON, MORNING, DateWish, UnusableDate, french_date,
                           french_datetime, french_time, parse_date_wish, parse_event_date,
                           parse_time_wish, slot_title)

TODAY = date(2026, 11, 23)  # a Monday


def wish(text: str, today: date = TODAY) -> DateWish:
    result = parse_date_wish(text, today)
    assert isinstance(result, DateWish), result
    return result


def unusable(text: str) -> str:
    result = parse_date_wish(text, TODAY)
    assert isinstance(result, UnusableDate), result
    return result.reason


@pytest.mark.parametrize("text, earliest, latest", [
    ("demain", date(2026, 11, 24), date(2026, 11, 24)),
    ("après-demain", date(2026, 11, 25), date(2026, 11, 25)),
    ("jeudi", date(2026, 11, 26), date(2026, 11, 26)),
    ("mardi prochain", date(2026, 12, 1), date(2026, 12, 1)),
    ("le 3", date(2026, 12, 3), date(2026, 12, 3)),           # the 3rd of this month is past
    ("le 30", date(2026, 11, 30), date(2026, 11, 30)),
    ("après le 15", date(2026, 12, 16), date(2026, 12, 29)),
    ("à partir du 3 décembre", date(2026, 12, 3), date(2026, 12, 16)),
    ("avant le 20 décembre", TODAY, date(2026, 12, 19)),
    ("la semaine prochaine", date(2026, 11, 30), date(2026, 12, 6)),
    ("cette semaine", TODAY, date(2026, 11, 29)),
    ("la semaine du 10 mars", date(2027, 3, 8), date(2027, 3, 14)),
    ("entre le 3 et le 10", date(2026, 12, 3), date(2026, 12, 10)),
    ("début février", date(2027, 2, 1), date(2027, 2, 10)),
    ("fin décembre", date(2026, 12, 21), date(2026, 12, 31)),
    ("le 2 novembre", date(2027, 11, 2), date(2027, 11, 2)),  # no year: the next one
    ("le 12/03", date(2027, 3, 12), date(2027, 3, 12)),
    ("le 3 décembre à 14h30", date(2026, 12, 3), date(2026, 12, 3)),
])
def test_days_of_a_wish(text, earliest, latest):
    result = wish(text)
    assert (result.earliest, result.latest) == (earliest, latest)


@pytest.mark.parametrize("said_on, text, day", [
    (date(2026, 12, 6), "mardi prochain", date(2026, 12, 8)),     # a Sunday: next week starts tomorrow
    (date(2026, 12, 5), "mardi prochain", date(2026, 12, 8)),     # a Saturday
    (date(2026, 12, 6), "dimanche prochain", date(2026, 12, 13)),
    (date(2026, 12, 1), "mardi prochain", date(2026, 12, 8)),     # a Tuesday: not today
    (date(2026, 12, 6), "lundi", date(2026, 12, 7)),
])
def test_next_weekday_follows_the_calendar_week(said_on, text, day):
    result = wish(text, said_on)
    assert result.earliest == result.latest == day


@pytest.mark.parametrize("text, part, at", [
    ("mardi prochain le matin", MORNING, None),
    ("jeudi après-midi", AFTERNOON, None),
    ("vendredi aprem", AFTERNOON, None),
    ("en fin de journée", AFTERNOON, None),
    ("le 3 décembre à 14h30", None, time(14, 30)),
    ("DEMAIN 10H", None, time(10, 0)),
    ("le 21 janvier à 11 heures", None, time(11, 0)),
    ("à midi", None, time(12, 0)),
])
def test_part_of_day_and_time(text, part, at):
    result = wish(text)
    assert (result.part_of_day, result.at) == (part, at)


@pytest.mark.parametrize("text", [
    "non, plutôt jeudi", "oui jeudi ça me va", "je suis dispo jeudi", "rdv passeport jeudi",
])
def test_words_around_the_date_are_ignored(text):
    assert wish(text).earliest == date(2026, 11, 26)


def test_as_soon_as_possible_or_only_a_time_looks_from_today():
    for text in ("au plus tôt", "le matin si possible", "à 14h30"):
        result = wish(text)
        assert result.earliest == TODAY and result.latest > TODAY
    assert wish("au plus tôt").day_given and not wish("à 14h30").day_given


def test_a_time_alone_keeps_the_days_already_chosen():
    thursday = wish("jeudi")
    afternoon = wish("plutôt l'après-midi").within(thursday)
    assert (afternoon.earliest, afternoon.latest, afternoon.part_of_day) == (
        thursday.earliest, thursday.latest, AFTERNOON)
    assert wish("vendredi").within(thursday).earliest == date(2026, 11, 27)


@pytest.mark.parametrize("text, expected", [
    ("31 février", "Le 31 février n'existe pas : en 2027, février ne compte que 28 jours"),
    ("le 31/04", "Le 31 avril n'existe pas"),
    ("le 32 décembre", "Le 32 décembre n'existe pas"),
    ("12/13", "il n'y a que 12 mois"),
    ("à 25h", "L'heure « 25 h 00 » n'existe pas"),
])
def test_impossible_dates_are_explained(text, expected):
    assert expected in unusable(text)


@pytest.mark.parametrize("text", ["hier", "lundi dernier", "le 2 novembre 2026",
                                  "la semaine dernière"])
def test_past_dates_are_explained(text):
    assert "passé" in unusable(text)


@pytest.mark.parametrize("text", ["", "   ", "bonjour", "pizza", "je m'appelle Jean"])
def test_no_date_asks_for_one(text):
    assert "Je n'ai pas reconnu de date" in unusable(text)


def test_the_29th_of_february_is_found_in_a_leap_year():
    assert wish("le 29 février").earliest == date(2028, 2, 29)


def test_a_wish_survives_a_slot_and_describes_itself():
    result = wish("mardi prochain le matin")
    assert DateWish.from_slot(result.to_slot()) == result
    assert result.describe() == "le mardi 1er décembre, le matin"
    assert DateWish.from_slot({"earliest": "not a date"}) is None
    assert DateWish.from_slot(None) is None


def test_a_wish_accepts_slots_of_its_part_of_day():
    morning = wish("jeudi matin")
    assert morning.accepts(datetime(2026, 11, 26, 9, 30))
    assert not morning.accepts(datetime(2026, 11, 26, 14, 0))


@pytest.mark.parametrize("text, expected", [
    ("12 avril 1985", date(1985, 4, 12)),
    ("12/04/1985", date(1985, 4, 12)),
    ("elle est née le 3 mars 1950", date(1950, 3, 3)),
    ("le 14 juin 2008 à 15h", date(2008, 6, 14)),
])
def test_event_dates(text, expected):
    assert parse_event_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("31 février 1990", "Le 31 février n'existe pas : en 1990"),
    ("12 avril", "avec le jour, le mois et l'année"),
    ("le 3 mars 2030", "est dans le futur"),
    ("3 mars 1750", "antérieur à 1800"),
])
def test_unusable_event_dates(text, expected):
    result = parse_event_date(text, TODAY)
    assert isinstance(result, UnusableDate) and expected in result.reason


def test_french_wording():
    moment = datetime(2026, 12, 1, 9, 30)
    assert french_date(moment.date()) == "mardi 1er décembre"
    assert french_date(date(2026, 12, 24), year=True) == "jeudi 24 décembre 2026"
    assert french_time(time(14, 0)) == "14 h"
    assert french_datetime(moment) == "mardi 1er décembre à 9 h 30"
    assert slot_title(moment) == "mar. 1 déc. 9 h 30"
    assert slot_title(datetime(2026, 9, 30, 14, 40)) == "mer. 30 sept. 14h40"  # 20 characters at most


TIME_TEXTS = ["celui de 10h", "jeudi à 14h30", "demain 9h", "à 25h", "le 31 février à 10h",
              "hier à 10h", "à midi", "mardi prochain vers 11 h", "10h le 3 janvier 2026",
              "le deuxième", "oui", "demain", "jeudi matin", "", "la semaine prochaine",
              "n'importe quand", "2", "plutôt l'après-midi", "le 31 février", "qsdf"]


@pytest.mark.parametrize("text", TIME_TEXTS)
def test_time_wish_is_the_date_wish_when_it_names_a_time(text):
    full = parse_date_wish(text, TODAY)
    expected = full if isinstance(full, DateWish) and full.at is not None else None
    assert parse_time_wish(text, TODAY) == expected


def test_time_wish_does_not_read_days_without_a_time(monkeypatch):
    import actions.dates as dates

    def no_days(*args):
        raise AssertionError("the days were read")

    monkeypatch.setattr(dates, "_window", no_days)
    for text in ("demain", "jeudi matin", "la semaine prochaine", "le deuxième", "oui"):
        assert parse_time_wish(text, TODAY) is None
    with pytest.raises(AssertionError):
        parse_time_wish("jeudi à 10h", TODAY)
