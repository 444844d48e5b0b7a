"""Cases API: admin creation and status changes, citizen look-up with rate limiting,
and the creation of civil-status requests (EC), reports (SIG), bulky pickups and bin
requests (DEC)."""
from __future__ import annotations

import pytest

from .bo_helpers import assert_error

URB = {
    "kind": "URB", "reference": "URB-2026-00123", "case_type": "permis_construire",
    "title": "Permis de construire : extension", "requester_name": "Jean Dupont",
    "requester_email": "jean.dupont@example.fr",
    "history": [{"status": "depose", "at": "2026-10-05T10:12:00+02:00"},
                {"status": "incomplet", "at": "2026-10-21T15:40:00+02:00",
                 "note": "Courrier envoyé."}],
    "missing_documents": ["Plan de masse coté (PCMI2)"],
    "next_step": "Déposez les pièces manquantes.",
}


def lookup(client, reference, email, client_id=None):
    headers = {"X-Client-Id": client_id} if client_id else {}
    return client.post("/api/v1/cases/lookup", json={"reference": reference, "email": email},
                       headers=headers)


@pytest.fixture
def bo_urb_case(bo_admin):
    response = bo_admin("POST", "/api/v1/admin/cases", json=URB)
    assert response.status_code == 201, response.text
    return response.json()


def test_admin_creates_case_with_history(bo_urb_case):
    case = bo_urb_case
    assert (case["reference"], case["kind"], case["status"]) == ("URB-2026-00123", "URB",
                                                                 "incomplet")
    assert case["status_label"].startswith("Dossier incomplet")
    assert [h["status"] for h in case["history"]] == ["depose", "incomplet"]
    assert case["history"][0]["at"] == "2026-10-05T10:12:00+02:00"
    assert case["created_at"] == "2026-10-05T10:12:00+02:00"
    assert case["missing_documents"] == ["Plan de masse coté (PCMI2)"]


def test_admin_case_errors(bo_admin, bo_urb_case):
    assert_error(bo_admin("POST", "/api/v1/admin/cases", json=URB), 409, "reference_exists")
    bad_status = {**URB, "reference": None, "history": None, "status": "envoye"}
    error = assert_error(bo_admin("POST", "/api/v1/admin/cases", json=bad_status), 422,
                         "invalid_status")
    assert "en_instruction" in error["details"]["allowed"]
    mismatch = {**URB, "reference": "EC-2026-00001"}
    assert_error(bo_admin("POST", "/api/v1/admin/cases", json=mismatch), 422,
                 "reference_kind_mismatch")


def test_allocated_references_skip_imported_ones(bo_admin, bo_urb_case):
    fresh = bo_admin("POST", "/api/v1/admin/cases", json={
        "kind": "URB", "case_type": "declaration_prealable", "title": "Clôture"}).json()
    assert fresh["reference"] == "URB-2027-00001"  # "now" is in 2027
    older = bo_admin("POST", "/api/v1/admin/cases", json={
        **URB, "reference": "URB-2027-00050", "history": None}).json()
    assert older["status"] == "depose"
    after = bo_admin("POST", "/api/v1/admin/cases", json={
        "kind": "URB", "case_type": "declaration_prealable", "title": "Abri"}).json()
    assert after["reference"] == "URB-2027-00051"


def test_status_change_is_recorded(bo_client, bo_admin, bo_urb_case):
    changed = bo_admin("POST", "/api/v1/admin/cases/urb-2026-00123/status", json={
        "status": "en_instruction", "note": "Pièces reçues.", "missing_documents": []})
    assert changed.status_code == 200, changed.text
    case = changed.json()
    assert case["status"] == "en_instruction" and case["missing_documents"] == []
    assert case["next_step"] == "Déposez les pièces manquantes."  # untouched when not sent
    assert case["history"][-1] == {"at": "2027-03-01T08:00:00+01:00", "status": "en_instruction",
                                   "status_label": "En cours d'instruction",
                                   "note": "Pièces reçues."}
    final = bo_admin("POST", "/api/v1/admin/cases/URB-2026-00123/status",
                     json={"status": "accorde", "next_step": None}).json()
    assert final["closed_at"] == "2027-03-01T08:00:00+01:00" and final["next_step"] is None
    seen = lookup(bo_client, "URB-2026-00123", "jean.dupont@example.fr").json()
    assert seen["status_label"] == "Autorisation accordée"
    assert_error(bo_admin("POST", "/api/v1/admin/cases/URB-2026-99999/status",
                          json={"status": "accorde"}), 404, "not_found")
    assert_error(bo_admin("POST", "/api/v1/admin/cases/URB-2026-00123/status",
                          json={"status": "resolu"}), 422, "invalid_status")


