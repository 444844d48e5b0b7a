"""Waste collections (holiday shifts, seasons), bulky-waste rounds and sorting answers."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.commune import CollectionDate, CommuneLookupError

from .test_commune_support import commune_demo  # noqa: F401 (fixture)


def _dates(collections):
    return [collection.date for collection in collections]


def test_weekly_collection_by_street(commune_demo):
    # rue Victor Hugo is in sector nord: household waste on Mondays.
    result = commune_demo.next_collections("12 rue Victor Hugo", date(2026, 11, 24), count=2)
    assert set(result) == {"ordures_menageres", "recyclables", "verre", "biodechets", "dechets_verts"}
    assert _dates(result["ordures_menageres"]) == [date(2026, 11, 30), date(2026, 12, 7)]


def test_start_day_itself_is_included(commune_demo):
    result = commune_demo.next_collections("nord", date(2026, 11, 23), count=1)
    assert result["ordures_menageres"] == [CollectionDate(date(2026, 11, 23))]


def test_collection_shifted_by_easter_monday(commune_demo):
    result = commune_demo.next_collections("nord", date(2027, 3, 27), count=2)
    shifted, following = result["ordures_menageres"]
    assert shifted.date == date(2027, 3, 30) and shifted.shifted_from == date(2027, 3, 29)
    assert "Lundi de Pâques" in shifted.reason and "mardi 30 mars" in shifted.reason
    assert following == CollectionDate(date(2027, 4, 5))


def test_shifted_collection_is_found_the_day_after_the_holiday(commune_demo):
    # Asked on the Tuesday, the Monday collection moved to that Tuesday is still ahead.
    result = commune_demo.next_collections("nord", date(2027, 3, 30), count=1)
    assert result["ordures_menageres"][0].date == date(2027, 3, 30)


def test_armistice_shift_on_a_wednesday(commune_demo):
    result = commune_demo.next_collections("est", date(2026, 11, 9), count=2)
    assert _dates(result["ordures_menageres"]) == [date(2026, 11, 12), date(2026, 11, 18)]
    assert result["ordures_menageres"][0].shifted_from == date(2026, 11, 11)


def test_friday_holiday_shifts_to_saturday(commune_demo):
    # Christmas 2026 is a Friday: sector sud's Friday collection moves to Saturday 26.
    result = commune_demo.next_collections("sud", date(2026, 12, 23), count=1)
    assert result["ordures_menageres"][0] == CollectionDate(
        date(2026, 12, 26), date(2026, 12, 25), result["ordures_menageres"][0].reason)


def test_every_other_week_and_monthly(commune_demo):
    result = commune_demo.next_collections("nord", date(2026, 11, 23), count=3)
    assert _dates(result["recyclables"]) == [date(2026, 11, 26), date(2026, 12, 10), date(2026, 12, 24)]
    assert _dates(result["verre"]) == [date(2026, 12, 2), date(2027, 1, 6), date(2027, 2, 3)]
    last_friday = commune_demo.next_collections("ouest", date(2026, 11, 23), count=2)["verre"]
    # The last Friday of December 2026 is Christmas: collected on Saturday 26.
    assert _dates(last_friday) == [date(2026, 11, 27), date(2026, 12, 26)]


def test_green_waste_is_seasonal(commune_demo):
    result = commune_demo.next_collections("nord", date(2026, 11, 23), count=3)
    assert _dates(result["dechets_verts"]) == [date(2026, 11, 23), date(2026, 11, 30), date(2027, 4, 5)]
    winter = commune_demo.next_collections("sud", date(2027, 1, 10), count=1)["dechets_verts"]
    assert winter[0].date == date(2027, 4, 6)


def test_unknown_or_ambiguous_street(commune_demo):
    with pytest.raises(CommuneLookupError):
        commune_demo.next_collections("curie", date(2026, 11, 23))
    with pytest.raises(CommuneLookupError):
        commune_demo.next_collections("rue de nulle part du tout", date(2026, 11, 23))


def test_bulky_rounds_first_tuesday(commune_demo):
    assert commune_demo.next_bulky_rounds("nord", date(2026, 11, 23)) == [
        date(2026, 12, 1), date(2027, 1, 5), date(2027, 2, 2)]
    assert commune_demo.next_bulky_rounds("ouest", date(2026, 11, 23), count=2) == [
        date(2026, 11, 24), date(2026, 12, 22)]
    assert commune_demo.next_bulky_rounds("rue des Lilas", date(2027, 1, 1), count=1) == [date(2027, 1, 19)]
    assert commune_demo.bulky_round_capacity("nord") == 20


def test_bulky_round_on_a_holiday_is_shifted(commune_demo):
    # Sector sud: second Tuesday of the month; 14 July 2026 is the second Tuesday of July.
    assert commune_demo.next_bulky_rounds("sud", date(2026, 7, 1), count=2) == [date(2026, 7, 15), date(2026, 8, 11)]
    details = commune_demo.next_bulky_round_details("sud", date(2026, 7, 1), count=1)
    assert details[0].shifted_from == date(2026, 7, 14) and "Fête nationale" in details[0].reason


@pytest.mark.parametrize("query,item,bin_id", [
    ("bouteille en plastique", "bouteille en plastique", "recyclables"),
    ("bouteil en plastik", "bouteille en plastique", "recyclables"),
    ("pot de yahourt", "pot de yaourt", "recyclables"),
    ("où jeter mes piles ?", "piles", "piles"),
    ("pille", "piles", "piles"),
    ("canete", "canette", "recyclables"),
    ("bouteille de vin", "bouteille en verre", "verre"),
    ("verre cassé", "verre à boire", "ordures_menageres"),
    ("médicaments périmés", "médicaments", "pharmacie"),
    ("vieux matelas", "matelas", "encombrants"),
    ("frigo", "gros électroménager", "encombrants"),
    ("epluchures", "épluchures", "biodechets"),
    ("coquille doeuf", "coquille d'œuf", "biodechets"),
    ("pot de peinture", "pot de peinture", "dechetterie"),
    ("vetements usés", "vêtements", "textile"),
    ("dans quelle poubelle je mets les boîtes de conserve", "boîte de conserve", "recyclables"),
    ("miroir", "vitre", "dechetterie"),
])
def test_sorting(commune_demo, query, item, bin_id):
    matches = commune_demo.sort_item(query)
    assert matches, f"nothing for {query!r}"
    best = matches[0]
    assert (best.item, best.bin) == (item, bin_id)
    assert best.advice and best.bin_name
    assert 0 < best.score <= 100


def test_sorting_nonsense_and_limit(commune_demo):
    assert commune_demo.sort_item("xyzzy") == []
    assert commune_demo.sort_item("qwertyuiop asdf") == []
    assert len(commune_demo.sort_item("barquette", limit=2)) == 2


def test_every_sorting_item_finds_itself(commune_demo):
    for item in commune_demo.sorting.items:
        assert commune_demo.sort_item(item.name)[0].item == item.name

# --- properties over many start dates ----------------------------------------------


@settings(max_examples=100, deadline=None)
@given(sector=st.sampled_from(["nord", "sud", "est", "ouest"]),
       start=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)))
def test_collections_are_ordered_and_never_on_holidays_or_sundays(commune_demo, sector, start):
    for dates in commune_demo.next_collections(sector, start, count=3).values():
        days = [collection.date for collection in dates]
        assert len(days) == 3 and days == sorted(days) and days[0] >= start
        for collection in dates:
            assert commune_demo.holiday_name(collection.date) is None
            assert collection.date.weekday() != 6
            assert (collection.shifted_from is None) == (collection.reason is None)
            if collection.shifted_from is not None:
                assert commune_demo.holiday_name(collection.shifted_from)
