"""The agent console: login and sessions, queue order, atomic claim, live chat both ways,
canned replies, internal notes, closing and giving the conversation back to the bot."""
from __future__ import annotations

import threading

import httpx
import pytest

from tests.backoffice.bo_helpers import assert_error

from .conftest import PASSWORD, action, csrf_of, login, ticket_body


# -- authentication ------------------------------------------------------------------------
def test_console_needs_login(ho_app, sqlite_only):
    from fastapi.testclient import TestClient
    with TestClient(ho_app) as client:
        page = client.get("/console/", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/console/login")
        login_page = client.get("/console/login")
        assert '<html lang="fr">' in login_page.text and "Mot de passe" in login_page.text
        assert "https://" not in login_page.text  # no external CDN
        assert_error(client.get("/console/api/queue"), 401, "not_logged_in")


def test_wrong_password_and_unknown_agent(ho_app, make_agent, sqlite_only):
    from fastapi.testclient import TestClient
    make_agent("camille")
    with TestClient(ho_app) as client:
        for username, password in (("camille", "mauvais-mot-de-passe"), ("personne", PASSWORD)):
            response = login(client, username, password)
            assert response.status_code == 401
            assert "Identifiant ou mot de passe incorrect." in response.text
        assert "guichet_console" not in client.cookies
        assert login(client, "Camille").status_code == 303  # user names ignore case


def test_login_is_rate_limited(ho_app, make_agent, sqlite_only):
    from fastapi.testclient import TestClient
    make_agent("camille")
    with TestClient(ho_app) as client:
        for _ in range(5):
            assert login(client, "camille", "faux-mot-de-passe").status_code == 401
        blocked = login(client, "camille")
        assert blocked.status_code == 429 and "Trop de tentatives" in blocked.text


def test_login_form_needs_its_csrf_token(ho_app, make_agent, sqlite_only):
    from fastapi.testclient import TestClient
    make_agent("camille")
    with TestClient(ho_app) as client:
        response = client.post("/console/login", data={
            "username": "camille", "password": PASSWORD, "csrf_token": "forged"})
        assert response.status_code == 403 and "expiré" in response.text


def test_logout_ends_the_session(console, sqlite_only):
    client, csrf = console()
    assert client.get("/console/api/queue").status_code == 200
    cookie = client.cookies.get("guichet_console")
    out = client.post("/console/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/console/login"
    client.cookies.set("guichet_console", cookie, path="/console")  # a stolen cookie is dead
    assert_error(client.get("/console/api/queue"), 401, "not_logged_in")


def test_session_expires_after_inactivity(console, ho_clock, sqlite_only):
    client, _ = console()
    ho_clock.advance(minutes=59)
    assert client.get("/console/api/queue").status_code == 200  # activity renews it
    ho_clock.advance(minutes=59)
    assert client.get("/console/api/queue").status_code == 200
    ho_clock.advance(minutes=61)
    assert_error(client.get("/console/api/queue"), 401, "not_logged_in")


def test_posts_need_the_csrf_token(console, ho_client, sqlite_only):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    forged = client.post(f"/console/tickets/{reference}/claim", data={"csrf_token": "x"},
                         headers={"Accept": "application/json"})
    assert_error(forged, 403, "csrf_failed")
    assert action(client, csrf, reference, "claim").status_code == 200


def test_create_agent_command_and_demo_agent(tmp_path, sqlite_only):
    import os
    import subprocess
    import sys

    from tests.backoffice.bo_helpers import REPO
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
               PYTHONPATH=str(REPO))
    created = subprocess.run(
        [sys.executable, "-m", "backoffice", "create-agent", "lea.moreau", "--name",
         "Léa Moreau", "--password-stdin"], input="un-mot-de-passe-long\n", text=True,
        capture_output=True, env=env, cwd=REPO)
    assert created.returncode == 0, created.stderr
    assert "Léa Moreau" in created.stdout
    again = subprocess.run(
        [sys.executable, "-m", "backoffice", "create-agent", "lea.moreau", "--name", "Léa",
         "--password-stdin"], input="un-mot-de-passe-long\n", text=True, capture_output=True,
        env=env, cwd=REPO)
    assert again.returncode == 1 and "existe déjà" in again.stderr
    seeded = subprocess.run([sys.executable, "-m", "backoffice", "seed"], text=True,
                            capture_output=True, env=env, cwd=REPO)
    assert seeded.returncode == 0 and "agent.demo" in seeded.stdout
    from sqlalchemy import create_engine, text
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        hashes = {row[0]: row[1] for row in conn.execute(
                text("SELECT username, password_hash FROM handoff_agents"))}
    engine.dispose()
    assert set(hashes) == {"lea.moreau", "agent.demo"}
    assert all(h.startswith("$2b$") for h in hashes.values())  # bcrypt, never the password


# -- queue and claim -----------------------------------------------------------------------
def test_queue_sorted_by_priority_then_waiting_time(console, ho_client, ho_clock):
    client, _ = console()
    refs = {}
    for name, urgency in (("old", None), ("urgent", "urgent"), ("new", None),
                          ("danger", "danger")):
        refs[name] = ho_client.post("/api/v1/handoff/tickets", json=ticket_body(
            name, urgency=urgency, reason="urgency" if urgency else "citizen_request")).json()[
            "reference"]
        ho_clock.advance(seconds=20)  # the agent stays "online" (seen within 90 s)
    queue = client.get("/console/api/queue").json()
    assert [t["reference"] for t in queue["tickets"]] == [
        refs["danger"], refs["urgent"], refs["old"], refs["new"]]
    assert queue["agents_online"] == 1
    page = client.get("/console/").text
    assert page.index(refs["danger"]) < page.index(refs["old"])


def test_two_agents_claim_at_once_exactly_one_wins(ho_app, ho_server, ho_client, make_agent):
    """20 agents click "Prendre en charge" at the same time on a real server."""
    from backoffice.handoff.sessions import open_session
    from backoffice.handoff.models import Agent
    from backoffice.transactions import run_transaction
    first = make_agent("agent0", "Agent Zéro")
    sessions_factory = ho_app.state.context.sessions

    def add_agents(session):
        agents = [session.get(Agent, first.id)]
        for number in range(1, 20):
            agent = Agent(username=f"agent{number}", display_name=f"Agent {number}",
                          password_hash=first.password_hash, active=True,
                          created_at=first.created_at)
            session.add(agent)
            agents.append(agent)
        session.flush()
        return [(open_session(session, agent, first.created_at),
                 agent.id) for agent in agents]

    tokens = run_transaction(sessions_factory, add_agents)

    def csrf_for(token):
        with httpx.Client(base_url=ho_server, cookies={"guichet_console": token}) as client:
            return csrf_of(client.get("/console/").text)

    clients = [(token, csrf_for(token)) for token, _ in tokens]
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def claim(index, token, csrf):
        with httpx.Client(base_url=ho_server, cookies={"guichet_console": token},
                          timeout=60) as client:
            barrier.wait()
            results[index] = client.post(
                f"/console/tickets/{reference}/claim", data={"csrf_token": csrf},
                headers={"Accept": "application/json", "X-CSRF-Token": csrf})

    threads = [threading.Thread(target=claim, args=(i, token, csrf))
               for i, (token, csrf) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [409] * 19, [r.text for r in results if r.status_code >= 500]
    losers = [r.json()["error"] for r in results if r.status_code == 409]
    assert {e["code"] for e in losers} == {"already_claimed"}
    assert "déjà été pris en charge par" in losers[0]["message"]


# -- chat, canned replies, notes -------------------------------------------------------------
def test_live_chat_both_ways(console, ho_client, fake_rasa):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    assert_error(action(client, csrf, reference, "messages", text="Bonjour"), 409,
                 "not_your_ticket")
    assert action(client, csrf, reference, "claim").json() == {"claimed": True,
                                                               "reference": reference}
    assert fake_rasa.texts() == ["Camille, agent de la mairie, a rejoint la conversation."]
    sent = action(client, csrf, reference, "messages", text="Bonjour, que puis-je faire ?")
    assert sent.json()["delivered"] is True
    call = fake_rasa.rasa_calls()[-1]
    assert call["url"] == "http://rasa.test/webhooks/handoff/deliver"
    assert call["secret"] == "test-secret"
    assert call["body"]["conversation_id"] == "conv-1" and call["body"]["channel"] == "socketio"
    assert call["body"]["messages"][0]["agent_name"] == "Camille Martin"
    ho_client.post("/api/v1/handoff/citizen-messages", json={"messages": [
        {"conversation_id": "conv-1", "text": "Je n'ai pas reçu mon acte", "message_id": "m9"}]})
    data = client.get(f"/console/api/tickets/{reference}").json()
    assert [m["author"] for m in data["messages"]] == ["system", "agent", "citizen"]
    last = data["messages"][1]["id"]
    newer = client.get(f"/console/api/tickets/{reference}", params={"after": last}).json()
    assert [m["text"] for m in newer["messages"]] == ["Je n'ai pas reçu mon acte"]
    assert data["summary"]["intent"] == "human_handoff"
    assert data["summary"]["slots"] == {"citizen_email": "jean.dupont@example.fr"}
    assert_error(action(client, csrf, reference, "messages", text="   "), 422, "empty_text")


def test_undelivered_messages_are_shown_and_retried(console, ho_client, fake_rasa, sqlite_only):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    action(client, csrf, reference, "claim")
    fake_rasa.fail = True
    sent = action(client, csrf, reference, "messages", text="Premier message").json()
    assert sent["delivered"] is False and "503" in sent["delivery_error"]
    page = client.get(f"/console/tickets/{reference}").text
    assert "non remis" in page
    fake_rasa.fail = False
    action(client, csrf, reference, "messages", text="Second message")
    assert fake_rasa.rasa_calls()[-1]["body"]["messages"][-2:] == [
        {"id": sent["id"], "author": "agent", "text": "Premier message",
         "agent_name": "Camille Martin"},
        {"id": sent["id"] + 1, "author": "agent", "text": "Second message",
         "agent_name": "Camille Martin"}]


def test_canned_replies_from_the_commune_file(console, ho_client, sqlite_only):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    action(client, csrf, reference, "claim")
    page = client.get(f"/console/tickets/{reference}").text
    assert "Réponse type" in page and "Orientation CCAS" in page
    assert ("Bonjour, je suis Camille, agent de la mairie de Villebrune. J&#39;ai bien lu votre "
            "demande, je m&#39;en occupe.") in page
    assert f"Votre demande porte la référence {reference}." in page


def test_canned_replies_file_is_validated(tmp_path):
    from backoffice.handoff.canned import CannedRepliesError, load_canned_replies
    bad = tmp_path / "canned_replies.yml"
    bad.write_text("replies:\n  - id: a\n    title: A\n", encoding="utf-8")
    with pytest.raises(CannedRepliesError, match="réponse n° 1"):
        load_canned_replies(bad)
    assert load_canned_replies(tmp_path / "absent.yml") == []


def test_internal_notes_stay_internal(console, ho_client, fake_rasa, sqlite_only):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    note = action(client, csrf, reference, "notes", text="Usager déjà venu au guichet lundi.")
    assert note.json()["note"]["agent_name"] == "Camille Martin"
    data = client.get(f"/console/api/tickets/{reference}").json()
    assert [n["text"] for n in data["notes"]] == ["Usager déjà venu au guichet lundi."]
    assert fake_rasa.calls == []
    poll = ho_client.get("/api/v1/handoff/conversations/conv-1/messages").json()
    assert poll["messages"] == []


# -- closing, giving back, persistence -----------------------------------------------------
def test_give_back_resumes_the_bot(console, ho_client, fake_rasa):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    action(client, csrf, reference, "claim")
    action(client, csrf, reference, "messages", text="Voilà, c'est réglé.")
    response = action(client, csrf, reference, "release")
    assert response.json() == {"status": "returned", "reference": reference}
    resume = fake_rasa.rasa_calls()[-1]["body"]["resume"]
    assert resume["text"].startswith("Je reprends la conversation")
    data = client.get(f"/console/api/tickets/{reference}").json()
    assert data["ticket"]["status"] == "returned"
    assert client.get("/console/api/queue").json()["tickets"] == []
    # The conversation may be handed over again later: a new ticket.
    again = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()
    assert again["reference"] != reference and again["existing"] is False


def test_give_back_refused_when_the_bot_cannot_resume(console, ho_client, fake_rasa,
                                                       sqlite_only):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    action(client, csrf, reference, "claim")
    fake_rasa.fail = True
    error = assert_error(action(client, csrf, reference, "release"), 502, "bot_unreachable")
    assert "reste ouvert" in error["message"]
    assert client.get(f"/console/api/tickets/{reference}").json()["ticket"]["status"] == "claimed"


def test_close_a_callback_ticket_without_rasa(console, ho_client, fake_rasa, ho_clock,
                                              sqlite_only):
    from .conftest import CLOSED_NOW
    ho_clock.current = CLOSED_NOW
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body(
        kind="callback", callback={"email": "jean.dupont@example.fr"})).json()["reference"]
    page = client.get(f"/console/tickets/{reference}").text
    assert "Demande de rappel" in page and "jean.dupont@example.fr" in page
    action(client, csrf, reference, "claim")
    assert_error(action(client, csrf, reference, "messages", text="Bonjour"), 409, "not_live")
    assert action(client, csrf, reference, "close").json()["status"] == "closed"
    assert fake_rasa.calls == []
    assert_error(action(client, csrf, reference, "close"), 409, "ticket_closed")


def test_only_the_owner_closes_a_claimed_ticket(console, ho_client, sqlite_only):
    camille, csrf1 = console("camille", "Camille Martin")
    leo, csrf2 = console("leo", "Léo Bernard")
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    action(camille, csrf1, reference, "claim")
    assert_error(action(leo, csrf2, reference, "claim"), 409, "already_claimed")
    assert_error(action(leo, csrf2, reference, "close"), 409, "not_your_ticket")
    assert_error(action(leo, csrf2, reference, "release"), 409, "not_your_ticket")


def test_reopening_the_console_loses_nothing(console, ho_app, ho_client, sqlite_only):
    from fastapi.testclient import TestClient
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    action(client, csrf, reference, "claim")
    action(client, csrf, reference, "messages", text="Je regarde votre dossier.")
    action(client, csrf, reference, "notes", text="Dossier EC-2025-04411.")
    with TestClient(ho_app) as fresh:  # another browser, a new login
        assert login(fresh, "camille").status_code == 303
        page = fresh.get(f"/console/tickets/{reference}").text
    for expected in ("Je regarde votre dossier.", "Dossier EC-2025-04411.",
                     "Je voudrais parler à quelqu&#39;un", "Rendre la main à l'assistant"):
        assert expected in page


def test_forms_work_without_javascript(console, ho_client, sqlite_only):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    response = client.post(f"/console/tickets/{reference}/claim", data={"csrf_token": csrf},
                           follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/console/tickets/{reference}"
    refused = client.post(f"/console/tickets/{reference}/messages",
                          data={"csrf_token": csrf, "text": ""}, follow_redirects=True)
    assert "Le message est vide." in refused.text
