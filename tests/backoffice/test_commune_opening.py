"""Public holidays, closures and opening status of the demo commune's services."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.commune import CommuneLookupError, holiday_name

from .test_commune_support import commune_demo, paris  # noqa: F401 (fixture)


@pytest.mark.parametrize("day,name", [
    (date(2027, 1, 1), "Jour de l'an"),
    (date(2027, 3, 29), "Lundi de Pâques"),
    (date(2027, 5, 1), "Fête du Travail"),
    (date(2027, 5, 6), "Ascension"),
    (date(2027, 5, 8), "Fête de la Victoire"),
    (date(2027, 5, 17), "Lundi de Pentecôte"),
    (date(2027, 7, 14), "Fête nationale"),
    (date(2027, 8, 15), "Assomption"),
    (date(2027, 11, 1), "Toussaint"),
    (date(2027, 11, 11), "Armistice"),
    (date(2027, 12, 25), "Noël"),
    (date(2026, 4, 6), "Lundi de Pâques"),
])
def test_french_public_holidays(commune_demo, day, name):
    assert holiday_name(day) == name
    assert commune_demo.holiday_name(day) == name


@pytest.mark.parametrize("day", [date(2027, 3, 28), date(2027, 3, 30), date(2026, 11, 23), date(2027, 12, 26)])
def test_ordinary_days_are_not_holidays(commune_demo, day):
    assert commune_demo.holiday_name(day) is None


def test_opening_windows_on_a_normal_day(commune_demo):
    assert commune_demo.opening_windows("etat_civil", date(2026, 11, 23)) == [
        (time(8, 30), time(12, 0)), (time(13, 30), time(17, 30))]
    assert commune_demo.opening_windows("etat_civil", date(2026, 11, 21)) == [(time(9, 0), time(12, 0))]
    assert commune_demo.closure_reason("etat_civil", date(2026, 11, 23)) is None


@pytest.mark.parametrize("service,day,reason", [
    ("etat_civil", date(2026, 11, 11), "jour férié : Armistice"),
    ("etat_civil", date(2026, 11, 22), "fermé le dimanche"),
    ("urbanisme", date(2026, 11, 23), "fermé le lundi"),
    ("etat_civil", date(2027, 11, 12), "fermeture exceptionnelle : pont du 11 Novembre"),
    ("urbanisme", date(2027, 8, 10), "fermeture exceptionnelle : fermeture estivale du service"),
    ("ccas", date(2027, 5, 7), "fermeture exceptionnelle : pont de l'Ascension"),
])
def test_closure_reasons(commune_demo, service, day, reason):
    assert commune_demo.closure_reason(service, day) == reason
    assert commune_demo.opening_windows(service, day) == []


def test_partial_closures_trim_the_windows(commune_demo):
    assert commune_demo.closure_reason("etat_civil", date(2026, 12, 24)) is None
    assert commune_demo.opening_windows("etat_civil", date(2026, 12, 24)) == [(time(8, 30), time(12, 0))]
    assert commune_demo.opening_windows("etat_civil", date(2027, 3, 12)) == [
        (time(10, 30), time(12, 0)), (time(13, 30), time(17, 0))]  # a Friday
    # Closed only for the services listed: urbanism keeps its hours on 12 March 2027.
    assert commune_demo.opening_windows("urbanisme", date(2027, 3, 12)) == [(time(9, 0), time(12, 0))]


def test_status_open_on_a_normal_morning(commune_demo):
    status = commune_demo.opening_status("etat_civil", paris(2026, 11, 23, 10, 0))
    assert status.open is True and status.reason is None
    assert status.closes_at == paris(2026, 11, 23, 12, 0)
    assert status.next_opening == paris(2026, 11, 23, 13, 30)
    assert status.summary == "Ouvert jusqu'à 12 h aujourd'hui, puis de 13 h 30 à 17 h 30"


def test_status_in_the_afternoon(commune_demo):
    status = commune_demo.opening_status("etat_civil", paris(2026, 11, 23, 15, 0))
    assert status.open and status.summary == "Ouvert jusqu'à 17 h 30 aujourd'hui"
    assert status.next_opening == paris(2026, 11, 24, 8, 30)


def test_status_at_lunch_break(commune_demo):
    status = commune_demo.opening_status("etat_civil", paris(2026, 11, 23, 12, 30))
    assert status.open is False
    assert status.reason == "pause de midi"
    assert status.next_opening == paris(2026, 11, 23, 13, 30)
    assert status.summary == "Fermé (pause de midi) ; réouverture aujourd'hui à 13 h 30"


def test_status_before_opening_and_after_closing(commune_demo):
    early = commune_demo.opening_status("etat_civil", paris(2026, 11, 23, 7, 0))
    assert not early.open and early.summary == "Fermé pour le moment ; ouverture aujourd'hui à 8 h 30"
    late = commune_demo.opening_status("etat_civil", paris(2026, 11, 23, 18, 0))
    assert not late.open and late.next_opening == paris(2026, 11, 24, 8, 30)
    assert late.summary == "Fermé pour aujourd'hui ; réouverture demain mardi 24 novembre à 8 h 30"


def test_status_on_a_public_holiday(commune_demo):
    status = commune_demo.opening_status("etat_civil", paris(2026, 11, 11, 10, 0))
    assert status.open is False
    assert status.reason == "jour férié : Armistice"
    assert status.next_opening == paris(2026, 11, 12, 8, 30)
    assert status.summary == ("Fermé aujourd'hui (mercredi 11 novembre, jour férié : Armistice) ; "
                              "réouverture demain jeudi 12 novembre à 8 h 30")


def test_status_on_an_exceptional_closure(commune_demo):
    status = commune_demo.opening_status("etat_civil", paris(2027, 11, 12, 10, 0))
    assert status.open is False
    assert status.reason == "fermeture exceptionnelle : pont du 11 Novembre"
    assert status.next_opening == paris(2027, 11, 13, 9, 0)
    assert "vendredi 12 novembre" in status.summary and "pont du 11 Novembre" in status.summary


def test_status_on_a_sunday(commune_demo):
    status = commune_demo.opening_status("etat_civil", paris(2026, 11, 22, 10, 0))
    assert status.open is False and status.reason == "fermé le dimanche"
    assert status.next_opening == paris(2026, 11, 23, 8, 30)
    assert status.summary == "Fermé le dimanche ; réouverture demain lundi 23 novembre à 8 h 30"


def test_status_after_an_early_closure(commune_demo):
    status = commune_demo.opening_status("etat_civil", paris(2026, 12, 24, 14, 0))
    assert status.open is False
    assert status.reason == "fermeture exceptionnelle : veille de Noël, fermeture à midi"
    # 25 December is Christmas, 26 December a closure, 27 December a Sunday.
    assert status.next_opening == paris(2026, 12, 28, 8, 30)
    assert status.summary.endswith("réouverture lundi 28 décembre à 8 h 30")


def test_status_across_new_year_names_the_year(commune_demo):
    status = commune_demo.opening_status("urbanisme", paris(2026, 12, 31, 15, 0))
    assert status.next_opening == paris(2027, 1, 5, 9, 0)
    assert "mardi 5 janvier 2027 à 9 h" in status.summary


def test_long_closure_finds_the_reopening(commune_demo):
    status = commune_demo.opening_status("urbanisme", paris(2027, 8, 2, 10, 0))
    assert status.next_opening == paris(2027, 8, 24, 9, 0)


def test_naive_datetimes_are_paris_time(commune_demo):
    assert commune_demo.opening_status("etat_civil", datetime(2026, 11, 23, 10, 0)).open


def test_utc_instants_are_converted(commune_demo):
    # 07:45 UTC is 08:45 in Paris in winter: open.
    assert commune_demo.opening_status("etat_civil", datetime(2026, 11, 23, 7, 45, tzinfo=timezone.utc)).open


def test_summer_time_instants(commune_demo):
    status = commune_demo.opening_status("etat_civil", paris(2027, 7, 6, 17, 0))
    assert status.open and status.closes_at.utcoffset().total_seconds() == 7200


def test_recycling_centre_summer_and_winter_hours(commune_demo):
    assert commune_demo.recycling_windows(date(2027, 6, 6)) == [(time(9, 0), time(12, 0))]  # summer Sunday
    assert commune_demo.recycling_windows(date(2026, 11, 22)) == []  # winter Sunday
    assert commune_demo.recycling_windows(date(2026, 11, 23)) == [(time(14, 0), time(17, 0))]
    assert commune_demo.recycling_windows(date(2027, 6, 7)) == [(time(14, 0), time(18, 30))]
    summer = commune_demo.recycling_status(paris(2027, 6, 7, 18, 0))
    assert summer.open and summer.closes_at == paris(2027, 6, 7, 18, 30)
    winter = commune_demo.recycling_status(paris(2026, 11, 23, 17, 15))
    assert not winter.open and winter.next_opening == paris(2026, 11, 24, 9, 0)


def test_recycling_centre_closed_on_holidays_and_closures(commune_demo):
    holiday = commune_demo.recycling_status(paris(2027, 5, 6, 10, 0))
    assert not holiday.open and holiday.reason == "jour férié : Ascension"
    christmas_eve = commune_demo.recycling_status(paris(2026, 12, 24, 10, 0))
    assert not christmas_eve.open and christmas_eve.reason == "fermeture exceptionnelle : fêtes de fin d'année"
    assert christmas_eve.next_opening == paris(2026, 12, 28, 14, 0)


def test_find_service_by_everyday_words(commune_demo):
    assert commune_demo.find_service("la mairie").id == "etat_civil"
    assert commune_demo.find_service("cantine").id == "scolaire"
    assert commune_demo.find_service("urbanisme").id == "urbanisme"
    assert commune_demo.find_service("ccas").id == "ccas"
    assert commune_demo.find_service("quelque chose de très différent") is None
    assert commune_demo.find_service("mairie de Villebrune").id == "etat_civil"
    assert commune_demo.find_service("le service urbanism").id == "urbanisme"


@pytest.mark.parametrize("query", ["piscine municipale", "bibliothèque municipale",
                                   "service des sports", "la mairie annexe"])
def test_generic_words_never_pick_a_service(commune_demo, query):
    assert commune_demo.find_service(query) is None


def test_unknown_service_is_a_lookup_error(commune_demo):
    with pytest.raises(CommuneLookupError, match="Service inconnu « piscine »"):
        commune_demo.opening_status("piscine", paris(2026, 11, 23, 10, 0))

# --- properties over many instants -------------------------------------------------

PLACES = ["etat_civil", "urbanisme", "ccas", "police_municipale", "cimetiere", "decheterie"]
INSTANTS = st.datetimes(min_value=datetime(2026, 10, 1), max_value=datetime(2027, 12, 31)).map(
    lambda naive: naive.replace(second=0, microsecond=0, tzinfo=paris(2026, 1, 1).tzinfo))


@settings(max_examples=150, deadline=None)
@given(place=st.sampled_from(PLACES), at=INSTANTS)
def test_status_is_consistent_with_the_windows(commune_demo, place, at):
    status = commune_demo.opening_status(place, at)
    windows = commune_demo.opening_windows(place, at.date())
    inside = any(start <= at.time().replace(tzinfo=None) < end for start, end in windows)
    assert status.open == inside
    if status.open:
        assert status.reason is None and status.closes_at > at
        assert status.summary.startswith("Ouvert jusqu'à")
    else:
        assert status.reason and status.summary.startswith("Fermé")
        if status.next_opening is not None:
            assert status.next_opening > at
            assert commune_demo.opening_status(place, status.next_opening).open
            assert status.next_opening - at <= timedelta(days=31)
    if commune_demo.holiday_name(at.date()):
        assert windows == []
