"""Command line of the back office.

    python -m backoffice migrate          # apply database migrations
    python -m backoffice seed             # migrate, then load the demo cases
    python -m backoffice serve [--host H] [--port P]
    python -m backoffice check-commune [--dir communes/villebrune]
    python -m backoffice create-agent USERNAME --name "Prénom Nom" [--password-stdin]

Configuration comes from the environment (see backoffice/settings.py).
"""
from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import List, Optional

from .handoff import cli as handoff_cli
from .settings import Settings

logger = logging.getLogger("backoffice")


def _migrate(settings: Settings) -> int:
    from .migrate import upgrade
    upgrade(settings.database_url)
    print(f"Base de données à jour ({settings.database_url.split('@')[-1]}).")
    return 0


def _seed(settings: Settings) -> int:
    from .clock import Clock
    from .commune import load_commune
    from .db import make_engine, make_session_factory
    from .migrate import upgrade
    from .seed import seed_demo_data
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        created = seed_demo_data(make_session_factory(engine),
                                 Clock.from_setting(settings.fixed_now),
                                 load_commune(settings.commune_dir))
    finally:
        engine.dispose()
    print("Dossiers de démonstration créés : " + (", ".join(created) or "aucun (déjà présents)"))
    return 0


def _check_commune(directory: Path) -> int:
    from .commune import CommuneDataError, load_commune
    try:
        commune = load_commune(directory)
    except CommuneDataError as exc:
        print(f"Les données de la commune ({directory}) contiennent des erreurs :", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Données de la commune valides : {commune.info.name} — "
          f"{len(commune.services)} services, {len(commune.procedures)} démarches.")
    return 0


def _serve(settings: Settings, host: str, port: int) -> int:
    import uvicorn

    from .app import create_app
    from .commune import CommuneDataError
    try:
        app = create_app(replace(settings, auto_migrate=True))
    except CommuneDataError as exc:
        print("Démarrage impossible, données de la commune invalides :", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return 1
    uvicorn.run(app, host=host, port=port, log_level="info", ws="none")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backoffice",
                                     description="Back-office municipal Guichet.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="appliquer les migrations de la base")
    commands.add_parser("seed", help="créer les dossiers de démonstration")
    serve = commands.add_parser("serve", help="migrer puis lancer le serveur HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    check = commands.add_parser("check-commune", help="valider les données de la commune")
    check.add_argument("--dir", type=Path, default=None,
                       help="dossier de la commune (défaut : COMMUNE_DIR)")
    handoff_cli.add_parser(commands)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    if args.command == "migrate":
        return _migrate(settings)
    if args.command == "seed":
        return _seed(settings)
    if args.command == "serve":
        return _serve(settings, args.host, args.port)
    if args.command == handoff_cli.COMMAND:
        return handoff_cli.run(args, settings)
    return _check_commune(args.dir or settings.commune_dir)


if __name__ == "__main__":
    sys.exit(main())
