"""Concurrency over real HTTP (uvicorn in a thread): no double booking, unique references.

"mariage" has a single counter, so one slot holds exactly one appointment.
"""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List

import httpx

from .bo_helpers import API_KEY

MARRIAGE_SLOT = "2027-03-04T08:30:00+01:00"  # Thursday, first slot after the 72 h lead time
CLIENTS = 20


def fire_together(count: int, send: Callable[[httpx.Client, int], httpx.Response]
                  ) -> List[httpx.Response]:
    """Send ``count`` requests from ``count`` threads released at the same instant."""
    barrier = threading.Barrier(count)

    def one(index: int) -> httpx.Response:
        with httpx.Client(headers={"X-API-Key": API_KEY}, timeout=60) as client:
            barrier.wait()
            return send(client, index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_twenty_concurrent_bookings_of_one_slot(bo_server, bo_client):
    def send(client: httpx.Client, index: int) -> httpx.Response:
        return client.post(f"{bo_server}/api/v1/appointments", json={
            "procedure": "mariage", "start": MARRIAGE_SLOT, "name": f"Personne {index}",
            "email": f"personne{index}@example.fr"})

    responses = fire_together(CLIENTS, send)
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * (CLIENTS - 1), [r.text for r in responses if r.status_code
                                                     not in (201, 409)]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "slot_unavailable"}
    winner = next(r.json() for r in responses if r.status_code == 201)
    assert winner["counter"] == 1
    day = bo_client.get("/api/v1/slots", params={"procedure": "mariage", "start": "2027-03-04",
                                                 "end": "2027-03-04"}).json()
    assert MARRIAGE_SLOT not in [s["start"] for s in day["slots"]]


def test_concurrent_creations_get_unique_consecutive_references(bo_server):
    def send(client: httpx.Client, index: int) -> httpx.Response:
        return client.post(f"{bo_server}/api/v1/reports", json={
            "category": "proprete", "location": {"street": "rue Pasteur"},
            "description": f"Papiers éparpillés, signalement {index}."})

    responses = fire_together(CLIENTS, send)
    assert [r.status_code for r in responses] == [201] * CLIENTS
    references = sorted(r.json()["reference"] for r in responses)
    assert all(re.fullmatch(r"SIG-2027-\d{5}", ref) for ref in references)
    assert references == [f"SIG-2027-{n:05d}" for n in range(1, CLIENTS + 1)]


def test_concurrent_retries_with_one_idempotency_key_create_once(bo_server, bo_admin):
    def send(client: httpx.Client, index: int) -> httpx.Response:
        return client.post(f"{bo_server}/api/v1/appointments",
                           headers={"Idempotency-Key": "same-click-twice"},
                           json={"procedure": "carte_identite",
                                 "start": "2027-03-02T09:10:00+01:00", "name": "Jean Dupont",
                                 "email": "jean.dupont@example.fr"})

    responses = fire_together(8, send)
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["reference"] for r in responses}) == 1
    day = bo_admin("GET", "/api/v1/admin/appointments", params={"day": "2027-03-02"}).json()
    assert len(day["appointments"]) == 1


def test_concurrent_bulky_pickups_never_overfill_a_round(bo_server, bo_commune):
    capacity = bo_commune.bulky_round_capacity("nord")
    extra = 4

    def send(client: httpx.Client, index: int) -> httpx.Response:
        return client.post(f"{bo_server}/api/v1/bulky-waste-pickups", json={
            "street": "rue Victor Hugo", "items": ["armoire"], "name": f"Personne {index}",
            "email": f"personne{index}@example.fr"})

    responses = fire_together(capacity + extra, send)
    assert [r.status_code for r in responses] == [201] * (capacity + extra)
    dates = sorted(r.json()["pickup"]["date"] for r in responses)
    assert dates == ["2027-04-06"] * capacity + ["2027-05-04"] * extra
