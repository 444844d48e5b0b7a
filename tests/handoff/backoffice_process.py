"""Real back-office processes for the action, broker and browser tests of the handoff."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import requests

from tools.stack import ROOT, Stack, free_port

DEMO_USER, DEMO_PASSWORD = "agent.demo", "guichet-demo-2026"


def start_backoffice(workdir: Path, fixed_now: Optional[str] = None,
                     extra_env: Optional[Dict[str, str]] = None,
                     ports: Optional[Dict[str, int]] = None) -> Stack:
    """A seeded back office (demo cases and demo agent) on a free port."""
    env = {"HANDOFF_SECRET": "test-handoff-secret", **(extra_env or {})}
    if fixed_now:
        env["BACKOFFICE_FIXED_NOW"] = fixed_now
    stack = Stack(services=("backoffice",), ports=ports or {"backoffice": free_port()},
                  workdir=workdir, extra_env=env)
    subprocess.run([sys.executable, "-m", "backoffice", "seed"], cwd=ROOT, env=stack.env,
                   check=True, capture_output=True)
    stack.start(timeout=90)
    return stack


def agent_console(base_url: str, username: str = DEMO_USER,
                  password: str = DEMO_PASSWORD) -> requests.Session:
    """A logged-in console session (the agent is then "online"); ``.csrf`` holds the token."""
    session = requests.Session()
    page = session.get(f"{base_url}/console/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base_url}/console/login", data={
        "username": username, "password": password, "csrf_token": token}, timeout=30)
    response.raise_for_status()
    session.csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
    session.headers.update({"Accept": "application/json", "X-CSRF-Token": session.csrf})
    session.base = base_url
    return session


def ticket(console: requests.Session, reference: str) -> dict:
    response = console.get(f"{console.base}/console/api/tickets/{reference}", timeout=10)
    response.raise_for_status()
    return response.json()
