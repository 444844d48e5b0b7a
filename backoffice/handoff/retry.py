"""Background retry of agent messages Rasa did not accept.

Every HANDOFF_RETRY_SECONDS the back office looks for tickets with agent or system
messages not delivered yet (failed, or never tried because the process stopped) whose
next attempt is due (the back-off doubles after
each failure, up to HANDOFF_RETRY_BACKOFF_MAX_SECONDS), and delivers them again, in order,
through ``deliver_pending``. After HANDOFF_RETRY_MAX_ATTEMPTS failed attempts a message is
no longer retried in the background: the console shows it as not delivered for good, and
the agent's next message carries it again. ``install_retry`` runs the loop for the app's
lifetime (FastAPI lifespan); HANDOFF_RETRY_SECONDS=0 turns it off.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from typing import AsyncIterator, List

from fastapi import FastAPI
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..transactions import run_transaction
from .delivery import deliver_pending
from .models import AGENT, SYSTEM, Message
from .settings import HandoffSettings

logger = logging.getLogger(__name__)


def due_tickets(session: Session, now: datetime, settings: HandoffSettings) -> List[int]:
    """Tickets with an undelivered message whose next attempt is due."""
    return list(session.execute(
        select(Message.ticket_id).distinct().where(
            Message.author.in_((AGENT, SYSTEM)), Message.delivered_at.is_(None),
            Message.delivery_attempts < settings.retry_max_attempts,
            or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now))
        .order_by(Message.ticket_id)).scalars())


def retry_due(app: FastAPI) -> int:
    """One pass: delivers what is due; returns how many tickets were delivered."""
    ctx, state = app.state.context, app.state.handoff
    now = ctx.clock.now()
    delivered = 0
    for ticket_id in run_transaction(ctx.sessions,
                                     lambda s: due_tickets(s, now, state.settings)):
        if deliver_pending(ctx.sessions, state.delivery, ticket_id, now) is None:
            delivered += 1
    return delivered


async def _loop(app: FastAPI) -> None:
    while True:
        await asyncio.sleep(max(app.state.handoff.settings.retry_seconds, 1))
        try:
            await asyncio.to_thread(retry_due, app)
        except Exception:  # noqa: BLE001 - the loop must outlive a database hiccup
            logger.exception("Background retry of handoff deliveries failed")


def install_retry(app: FastAPI, settings: HandoffSettings) -> None:
    """Runs the retry loop inside the app's lifespan (around the existing one)."""
    if settings.retry_seconds <= 0:
        return
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_loop(running))
        try:
            async with inner(running) as value:
                yield value
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    app.router.lifespan_context = lifespan
