"""The webapp's HTTP API in-process: places, hand-over tokens, config and static pages."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import TEST_PLACES
from webapp import create_app
from webapp.handover_store import InMemoryHandoverStore, UsedToken
from webapp.places import PlaceRegistry
from webapp.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def places(tmp_path) -> Path:
    path = tmp_path / "qr_places.yml"
    path.write_text(TEST_PLACES, encoding="utf-8")
    return path


@pytest.fixture
def settings(places) -> Settings:
    return Settings(
        socket_url="https://bot.villebrune.example",
        public_url="https://guichet.villebrune.example",
        places_file=places,
        handover_ttl=300,
        handover_rate=(3, 60.0),
    )


@pytest.fixture
def client(settings, clock) -> TestClient:
    return TestClient(create_app(settings, clock=clock))


def create(client, session_id="a1b2c3d4e5f6", transcript=None):
    body = {"session_id": session_id, "transcript": transcript or []}
    return client.post("/api/handover", json=body)


# --- places -----------------------------------------------------------------


def test_known_place_is_described(client):
    response = client.get("/api/places/parc-des-tilleuls")
    assert response.status_code == 200
    assert response.json() == {
        "id": "parc-des-tilleuls",
        "kind": "parc",
        "label": "Parc des Tilleuls",
        "street": "rue Victor Hugo",
        "greeting": "Vous êtes au parc des Tilleuls.",
        "topics": ["signalement", "horaires"],
    }


@pytest.mark.parametrize("place_id", ["inconnu", "a" * 80, "é", "mairie.yml"])
def test_unknown_place_is_a_french_404(client, place_id):
    response = client.get(f"/api/places/{place_id}")
    assert response.status_code == 404
    assert response.json() == {"code": "place_unknown", "detail": "Ce lieu est inconnu."}


def test_path_tricks_do_not_reach_the_files(client):
    response = client.get("/api/places/..%2F..%2Fetc%2Fpasswd")
    assert response.status_code == 404
    assert "root:" not in response.text


def test_places_file_formats_and_reload(tmp_path):
    path = tmp_path / "places.yml"
    path.write_text("- {id: mairie, label: Hôtel de ville, secret: x}\n", encoding="utf-8")
    registry = PlaceRegistry(path)
    assert registry.get("mairie") == {"id": "mairie", "label": "Hôtel de ville"}
    path.write_text("gare: {label: Gare, kind: transport}\n", encoding="utf-8")
    import os

    os.utime(path, (1, 1))  # a different mtime, as an edit would give
    assert registry.get("mairie") is None
    assert registry.get("gare") == {"id": "gare", "label": "Gare", "kind": "transport"}


def test_missing_places_file_means_every_place_unknown(tmp_path):
    assert PlaceRegistry(tmp_path / "absent.yml").get("mairie") is None


# --- hand-over ---------------------------------------------------------------


def test_handover_round_trip(client):
    transcript = [
        {"role": "user", "text": "Bonjour"},
        {"role": "bot", "text": "Que puis-je faire ?", "buttons": [{"title": "Aide", "payload": "/help"}]},
    ]
    created = create(client, transcript=transcript)
    assert created.status_code == 201
    body = created.json()
    token = body["token"]
    assert len(token) >= 16
    assert body["url"] == f"https://guichet.villebrune.example/chat/?reprise={token}"
    assert body["qr_url"] == f"/api/handover/qr.svg?token={token}"
    assert body["expires_in"] == 300
    assert created.headers["cache-control"] == "no-store"

    assert client.get(f"/api/handover/{token}").json() == {"status": "pending"}
    svg = client.get(f"/api/handover/qr.svg?token={token}")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text and "<title>" in svg.text

    redeemed = client.post(f"/api/handover/{token}/redeem")
    assert redeemed.status_code == 200
    assert redeemed.json()["session_id"] == "a1b2c3d4e5f6"
    assert [m["text"] for m in redeemed.json()["transcript"]] == ["Bonjour", "Que puis-je faire ?"]
    assert client.get(f"/api/handover/{token}").json() == {"status": "redeemed"}


def test_token_is_single_use(client):
    token = create(client).json()["token"]
    assert client.post(f"/api/handover/{token}/redeem").status_code == 200
    again = client.post(f"/api/handover/{token}/redeem")
    assert again.status_code == 410
    assert again.json()["code"] == "token_used"
    assert "déjà été utilisé" in again.json()["detail"]
    assert client.get(f"/api/handover/qr.svg?token={token}").status_code == 410


def test_token_expires(client, clock):
    token = create(client).json()["token"]
    clock.advance(301)
    assert client.get(f"/api/handover/{token}").json() == {"status": "expired"}
    response = client.post(f"/api/handover/{token}/redeem")
    assert response.status_code == 410
    assert response.json()["code"] == "token_expired"
    assert "a expiré" in response.json()["detail"]
    clock.advance(600)  # long after: forgotten altogether
    assert client.post(f"/api/handover/{token}/redeem").status_code == 404


def test_revoked_token_cannot_be_redeemed(client):
    token = create(client).json()["token"]
    assert client.delete(f"/api/handover/{token}").status_code == 204
    assert client.post(f"/api/handover/{token}/redeem").json()["code"] == "token_expired"


@pytest.mark.parametrize("token", ["x" * 22, "court", "a" * 100, "abc%20defghijklmnopqrstu"])
def test_unknown_or_malformed_token_is_a_french_404(client, token):
    response = client.post(f"/api/handover/{token}/redeem")
    assert response.status_code == 404
    assert response.json()["code"] == "token_unknown"
    assert client.get(f"/api/handover/qr.svg?token={token}").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"session_id": "court"},
        {"session_id": "a1b2c3d4e5f6<script>"},
        {"session_id": "a1b2c3d4e5f6", "transcript": [{"role": "admin", "text": "x"}]},
        {"session_id": "a1b2c3d4e5f6", "transcript": [{"role": "user", "text": "x" * 6000}]},
    ],
)
def test_invalid_handover_request_is_a_french_422(client, body):
    response = client.post("/api/handover", json=body)
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_request",
        "detail": "La requête est incomplète ou mal formée.",
    }


def test_handover_creation_is_rate_limited(client, clock):
    for _ in range(3):
        assert create(client).status_code == 201
    limited = create(client)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert "Veuillez patienter" in limited.json()["detail"]
    clock.advance(61)
    assert create(client).status_code == 201


def test_redeem_is_atomic_under_concurrency():
    store = InMemoryHandoverStore()
    ticket = store.create("a1b2c3d4e5f6", [], ttl=60)
    wins, losses = [], []
    barrier = threading.Barrier(16)

    def attempt() -> None:
        barrier.wait()
        try:
            wins.append(store.redeem(ticket.token))
        except UsedToken:
            losses.append(1)

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1 and len(losses) == 15


def test_redeemed_ticket_forgets_the_conversation():
    store = InMemoryHandoverStore()
    ticket = store.create("a1b2c3d4e5f6", [{"role": "user", "text": "secret"}], ttl=60)
    store.redeem(ticket.token)
    assert store._tickets[ticket.token].session_id == ""
    assert store._tickets[ticket.token].transcript == []


# --- configuration, pages, headers ---------------------------------------------


def test_config_js_tells_the_socket_and_public_urls(client):
    response = client.get("/config.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert '"socketUrl": "https://bot.villebrune.example"' in response.text
    assert '"publicUrl": "https://guichet.villebrune.example"' in response.text


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("GUICHET_SOCKET_URL", "https://bot.example/")
    monkeypatch.setenv("GUICHET_PUBLIC_URL", "https://web.example/")
    monkeypatch.setenv("GUICHET_HANDOVER_TTL", "120")
    monkeypatch.setenv("GUICHET_HANDOVER_RATE", "5/30")
    settings = Settings.from_env()
    assert settings.socket_url == "https://bot.example"
    assert settings.public_url == "https://web.example"
    assert settings.handover_ttl == 120
    assert settings.handover_rate == (5, 30.0)


@pytest.mark.parametrize("path", ["/demo/", "/chat/", "/kiosk/"])
def test_pages_are_served_with_a_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "https://bot.villebrune.example wss://bot.villebrune.example" in csp
    assert response.headers["referrer-policy"] == "no-referrer"


def test_widget_assets_can_be_embedded_from_other_sites(client):
    for path in ("/widget/guichet-widget.js", "/widget/lib/chat.js", "/vendor/socket.io.esm.min.js"):
        response = client.get(path, headers={"Origin": "https://www.villebrune.example"})
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == "*"


def test_root_redirects_to_the_demo_and_unknown_paths_are_french_404(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/demo/"
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert response.json()["detail"] == "Cette page n'existe pas."
    assert client.get("/health").json() == {"status": "ok"}