def test_lookup_needs_reference_and_email(bo_client, bo_urb_case):
    found = lookup(bo_client, " urb-2026-00123 ", "Jean.Dupont@EXAMPLE.fr")
    assert found.status_code == 200
    assert found.json() == bo_urb_case
    wrong_email = lookup(bo_client, "URB-2026-00123", "pirate@example.fr")
    unknown = lookup(bo_client, "URB-2026-00124", "jean.dupont@example.fr")
    assert_error(wrong_email, 404, "not_found")
    assert wrong_email.text == unknown.text


def test_failed_lookups_are_rate_limited_per_reference(bo_client, bo_urb_case):
    for attempt in range(5):
        assert lookup(bo_client, "URB-2026-00123", f"guess{attempt}@example.fr",
                      client_id=f"visitor-{attempt}").status_code == 404
    blocked = lookup(bo_client, "URB-2026-00123", "jean.dupont@example.fr", client_id="owner")
    error = assert_error(blocked, 429, "too_many_attempts")
    assert blocked.headers["Retry-After"] == "900"
    assert error["details"] == {"retry_after_seconds": 900}
    assert "15 minute" in error["message"]


def test_failed_lookups_are_rate_limited_per_client(bo_client, bo_admin, bo_urb_case):
    for number in range(1, 6):
        assert lookup(bo_client, f"URB-2026-{number:05d}", "x@example.fr",
                      client_id="conversation-1").status_code == 404
    assert_error(lookup(bo_client, "URB-2026-00123", "jean.dupont@example.fr",
                        client_id="conversation-1"), 429, "too_many_attempts")
    # Another conversation, and the case itself, are not affected.
    assert lookup(bo_client, "URB-2026-00123", "jean.dupont@example.fr",
                  client_id="conversation-2").status_code == 200


def test_rate_limit_is_shared_by_instances(bo_client, bo_app, bo_settings, bo_commune,
                                           bo_clock, bo_urb_case):
    from fastapi.testclient import TestClient

    from backoffice.app import create_app
    other = create_app(bo_settings, commune=bo_commune, clock=bo_clock)
    with TestClient(other, headers=dict(bo_client.headers)) as second:
        for attempt in range(3):
            lookup(bo_client, "URB-2026-00123", f"a{attempt}@example.fr", client_id=f"c{attempt}")
        for attempt in range(2):
            lookup(second, "URB-2026-00123", f"b{attempt}@example.fr", client_id=f"d{attempt}")
        assert_error(lookup(second, "URB-2026-00123", "jean.dupont@example.fr"), 429,
                     "too_many_attempts")


CIVIL = {
    "document_type": "acte_naissance", "copy_type": "extrait_avec_filiation",
    "person": {"name": "Marie Durand", "event_date": "1985-04-12"},
    "requester_relation": "titulaire", "name": "Marie Durand",
    "email": "marie.durand@example.fr", "delivery": "courrier",
    "postal_address": "12 rue Victor Hugo, 41999 Villebrune",
}


def test_civil_status_request(bo_client):
    created = bo_client.post("/api/v1/civil-status-requests", json=CIVIL)
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["reference"] == "EC-2027-00001"
    assert (case["kind"], case["type"], case["status"]) == ("EC", "acte_naissance", "recu")
    assert case["civil_status"] == {
        "document_type": "acte_naissance", "copy_type": "extrait_avec_filiation",
        "person_name": "Marie Durand", "event_date": "1985-04-12",
        "requester_relation": "titulaire", "delivery": "courrier"}
    assert "courrier" in case["next_step"]
    assert lookup(bo_client, case["reference"], "MARIE.durand@example.fr").json() == case


@pytest.mark.parametrize("change, field", [
    ({"delivery": "courrier", "postal_address": None}, "body.__root__"),
    ({"document_type": "livret_famille"}, "body.document_type"),
    ({"person": {"name": "X", "event_date": "1700-01-01"}}, "body.person.event_date"),
    ({"requester_relation": "voisin"}, "body.requester_relation"),
])
def test_civil_status_request_validation(bo_client, change, field):
    error = assert_error(bo_client.post("/api/v1/civil-status-requests",
                                        json={**CIVIL, **change}), 422, "validation_error")
    assert field in [d["field"] for d in error["details"]]


def test_email_delivery_needs_no_address(bo_client):
    body = {**CIVIL, "delivery": "email", "postal_address": None}
    assert bo_client.post("/api/v1/civil-status-requests", json=body).status_code == 201


