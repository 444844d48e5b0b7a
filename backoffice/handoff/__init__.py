"""Human handoff: AGT tickets, the agent console and the API the assistant uses.

``install(app)`` is called by the app factory: it reads the handoff settings, loads the
commune's canned replies, mounts the API (``/api/v1/handoff``), the console
(``/console/``) and its static files, and starts the background retry of failed
deliveries with the app (retry.py). See docs/handoff.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .canned import FILE_NAME, CannedReply, load_canned_replies
from .delivery import Delivery
from .retry import install_retry
from .settings import HandoffSettings

STATIC_DIR = Path(__file__).with_name("static")


@dataclass
class HandoffState:
    settings: HandoffSettings
    canned: List[CannedReply]
    delivery: Delivery


def install(app: FastAPI, settings: Optional[HandoffSettings] = None) -> None:
    from . import api, console

    settings = settings or HandoffSettings.from_env()
    commune_dir = app.state.context.settings.commune_dir
    canned = load_canned_replies(settings.canned_replies or Path(commune_dir) / FILE_NAME)
    app.state.handoff = HandoffState(settings, canned, Delivery(settings))
    app.include_router(api.router)
    app.include_router(console.router)
    app.mount("/console/static", StaticFiles(directory=str(STATIC_DIR)), name="console-static")
    install_retry(app, settings)
