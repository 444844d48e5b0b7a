"""Migrations (no drift from the models, reversible, constraints in the database) and the
command line: migrate, seed, check-commune and serve, run as real subprocesses."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timezone

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backoffice.migrate import downgrade, upgrade
from backoffice.models import Appointment, Base, Case
from tools.stack import free_port

from .bo_helpers import COMMUNE_DIR, REPO
TABLES = {"appointments", "appointment_events", "cases", "case_events", "reference_counters",
          "idempotency_keys", "lookup_failures", "alembic_version",
          # added by the handoff migration (0002)
          "handoff_agents", "handoff_agent_sessions", "handoff_tickets", "handoff_messages",
          "handoff_notes"}


def test_migrations_match_the_models(bo_database_url):
    engine = create_engine(bo_database_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert set(inspect(conn).get_table_names()) == TABLES
    engine.dispose()


def test_migrations_downgrade_and_upgrade_again(bo_database_url):
    engine = create_engine(bo_database_url)
    downgrade(bo_database_url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(bo_database_url)
    assert set(inspect(engine).get_table_names()) == TABLES
    engine.dispose()


def run_cli(*args, env, timeout=120):
    return subprocess.run([sys.executable, "-m", "backoffice", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def bo_cli_env(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BACKOFFICE_", "DATABASE_URL", "COMMUNE_DIR"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    return env


def test_migrate_and_seed_are_idempotent(bo_cli_env):
    migrated = run_cli("migrate", env=bo_cli_env)
    assert migrated.returncode == 0, migrated.stderr
    assert "BACKOFFICE_API_KEYS is unset" in migrated.stderr  # documented dev-key warning
    first = run_cli("seed", env=bo_cli_env)
    assert first.returncode == 0, first.stderr
    for reference in ("URB-2026-00123", "EC-2025-04411", "SIG-2026-00007", "DEC-2026-00015"):
        assert reference in first.stdout
    again = run_cli("seed", env=bo_cli_env)
    assert again.returncode == 0 and "aucun" in again.stdout


def test_check_commune_reports_errors_in_french(bo_cli_env, tmp_path):
    good = run_cli("check-commune", env=bo_cli_env)
    assert good.returncode == 0, good.stderr
    assert "Villebrune" in good.stdout
    broken = tmp_path / "commune"
    shutil.copytree(COMMUNE_DIR, broken)
    services = broken / "services.yml"
    services.write_text(services.read_text(encoding="utf-8").replace("08:30-12:00", "08:30-25:00",
                                                                     1), encoding="utf-8")
    bad = run_cli("check-commune", "--dir", str(broken), env=bo_cli_env)
    assert bad.returncode == 1
    assert "services.yml" in bad.stderr and "25:00" in bad.stderr


def test_serve_migrates_and_answers(bo_cli_env):
    assert run_cli("seed", env=bo_cli_env).returncode == 0
    port = free_port()
    env = {**bo_cli_env, "BACKOFFICE_API_KEYS": "key-one, key-two"}
    process = subprocess.Popen([sys.executable, "-m", "backoffice", "serve", "--port", str(port)],
                               cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert health.json()["database"] == "ok"
        case = httpx.post(f"{base}/api/v1/cases/lookup", headers={"X-API-Key": "key-two"},
                          json={"reference": "URB-2026-00123",
                                "email": "jean.dupont@example.fr"})
        assert case.status_code == 200 and case.json()["status"] == "incomplet"
        dev_key = httpx.get(f"{base}/api/v1/commune",
                            headers={"X-API-Key": "dev-action-server-key"})
        assert dev_key.status_code == 401  # the dev key only works when no key is configured
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _appointment(reference: str, status: str = "confirmed") -> Appointment:
    start = datetime(2027, 3, 2, 7, 30, tzinfo=timezone.utc)
    return Appointment(reference=reference, procedure="mariage", service_id="etat_civil",
                       start_at=start, end_at=start, counter=1, status=status,
                       citizen_name="A", citizen_email="a@example.fr")


def test_database_itself_refuses_a_double_booking(bo_database_url):
    """The last line of defence: the partial unique index on confirmed appointments."""
    engine = create_engine(bo_database_url)
    with Session(engine) as session:
        session.add_all([_appointment("RDV-2027-00001"),
                         _appointment("RDV-2027-00002", status="cancelled")])
        session.commit()
        session.add(_appointment("RDV-2027-00003"))
        with pytest.raises(IntegrityError):
            session.commit()
    engine.dispose()


def test_database_itself_refuses_two_pickups_on_one_place(bo_database_url):
    def pickup(reference: str, status: str = "planifie") -> Case:
        return Case(reference=reference, kind="DEC", case_type="encombrants", title="x",
                    status=status, sector="nord", pickup_date=date(2027, 4, 6),
                    pickup_position=1, missing_documents=[])

    engine = create_engine(bo_database_url)
    with Session(engine) as session:
        session.add_all([pickup("DEC-2027-00001"), pickup("DEC-2027-00002", status="annule")])
        session.commit()
        session.add(pickup("DEC-2027-00003"))
        with pytest.raises(IntegrityError):
            session.commit()
    engine.dispose()
