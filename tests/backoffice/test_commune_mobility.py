"""Bus departures, roadworks and parking look-ups of the demo commune."""
from __future__ import annotations

from datetime import date

import pytest

from backoffice.commune import CommuneLookupError

from .test_commune_support import commune_demo, paris  # noqa: F401 (fixture)


def test_lines_listing(commune_demo):
    lines = commune_demo.lines()
    assert [line.id for line in lines] == ["1", "2", "3", "4"]
    assert all(len(line.stops) >= 5 for line in lines)
    assert commune_demo.transport.data.fares and commune_demo.transport.data.passes


@pytest.mark.parametrize("query", ["3", "ligne 3", "L3", "l 3", "bus 3", "Ligne 3", "la ligne 3"])
def test_line_names(commune_demo, query):
    assert commune_demo.find_line(query).id == "3"


def test_line_by_name_and_unknown_line(commune_demo):
    assert commune_demo.find_line("ligne de l'hôpital").id == "2"
    assert commune_demo.find_line("hopitale").id == "2"
    assert commune_demo.find_line("bus des vignerons").id == "3"
    with pytest.raises(CommuneLookupError, match="Plusieurs lignes") as ambiguous:
        commune_demo.find_line("gare")
    assert ambiguous.value.candidates == ["ligne 1", "ligne 3"]
    with pytest.raises(CommuneLookupError, match="Je ne trouve pas la ligne « 12 »"):
        commune_demo.find_line("12")


def test_next_departures_on_a_weekday(commune_demo):
    # Line 3 leaves Les Vignerons at 06:45 then every 30 min; Mairie is 9 minutes further.
    assert commune_demo.next_departures("ligne 3", "mairie", paris(2026, 11, 23, 8, 0)) == [
        paris(2026, 11, 23, 8, 24), paris(2026, 11, 23, 8, 54), paris(2026, 11, 23, 9, 24)]


def test_departure_exactly_now_is_included(commune_demo):
    assert commune_demo.next_departures("1", "Gare SNCF", paris(2026, 11, 23, 6, 15), count=1) == [
        paris(2026, 11, 23, 6, 15)]


def test_fuzzy_stop_and_saturday_evening_to_sunday(commune_demo):
    # Saturday: last departure 19:30; Sunday: hourly from 09:00.
    assert commune_demo.next_departures("L1", "gare sncf", paris(2026, 11, 21, 19, 45)) == [
        paris(2026, 11, 22, 9, 0), paris(2026, 11, 22, 10, 0), paris(2026, 11, 22, 11, 0)]
    assert commune_demo.next_departures("1", "place du marcher", paris(2026, 11, 23, 7, 0), count=1) == [
        paris(2026, 11, 23, 7, 2)]


def test_no_sunday_service_waits_for_monday(commune_demo):
    departures = commune_demo.departures("2", "hopital", paris(2026, 11, 22, 10, 0), count=1)
    assert departures[0].at == paris(2026, 11, 23, 6, 30)
    assert departures[0].towards == "Quai des Mariniers"  # from the last stop, buses go back


def test_holidays_run_the_sunday_timetable(commune_demo):
    # 11 November 2026 is a Wednesday holiday: line 1 runs hourly from 09:00, line 2 not at all.
    assert commune_demo.next_departures("1", "Gare SNCF", paris(2026, 11, 11, 7, 0), count=1) == [
        paris(2026, 11, 11, 9, 0)]
    assert commune_demo.next_departures("2", "Quai des Mariniers", paris(2026, 11, 11, 7, 0), count=1) == [
        paris(2026, 11, 12, 6, 30)]


def test_direction_towards_the_first_stop(commune_demo):
    # Line 3 from Gare SNCF (14 min) back: Mairie is 5 minutes after the Gare departure.
    departures = commune_demo.departures("3", "Mairie", paris(2026, 11, 23, 8, 0), count=1, towards="Les Vignerons")
    assert departures[0].towards == "Les Vignerons"
    assert departures[0].at == paris(2026, 11, 23, 8, 20)


def test_unknown_stop(commune_demo):
    with pytest.raises(CommuneLookupError, match="Je ne trouve pas l'arrêt"):
        commune_demo.next_departures("3", "aéroport international", paris(2026, 11, 23, 8, 0))


def test_roadworks_by_street(commune_demo):
    assert [work.id for work in commune_demo.roadworks("rue des lilas")] == ["TRV-2026-017", "TRV-2027-019"]
    assert [work.id for work in commune_demo.roadworks("12 r victor hugo")] == ["TRV-2026-014"]
    assert commune_demo.roadworks("rue Voltaire") == []
    assert commune_demo.roadworks("xyzzy") == []


def test_roadworks_by_date(commune_demo):
    assert [work.id for work in commune_demo.roadworks(on=date(2027, 1, 15))] == [
        "TRV-2026-017", "TRV-2026-021", "TRV-2027-003"]
    assert commune_demo.roadworks(on=date(2028, 6, 1)) == []
    # Start and end days are included.
    assert [work.id for work in commune_demo.roadworks(on=date(2026, 12, 18))] == [
        "TRV-2026-014", "TRV-2026-017", "TRV-2026-021"]


def test_roadworks_by_street_and_date(commune_demo):
    assert [work.id for work in commune_demo.roadworks("lilas", on=date(2027, 10, 10))] == ["TRV-2027-019"]
    assert commune_demo.roadworks("lilas", on=date(2027, 6, 1)) == []
    work = commune_demo.roadworks("place du marché")[0]
    assert work.diversion and work.start <= work.end


def test_parking_lookups(commune_demo):
    assert commune_demo.parking_zone("rouge").kind == "payant"
    assert commune_demo.parking_zone("zone bleue").id == "bleue"
    assert commune_demo.parking_zone("12 rue Victor Hugo").id == "verte"
    assert commune_demo.parking_zone("rue Voltaire") is None
    red = commune_demo.parking.zones["rouge"]
    assert commune_demo.parking.price(red, 20) == 0
    assert commune_demo.parking.price(red, 61) == 1.80
    assert commune_demo.parking.price(red, 300) is None


def test_resident_card_impound_and_disabled_parking(commune_demo):
    card = commune_demo.resident_card
    assert card.price == 30 and card.zones == ["verte"] and card.service in commune_demo.services
    assert any("carte grise" in document for document in card.documents)
    assert commune_demo.impound.phone and commune_demo.impound.fees
    assert any("CMI" in rule or "mobilité inclusion" in rule for rule in commune_demo.disabled_parking.rules)
