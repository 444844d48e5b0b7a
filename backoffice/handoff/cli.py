"""Command line of the handoff: ``python -m backoffice create-agent`` and the demo agent.

    python -m backoffice create-agent camille.martin --name "Camille Martin"
        (asks the password twice; or give it on stdin with --password-stdin)
"""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from typing import List

from ..transactions import run_transaction
from .accounts import DEMO_USERNAME, AccountError, create_agent, ensure_demo_agent

COMMAND = "create-agent"


def add_parser(commands) -> None:
    parser = commands.add_parser(COMMAND, help="créer un compte d'agent pour la console")
    parser.add_argument("username", help="identifiant de connexion (sans espace)")
    parser.add_argument("--name", required=True, help="nom affiché, ex. « Camille Martin »")
    parser.add_argument("--password-stdin", action="store_true",
                        help="lire le mot de passe sur l'entrée standard")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Mot de passe (confirmation) : ") != first:
        raise AccountError("Les deux mots de passe ne sont pas identiques.")
    return first


def run(args: argparse.Namespace, settings) -> int:
    from ..clock import Clock
    from ..db import make_engine, make_session_factory
    from ..migrate import upgrade
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        password = _password(args)
        now = Clock.from_setting(settings.fixed_now).now()
        agent = run_transaction(make_session_factory(engine), lambda session: create_agent(
            session, args.username, args.name, password, now))
    except AccountError as exc:
        print(f"Agent non créé : {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Agent « {agent.username} » ({agent.display_name}) créé.")
    return 0


def seed_demo_agent(sessions, now: datetime) -> List[str]:
    """Create the documented demo agent if missing (called by ``seed``)."""
    created = run_transaction(sessions, lambda session: ensure_demo_agent(session, now))
    return [f"agent {DEMO_USERNAME}"] if created else []
