"""Appointments API: slots, booking rules, idempotency, look-up, cancel and reschedule.

"Now" is frozen on Monday 1 March 2027 at 08:00 (see bo_helpers.FIXED_NOW).
carte_identite: 20 min, 2 counters, 24 h lead, 90 days ahead, service etat_civil
(Mon-Thu 08:30-12:00 and 13:30-17:30, Sat 09:00-12:00; closed until 10:30 on 12 March 2027).
"""
from __future__ import annotations

from datetime import datetime

import pytest

from .bo_helpers import assert_error

PERSON = {"name": "Jean Dupont", "email": "jean.dupont@example.fr", "phone": "06 12 34 56 78"}
TUESDAY_0830 = "2027-03-02T08:30:00+01:00"


def book(client, start=TUESDAY_0830, procedure="carte_identite", headers=None, **person):
    body = {"procedure": procedure, "start": start, **PERSON, **person}
    return client.post("/api/v1/appointments", json=body, headers=headers or {})


def slots(client, procedure="carte_identite", start="2027-03-01", end="2027-03-07"):
    response = client.get("/api/v1/slots",
                          params={"procedure": procedure, "start": start, "end": end})
    assert response.status_code == 200, response.text
    return response.json()


def test_procedures_come_from_the_commune(bo_client):
    procedures = {p["code"]: p for p in bo_client.get("/api/v1/procedures").json()}
    assert set(procedures) == {"carte_identite", "passeport", "mariage", "pacs", "urbanisme"}
    passport = bo_client.get("/api/v1/procedures/passeport").json()
    assert passport == procedures["passeport"]
    assert passport["service"] == "etat_civil" and passport["documents"]
    assert_error(bo_client.get("/api/v1/procedures/permis_de_chasse"), 404, "unknown_procedure")


def test_slots_follow_opening_hours_and_lead_time(bo_client):
    body = slots(bo_client)
    starts = [datetime.fromisoformat(s["start"]) for s in body["slots"]]
    assert body["earliest_bookable"] == "2027-03-02T08:00:00+01:00"
    # Nothing on Monday (24 h lead time) nor on Sunday; Tuesday starts at 08:30.
    assert {s.date().isoformat() for s in starts} == {
        "2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05", "2027-03-06"}
    tuesday = [s.strftime("%H:%M") for s in starts if s.day == 2]
    assert tuesday[:3] == ["08:30", "08:50", "09:10"]
    assert tuesday[9] == "11:30" and tuesday[10] == "13:30" and tuesday[-1] == "17:10"
    assert len(tuesday) == 10 + 12
    saturday = [s.strftime("%H:%M") for s in starts if s.day == 6]
    assert saturday[0] == "09:00" and saturday[-1] == "11:40"
    assert all(s["available"] == 2 for s in body["slots"])
    assert {d["date"] for d in body["closed_days"]} == {"2027-03-07"}


def test_slots_honour_holidays_and_partial_closures(bo_client):
    body = slots(bo_client, start="2027-03-12", end="2027-03-29")
    by_day = {}
    for slot in body["slots"]:
        by_day.setdefault(slot["start"][:10], []).append(slot["start"][11:16])
    assert by_day["2027-03-12"][0] == "10:30"  # closed until 10:30 (staff training)
    assert "2027-03-29" not in by_day  # Easter Monday
    reasons = {d["date"]: d["reason"] for d in body["closed_days"]}
    assert "Pâques" in reasons["2027-03-29"]


def test_slot_range_is_capped(bo_client):
    response = bo_client.get("/api/v1/slots", params={
        "procedure": "carte_identite", "start": "2027-03-01", "end": "2027-04-15"})
    error = assert_error(response, 422, "date_range_too_long")
    assert error["details"] == {"max_days": 31}
    assert_error(bo_client.get("/api/v1/slots", params={
        "procedure": "carte_identite", "start": "2027-03-10", "end": "2027-03-01"}),
        422, "invalid_date_range")
    assert_error(bo_client.get("/api/v1/slots", params={
        "procedure": "carte_identite", "start": "9999-12-31"}), 422, "date_out_of_range")


def test_booking_fills_counters_then_refuses(bo_client):
    first = book(bo_client)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["reference"].startswith("RDV-2027-")
    assert (body["procedure"], body["start"], body["end"], body["counter"], body["status"]) == (
        "carte_identite", TUESDAY_0830, "2027-03-02T08:50:00+01:00", 1, "confirmed")
    assert body["citizen"]["email"] == PERSON["email"]
    second = book(bo_client, name="Marie Durand", email="marie@example.fr")
    assert second.json()["counter"] == 2
    assert second.json()["reference"] != body["reference"]
    assert_error(book(bo_client), 409, "slot_unavailable")
    remaining = [s["start"] for s in slots(bo_client)["slots"]]
    assert TUESDAY_0830 not in remaining and "2027-03-02T08:50:00+01:00" in remaining


def test_naive_start_is_paris_time(bo_client):
    response = book(bo_client, start="2027-03-02T08:50:00")
    assert response.status_code == 201
    assert response.json()["start"] == "2027-03-02T08:50:00+01:00"
    utc = book(bo_client, start="2027-03-02T07:50:00Z")  # the same instant
    assert utc.json()["counter"] == 2


