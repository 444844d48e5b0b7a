"""An agent "en pause" does not count as an agent who can answer: the handoff then offers
a callback; coming back makes live handoff possible again (API and console, French)."""
from __future__ import annotations

from tests.backoffice.bo_helpers import assert_error

from .conftest import ticket_body


def set_available(client, csrf, value: str, json: bool = True):
    headers = {"Accept": "application/json", "X-CSRF-Token": csrf} if json else {}
    return client.post("/console/availability", data={"available": value, "csrf_token": csrf},
                       headers=headers, follow_redirects=False)


def availability(ho_client) -> dict:
    return ho_client.get("/api/v1/handoff/availability").json()


def test_an_agent_on_break_is_not_counted(console, ho_client):
    client, csrf = console()
    assert availability(ho_client)["agents_online"] == 1
    assert availability(ho_client)["available"] is True
    assert set_available(client, csrf, "0").json() == {"available": False}
    info = availability(ho_client)
    assert info["agents_online"] == 0 and info["available"] is False
    refused = ho_client.post("/api/v1/handoff/tickets", json=ticket_body())
    assert_error(refused, 409, "no_agent_available")
    assert set_available(client, csrf, "1").json() == {"available": True}
    assert availability(ho_client)["agents_online"] == 1
    created = ho_client.post("/api/v1/handoff/tickets", json=ticket_body("conv-2"))
    assert created.status_code in (200, 201), created.text


def test_only_the_agent_on_break_stops_counting(console, ho_client, sqlite_only):
    camille, csrf = console("camille", "Camille Martin")
    console("louis", "Louis Bernard")
    assert availability(ho_client)["agents_online"] == 2
    set_available(camille, csrf, "0")
    assert availability(ho_client)["agents_online"] == 1


def test_the_console_shows_the_status_and_works_without_javascript(console, sqlite_only):
    client, csrf = console()
    page = client.get("/console/").text
    assert "Statut : <strong>disponible</strong>" in page and "Me mettre en pause" in page
    assert "1 agent(s) disponible(s)." in page
    response = set_available(client, csrf, "0", json=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/"
    page = client.get("/console/").text
    assert "Statut : <strong>en pause</strong>" in page
    assert "Je suis de nouveau disponible" in page and "0 agent(s) disponible(s)." in page


def test_the_toggle_needs_a_session_its_token_and_a_valid_value(console, ho_app, sqlite_only):
    from fastapi.testclient import TestClient
    client, csrf = console()
    assert_error(client.post("/console/availability", data={"available": "0"},
                             headers={"Accept": "application/json"}), 403, "csrf_failed")
    bad = set_available(client, csrf, "bientôt")
    assert bad.status_code == 422
    with TestClient(ho_app) as anonymous:
        assert_error(anonymous.post("/console/availability", data={"available": "0"},
                                    headers={"Accept": "application/json"}),
                     401, "not_logged_in")
        redirected = anonymous.post("/console/availability", data={"available": "0"},
                                    follow_redirects=False)
        assert redirected.status_code == 303 and "/console/login" in redirected.headers["location"]
