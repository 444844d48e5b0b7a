"""Commune and territory read endpoints: they wrap the commune layer faithfully.

"Now" is Monday 1 March 2027, 08:00 (Europe/Paris).
"""
from __future__ import annotations

import pytest

from .bo_helpers import assert_error

# These endpoints read only the commune files: one database backend is enough.
pytestmark = pytest.mark.parametrize("bo_database_url", ["sqlite"], indirect=True)


def get(client, path, **params):
    response = client.get(f"/api/v1{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_commune_identity_and_contacts(bo_client):
    body = get(bo_client, "/commune")
    assert body["name"] == "Villebrune"
    assert body["address"]["full"] == "1 place de la Mairie, 41999 Villebrune"
    assert body["phone"] and body["email"].endswith("villebrune.example.fr")
    assert any(n["number"] == "112" for n in body["emergency_numbers"])


def test_services_and_hours(bo_client):
    services = {s["id"]: s for s in get(bo_client, "/services")}
    assert "etat_civil" in services and "urbanisme" in services
    hours = services["etat_civil"]["hours"]
    assert hours["lundi"] == [{"start": "08:30", "end": "12:00"},
                              {"start": "13:30", "end": "17:30"}]
    assert hours["dimanche"] == []
    assert get(bo_client, "/services/urbanisme")["name"] == services["urbanisme"]["name"]
    assert_error(bo_client.get("/api/v1/services/piscine_olympique"), 404, "unknown_service")
    assert_error(bo_client.get("/api/v1/services/piscine municipale"), 404, "unknown_service")
    assert get(bo_client, "/services/police municipale")["id"] == "police_municipale"


def test_service_status_live_and_at_an_instant(bo_client):
    now = get(bo_client, "/services/etat_civil/status")  # frozen clock: Monday 08:00
    assert now["open"] is False and now["next_opening"] == "2027-03-01T08:30:00+01:00"
    assert now["at"] == "2027-03-01T08:00:00+01:00"
    open_ = get(bo_client, "/services/etat_civil/status", at="2027-03-02T10:00:00+01:00")
    assert open_["open"] is True and open_["closes_at"] == "2027-03-02T12:00:00+01:00"
    assert open_["summary"].startswith("Ouvert")
    holiday = get(bo_client, "/services/etat_civil/status", at="2027-03-29T10:00:00")
    assert holiday["open"] is False and "Pâques" in holiday["reason"]
    assert holiday["windows_today"] == []


def test_holidays(bo_client):
    body = get(bo_client, "/holidays", year=2027)
    names = {h["date"]: h["name"] for h in body["holidays"]}
    assert names["2027-07-14"] == "Fête nationale" and len(names) == 11
    assert get(bo_client, "/holidays")["year"] == 2027  # the frozen clock's year
    assert_error(bo_client.get("/api/v1/holidays", params={"year": 3000}), 422,
                 "validation_error")


def test_street_search_tolerates_typos(bo_client):
    body = get(bo_client, "/streets/search", q="12 av de la republique")
    assert body["matches"][0] == {"name": "avenue de la République", "sector": "ouest",
                                  "score": body["matches"][0]["score"]}
    assert (body["resolution"], body["street"], body["sector"]) == (
        "one", "avenue de la République", "ouest")


@pytest.mark.parametrize("query, resolution, candidates", [
    ("curie", "several", ["rue Marie Curie", "rue Pierre et Marie Curie"]),
    ("rue Xqztwvk", "none", [])])
def test_street_search_gives_its_resolution(bo_client, query, resolution, candidates):
    body = get(bo_client, "/streets/search", q=query)
    assert (body["resolution"], body["street"], body["candidates"]) == (resolution, None, candidates)


def test_waste_collections_by_street(bo_client):
    body = get(bo_client, "/waste/collections", street="rue victor hugo", **{"from": "2027-03-01"})
    assert (body["street"], body["sector"], body["start"]) == ("rue Victor Hugo", "nord",
                                                               "2027-03-01")
    kinds = {c["waste_type"]: c for c in body["collections"]}
    assert "ordures_menageres" in kinds
    for collection in kinds.values():
        assert all(d["date"] >= "2027-03-01" for d in collection["dates"])
    by_sector = get(bo_client, "/waste/collections", street="nord")
    assert by_sector["street"] is None and by_sector["sector"] == "nord"


def test_bulky_rounds_without_a_street_give_every_sector(bo_client, bo_commune):
    body = get(bo_client, "/waste/bulky-rounds", **{"from": "2027-03-01"})
    assert body["street"] is None and body["sector"] is None and body["rounds"] == []
    assert [s["sector"] for s in body["sectors"]] == list(bo_commune.sectors)
    nord = next(s for s in body["sectors"] if s["sector"] == "nord")
    by_street = get(bo_client, "/waste/bulky-rounds", street="rue Victor Hugo",
                    **{"from": "2027-03-01"})
    assert nord["rounds"] == by_street["rounds"] and nord["weekday"] == by_street["weekday"]
    assert body["accepted"] == by_street["accepted"] and by_street["sectors"] == []


@pytest.mark.parametrize("street, status, code", [
    ("rue de Zanzibar-les-Flots", 404, "unknown_street"),
    ("rue des", 422, "ambiguous_street"),
])
def test_waste_collections_unclear_street(bo_client, street, status, code):
    error = assert_error(bo_client.get("/api/v1/waste/collections", params={"street": street}),
                         status, code)
    assert isinstance(error["details"]["candidates"], list)


def test_bulky_rounds(bo_client):
    body = get(bo_client, "/waste/bulky-rounds", street="12 rue Victor Hugo")
    assert body["sector"] == "nord" and body["capacity"] == 20
    assert [r["date"] for r in body["rounds"]] == ["2027-03-02", "2027-04-06", "2027-05-04"]
    assert body["booking"] and body["accepted"]


def test_recycling_centre(bo_client):
    body = get(bo_client, "/waste/recycling-center", at="2027-03-06T10:00:00+01:00")
    assert body["current_season"] == "horaires d'hiver"
    assert body["status"]["open"] is True  # Saturday 09:00-17:00 in winter
    sunday = get(bo_client, "/waste/recycling-center", at="2027-03-07T10:00:00+01:00")
    assert sunday["status"]["open"] is False


def test_sorting(bo_client):
    body = get(bo_client, "/waste/sorting", item="pot de yaourt")
    assert body["matches"][0]["bin"] == "recyclables"
    assert get(bo_client, "/waste/sorting", item="zqxwvy")["matches"] == []


def test_parking(bo_client):
    body = get(bo_client, "/parking", street="rue Victor Hugo")
    assert body["street_zone"] == "verte"
    zones = {z["id"]: z for z in body["zones"]}
    assert zones["rouge"]["prices"][0] == {"minutes": 30, "price": 0.0}
    assert body["impound"]["fees"] and body["resident_card"]["documents"]


def test_transport(bo_client):
    lines = get(bo_client, "/transport/lines")
    assert lines["network"]["name"] and lines["lines"][0]["stops"][0]["minutes"] == 0
    first = lines["lines"][0]
    stop = first["stops"][1]["name"]
    body = get(bo_client, "/transport/departures", line=first["id"], stop=stop,
               at="2027-03-02T10:00:00+01:00", count=2)
    assert body["line"] == first["id"] and body["stop"] == stop
    assert len(body["departures"]) == 2
    assert all(d >= "2027-03-02T10:00:00+01:00" for d in body["departures"])
    assert_error(bo_client.get("/api/v1/transport/departures",
                               params={"line": "99", "stop": stop}), 404, "unknown_line")
    assert_error(bo_client.get("/api/v1/transport/departures",
                               params={"line": first["id"], "stop": "Pôle Nord"}),
                 404, "unknown_stop")


def test_roadworks(bo_client):
    on_street = get(bo_client, "/roadworks", street="rue Victor Hugo")
    assert [w["id"] for w in on_street["roadworks"]] == ["TRV-2026-014"]
    current = get(bo_client, "/roadworks", on="2027-03-01")
    assert all(w["start"] <= "2027-03-01" <= w["end"] for w in current["roadworks"])
    assert "TRV-2026-014" not in [w["id"] for w in current["roadworks"]]