def test_reports_and_priority(bo_client):
    normal = bo_client.post("/api/v1/reports", json={
        "category": "voirie", "location": {"street": "rue Pasteur", "details": "devant le 3"},
        "description": "Nid-de-poule profond.",
        "contact": {"name": "Jean Dupont", "email": "jean.dupont@example.fr"}})
    assert normal.status_code == 201, normal.text
    report = normal.json()["report"]
    assert report["priority"] == "normal" and report["category_label"].startswith("Voirie")
    assert report["location_details"] == "devant le 3"
    danger = bo_client.post("/api/v1/reports", json={
        "category": "danger", "location": {"street": "boulevard Gambetta"},
        "description": "Câble électrique arraché au sol.", "priority": "normal"}).json()
    assert danger["report"]["priority"] == "high" and "112" in danger["next_step"]
    assert danger["reference"] == "SIG-2027-00002"
    assert danger["requester"] == {"name": None, "email": None}


def test_anonymous_report_cannot_be_looked_up(bo_client):
    anonymous = bo_client.post("/api/v1/reports", json={
        "category": "graffiti", "location": {"street": "rue Voltaire"},
        "description": "Tag sur le mur de l'école."}).json()
    assert_error(lookup(bo_client, anonymous["reference"], "anyone@example.fr"), 404,
                 "not_found")


def test_idempotent_report(bo_client):
    body = {"category": "eclairage", "location": {"street": "rue Victor Hugo"},
            "description": "Lampadaire éteint."}
    key = {"Idempotency-Key": "report-1"}
    first = bo_client.post("/api/v1/reports", json=body, headers=key)
    second = bo_client.post("/api/v1/reports", json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    third = bo_client.post("/api/v1/reports", json={**body, "description": "Autre."}, headers=key)
    assert_error(third, 409, "idempotency_key_reused")


PICKUP = {"street": "12 rue Victor Hugo", "items": ["canapé", "matelas"],
          "name": "Jean Dupont", "email": "jean.dupont@example.fr"}


def test_bulky_pickup_books_the_sectors_next_round(bo_client):
    created = bo_client.post("/api/v1/bulky-waste-pickups", json=PICKUP)
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["reference"] == "DEC-2027-00001" and case["status"] == "planifie"
    # rue Victor Hugo is in sector "nord": first Tuesday of the month; 2 March 2027 is
    # too close to "now" (Monday 1 March), so the April round is booked.
    assert case["pickup"] == {"date": "2027-04-06", "sector": "nord",
                              "street": "rue Victor Hugo", "items": ["canapé", "matelas"]}
    assert "06/04/2027" in case["next_step"]


def test_bulky_pickup_moves_to_next_round_when_full(bo_client, bo_commune):
    capacity = bo_commune.bulky_round_capacity("nord")
    dates = []
    for index in range(capacity + 1):
        response = bo_client.post("/api/v1/bulky-waste-pickups",
                                  json={**PICKUP, "email": f"p{index}@example.fr"})
        assert response.status_code == 201, response.text
        dates.append(response.json()["pickup"]["date"])
    assert dates == ["2027-04-06"] * capacity + ["2027-05-04"]


def test_bulky_pickup_unknown_street(bo_client):
    error = assert_error(bo_client.post("/api/v1/bulky-waste-pickups",
                                        json={**PICKUP, "street": "rue de Nulle Part Ailleurs"}),
                         422, "unknown_street")
    assert "Villebrune" in error["message"]


BIN = {"problem": "casse", "street": "12 rue Victor Hugo", "name": "Jean Dupont",
       "email": "jean.dupont@example.fr", "description": "Le couvercle est arraché."}


def test_bin_request_is_recorded_idempotently_and_can_be_followed(bo_client):
    key = {"Idempotency-Key": "bin-1"}
    first = bo_client.post("/api/v1/bin-requests", json=BIN, headers=key)
    assert first.status_code == 201, first.text
    case = first.json()
    assert (case["reference"], case["kind"], case["type"], case["status"]) == (
        "DEC-2027-00001", "DEC", "bac_casse", "recu")
    assert case["title"] == "Remplacement d'un bac cassé : rue Victor Hugo"
    assert case["pickup"] is None and "5 jours ouvrés" in case["next_step"]
    replay = bo_client.post("/api/v1/bin-requests", json=BIN, headers=key)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == case
    assert_error(bo_client.post("/api/v1/bin-requests", json={**BIN, "problem": "vol"},
                                headers=key), 409, "idempotency_key_reused")
    followed = lookup(bo_client, case["reference"], "Jean.Dupont@example.fr")
    assert followed.status_code == 200 and followed.json()["type"] == "bac_casse"
    other = bo_client.post("/api/v1/bin-requests", json={**BIN, "problem": "nouveau"})
    assert other.json()["reference"] == "DEC-2027-00002"


def test_bin_request_bad_inputs(bo_client):
    assert_error(bo_client.post("/api/v1/bin-requests", json={**BIN, "problem": "rose"}),
                 422, "validation_error")
    error = assert_error(bo_client.post("/api/v1/bin-requests",
                                        json={**BIN, "street": "rue de Nulle Part Ailleurs"}),
                         422, "unknown_street")
    assert "Villebrune" in error["message"]