@pytest.mark.parametrize("start, code", [
    ("2027-02-26T09:10:00+01:00", "slot_in_past"),
    ("2027-03-01T13:30:00+01:00", "slot_too_soon"),
    ("2027-08-02T08:30:00+02:00", "slot_too_far"),
    ("2027-03-29T08:30:00+02:00", "service_closed"),  # Easter Monday
    ("2027-03-07T09:00:00+01:00", "service_closed"),  # Sunday
    ("2027-03-02T08:40:00+01:00", "slot_outside_opening_hours"),  # not on the grid
    ("2027-03-02T12:00:00+01:00", "slot_outside_opening_hours"),  # lunch break
    ("2027-03-12T08:30:00+01:00", "slot_outside_opening_hours"),  # closed until 10:30
])
def test_booking_refuses_unbookable_starts(bo_client, start, code):
    assert_error(book(bo_client, start=start), 422, code)


def test_unknown_procedure_is_refused(bo_client):
    assert_error(book(bo_client, procedure="permis_de_chasse"), 404, "unknown_procedure")


def test_idempotent_booking(bo_client, bo_admin):
    headers = {"Idempotency-Key": "booking-42"}
    first = book(bo_client, headers=headers)
    again = book(bo_client, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    listed = bo_admin("GET", "/api/v1/admin/appointments", params={"day": "2027-03-02"}).json()
    assert [a["reference"] for a in listed["appointments"]] == [first.json()["reference"]]
    other = book(bo_client, headers=headers, start="2027-03-02T08:50:00+01:00")
    error = assert_error(other, 409, "idempotency_key_reused")
    assert "nouvelle clé" in error["message"]
    # A new key is a new booking.
    assert book(bo_client, headers={"Idempotency-Key": "booking-43"}).json()["counter"] == 2


def test_idempotency_key_header_is_validated(bo_client):
    response = book(bo_client, headers={"Idempotency-Key": "x" * 300})
    assert_error(response, 422, "validation_error")


def test_lookup_cancel_reschedule_need_the_right_email(bo_client):
    reference = book(bo_client).json()["reference"]
    wrong = {"email": "someone.else@example.fr"}
    unknown_ref = reference[:-5] + "99999"
    answers = [
        bo_client.post("/api/v1/appointments/lookup", json={"reference": reference, **wrong}),
        bo_client.post("/api/v1/appointments/lookup",
                       json={"reference": unknown_ref, "email": PERSON["email"]}),
        bo_client.post(f"/api/v1/appointments/{reference}/cancel", json=wrong),
        bo_client.post(f"/api/v1/appointments/{reference}/reschedule",
                       json={**wrong, "start": "2027-03-02T09:10:00+01:00"}),
    ]
    for answer in answers:
        assert_error(answer, 404, "not_found")
    assert len({a.text for a in answers}) == 1  # same body: nothing leaks
    still = bo_client.post("/api/v1/appointments/lookup",
                           json={"reference": reference.lower(), "email": "JEAN.Dupont@Example.FR"})
    assert still.status_code == 200
    assert (still.json()["status"], still.json()["start"]) == ("confirmed", TUESDAY_0830)


def test_reschedule_moves_and_frees_the_old_slot(bo_client, bo_admin):
    reference = book(bo_client).json()["reference"]
    moved = bo_client.post(f"/api/v1/appointments/{reference}/reschedule",
                           json={"email": PERSON["email"], "start": "2027-03-03T14:10:00+01:00"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["reference"] == reference
    assert moved.json()["start"] == "2027-03-03T14:10:00+01:00"
    available = {s["start"]: s["available"] for s in slots(bo_client)["slots"]}
    assert available[TUESDAY_0830] == 2 and available["2027-03-03T14:10:00+01:00"] == 1
    # Moving onto a full slot is refused and leaves the appointment where it was.
    book(bo_client, start="2027-03-04T09:10:00+01:00")
    book(bo_client, start="2027-03-04T09:10:00+01:00")
    full = bo_client.post(f"/api/v1/appointments/{reference}/reschedule",
                          json={"email": PERSON["email"], "start": "2027-03-04T09:10:00+01:00"})
    assert_error(full, 409, "slot_unavailable")
    invalid = bo_client.post(f"/api/v1/appointments/{reference}/reschedule",
                             json={"email": PERSON["email"], "start": "2027-03-29T09:10:00+02:00"})
    assert_error(invalid, 422, "service_closed")
    day = bo_admin("GET", "/api/v1/admin/appointments", params={"day": "2027-03-03"}).json()
    assert [a["reference"] for a in day["appointments"]] == [reference]


def test_cancel_frees_the_slot_and_is_final(bo_client):
    reference = book(bo_client).json()["reference"]
    book(bo_client)  # second counter
    cancelled = bo_client.post(f"/api/v1/appointments/{reference}/cancel",
                               json={"email": PERSON["email"].upper()})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert "annulé" in cancelled.json()["status_label"]
    again = bo_client.post(f"/api/v1/appointments/{reference}/cancel",
                           json={"email": PERSON["email"]})
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    reborn = book(bo_client)
    assert reborn.status_code == 201 and reborn.json()["counter"] == 1
    moved = bo_client.post(f"/api/v1/appointments/{reference}/reschedule",
                           json={"email": PERSON["email"], "start": "2027-03-03T14:10:00+01:00"})
    assert_error(moved, 409, "appointment_cancelled")


def test_admin_day_lists_confirmed_and_cancelled(bo_client, bo_admin):
    kept = book(bo_client).json()["reference"]
    gone = book(bo_client, start="2027-03-02T13:30:00+01:00").json()["reference"]
    bo_client.post(f"/api/v1/appointments/{gone}/cancel", json={"email": PERSON["email"]})
    day = bo_admin("GET", "/api/v1/admin/appointments", params={"day": "2027-03-02"}).json()
    assert [(a["reference"], a["status"]) for a in day["appointments"]] == [
        (kept, "confirmed"), (gone, "cancelled")]
    empty = bo_admin("GET", "/api/v1/admin/appointments").json()
    assert empty == {"day": "2027-03-01", "appointments": []}
