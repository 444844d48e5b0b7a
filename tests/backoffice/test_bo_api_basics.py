"""Back-office API basics: health, OpenAPI, authentication and the JSON error envelope."""
from __future__ import annotations

import json

import pytest

from .bo_helpers import ADMIN_KEY, API_KEY, assert_error


def test_health_reports_database_without_auth(bo_client, bo_database_url):
    response = bo_client.get("/health", headers={"X-API-Key": ""})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["database_backend"] == bo_database_url.split(":")[0]
    assert body["commune"] == "Villebrune"


def test_openapi_lists_the_api(bo_client):
    spec = bo_client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/v1/slots", "/api/v1/appointments", "/api/v1/cases/lookup",
                 "/api/v1/reports", "/api/v1/admin/cases", "/health"):
        assert path in paths
    schemes = spec["components"]["securitySchemes"]
    assert {s["name"] for s in schemes.values()} == {"X-API-Key", "X-Admin-Key"}


@pytest.mark.parametrize("headers, code", [
    ({}, "missing_api_key"),
    ({"X-API-Key": "wrong"}, "invalid_api_key"),
    ({"X-API-Key": ADMIN_KEY}, "invalid_api_key"),
])
def test_api_key_required(bo_client, headers, code):
    bo_client.headers.pop("X-API-Key")
    error = assert_error(bo_client.get("/api/v1/procedures", headers=headers), 401, code)
    assert "clé" in error["message"].lower() or "authentification" in error["message"].lower()


def test_admin_routes_need_the_admin_key(bo_client, bo_admin):
    assert_error(bo_client.get("/api/v1/admin/appointments"), 401, "missing_api_key")
    assert_error(bo_client.get("/api/v1/admin/appointments", headers={"X-Admin-Key": API_KEY}),
                 401, "invalid_api_key")
    assert bo_admin("GET", "/api/v1/admin/appointments").status_code == 200


def test_unknown_path_and_method_use_the_envelope(bo_client):
    assert_error(bo_client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(bo_client.delete("/api/v1/procedures"), 405, "method_not_allowed")


def test_validation_errors_are_french_and_located(bo_client):
    response = bo_client.post("/api/v1/appointments", json={
        "procedure": "carte_identite", "start": "pas une date", "name": "x" * 121,
        "email": "pas-un-email"})
    error = assert_error(response, 422, "validation_error")
    fields = {d["field"]: d["message"] for d in error["details"]}
    assert set(fields) == {"body.start", "body.name", "body.email"}
    assert "120" in fields["body.name"]
    assert "Merci" in error["message"]


def test_malformed_json_is_a_422(bo_client):
    response = bo_client.post("/api/v1/reports", content=b"{not json",
                              headers={"Content-Type": "application/json"})
    assert_error(response, 422, "validation_error")


def test_unknown_fields_are_refused(bo_client):
    response = bo_client.post("/api/v1/cases/lookup", json={
        "reference": "URB-2026-00123", "email": "a@example.fr", "admin": True})
    error = assert_error(response, 422, "validation_error")
    assert error["details"] == [{"field": "body.admin", "message": "Ce champ n'est pas reconnu."}]


def test_control_characters_are_refused_not_stored(bo_client):
    body = {"category": "voirie", "location": {"street": "rue\u0000Pasteur"},
            "description": "Trou \ud800 dans la chaussée"}
    response = bo_client.post("/api/v1/reports", content=json.dumps(body).encode("ascii"),
                              headers={"Content-Type": "application/json"})
    error = assert_error(response, 422, "validation_error")
    assert {d["field"] for d in error["details"]} == {"body.location.street", "body.description"}


def test_reference_format_checked_and_lower_case_accepted(bo_client):
    bad = bo_client.post("/api/v1/appointments/RDV-26-1/cancel", json={"email": "a@example.fr"})
    assert_error(bad, 422, "validation_error")
    lower = bo_client.post("/api/v1/appointments/rdv-2027-00001/cancel",
                           json={"email": "a@example.fr"})
    assert_error(lower, 404, "not_found")


def test_client_id_header_is_validated(bo_client):
    response = bo_client.post("/api/v1/cases/lookup",
                              json={"reference": "URB-2026-00123", "email": "a@example.fr"},
                              headers={"X-Client-Id": "a b"})
    error = assert_error(response, 422, "validation_error")
    assert error["details"][0]["field"] == "header.X-Client-Id"


def test_unreachable_database_is_a_503_not_a_500(bo_commune, bo_clock):
    from fastapi.testclient import TestClient

    from backoffice.app import create_app
    from backoffice.settings import Settings
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:9/nowhere",
                        api_keys=(API_KEY,), admin_key=ADMIN_KEY, auto_migrate=False)
    app = create_app(settings, commune=bo_commune, clock=bo_clock)
    with TestClient(app, headers={"X-API-Key": API_KEY}) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["database"] == "unavailable"
        lookup = client.post("/api/v1/cases/lookup",
                             json={"reference": "URB-2026-00123", "email": "a@example.fr"})
        assert_error(lookup, 503, "service_unavailable")
        assert lookup.headers["Retry-After"] == "5"
        assert client.get("/api/v1/commune").status_code == 200  # files still served
