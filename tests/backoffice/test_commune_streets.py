"""Street search: typos, partial names, house numbers, abbreviations, ambiguity, nonsense."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.commune import CommuneLookupError

from .test_commune_support import commune_demo  # noqa: F401 (fixture)


@pytest.mark.parametrize("query,expected", [
    ("rue Victor Hugo", "rue Victor Hugo"),
    ("victor hugo", "rue Victor Hugo"),
    ("RUE VICTOR HUGO", "rue Victor Hugo"),
    ("rue victor hugi", "rue Victor Hugo"),
    ("hugo", "rue Victor Hugo"),
    ("rue des lila", "rue des Lilas"),
    ("12 av de la republique", "avenue de la République"),
    ("12 bis bd gambeta", "boulevard Gambetta"),
    ("r. jean jaures", "rue Jean Jaurès"),
    ("pl du marche", "place du Marché"),
    ("imp des peupliers", "impasse des Peupliers"),
    ("ch du lavoir", "chemin du Lavoir"),
    ("rue de l eglise", "rue de l'Église"),
    ("st martin", "rue Saint-Martin"),
    ("rue du 8 mai", "rue du 8 Mai 1945"),
    ("3 rue du 11 novembre", "rue du 11 Novembre"),
    ("j'habite au 3 rue des roses 41999 Villebrune", "rue des Roses"),
    ("rue de la mairie", "rue de la Mairie"),
    ("place de la mairie", "place de la Mairie"),
    ("quai loire", "quai de la Loire"),
    ("marie curie", "rue Marie Curie"),
    ("emile zolla", "rue Émile Zola"),
])
def test_clear_matches_come_first(commune_demo, query, expected):
    matches = commune_demo.search_streets(query)
    assert matches and matches[0].name == expected
    resolution = commune_demo.resolve_street(query)
    assert resolution.found and resolution.match.name == expected
    assert resolution.match.sector in commune_demo.sectors


@pytest.mark.parametrize("query,expected", [
    ("curie", {"rue Marie Curie", "rue Pierre et Marie Curie"}),
    ("de gaulle", {"rue du Général de Gaulle", "avenue Charles de Gaulle"}),
    ("mairie", {"place de la Mairie", "rue de la Mairie"}),
    ("jean", {"rue Jean Jaurès", "avenue Jean Moulin", "rue Jean Monnet", "rue Jean de la Fontaine"}),
])
def test_ambiguous_queries_give_several_close_candidates(commune_demo, query, expected):
    matches = commune_demo.search_streets(query)
    assert expected <= {match.name for match in matches}
    assert matches[0].score - matches[1].score < 5
    resolution = commune_demo.resolve_street(query)
    assert not resolution.found and resolution.ambiguous
    assert expected <= {candidate.name for candidate in resolution.candidates} or len(resolution.candidates) == 5


def test_street_type_alone_is_ambiguous(commune_demo):
    resolution = commune_demo.resolve_street("rue des")
    assert resolution.ambiguous and len(resolution.candidates) == 5
    assert all(candidate.name.startswith("rue des") for candidate in resolution.candidates)


@pytest.mark.parametrize("query", ["xyzzy blorp", "bonjour", "abc", "", "   ", "12", "qwertyuiop"])
def test_nonsense_finds_nothing(commune_demo, query):
    assert commune_demo.search_streets(query) == []
    resolution = commune_demo.resolve_street(query)
    assert resolution.match is None and resolution.candidates == []


def test_scores_are_ordered_and_bounded(commune_demo):
    matches = commune_demo.search_streets("rue des", limit=50)
    assert len(matches) > 10
    matches = commune_demo.search_streets("pasteur", limit=3)
    assert [m.name for m in matches] == ["rue Pasteur", "rue Louis Pasteur"]
    assert all(0 <= m.score <= 100 for m in matches)
    assert matches[0].score >= matches[1].score


def test_limit_is_respected(commune_demo):
    assert len(commune_demo.search_streets("rue", limit=3)) == 3


def test_sector_of_street_or_sector(commune_demo):
    assert commune_demo.sector_of("nord") == "nord"
    assert commune_demo.sector_of("Secteur sud") == "sud"
    assert commune_demo.sector_of("12 rue Victor Hugo") == "nord"
    with pytest.raises(CommuneLookupError) as ambiguous:
        commune_demo.sector_of("curie")
    assert set(ambiguous.value.candidates) == {"rue Marie Curie", "rue Pierre et Marie Curie"}
    assert "Laquelle" in str(ambiguous.value)
    with pytest.raises(CommuneLookupError, match="Je ne trouve pas la rue"):
        commune_demo.sector_of("xyzzy")


@settings(max_examples=200, deadline=None)
@given(query=st.text(max_size=60))
def test_any_text_is_handled(commune_demo, query):
    matches = commune_demo.search_streets(query)
    assert all(0 <= match.score <= 100 for match in matches)
    resolution = commune_demo.resolve_street(query)
    assert resolution.match is None or resolution.match in resolution.candidates
    commune_demo.sort_item(query)
    commune_demo.parking_zone(query)
    commune_demo.roadworks(query)
    try:
        commune_demo.find_line(query)
    except CommuneLookupError as error:
        assert str(error)
