"""The agent console (``/console/``): login, queue, tickets, live chat, notes, closing.

Server-rendered French pages that work without JavaScript (every action is a form with
a CSRF token); ``static/console.js`` polls ``/console/api/...`` every 500 ms to show new
citizen messages and queue changes, and submits the same forms with ``fetch``
(``Accept: application/json``, token in ``X-CSRF-Token``). All state is in the database:
closing and reopening the console loses nothing.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ..clock import to_local
from ..context import AppContext, get_context
from ..errors import ApiError
from ..schemas.common import TEXT_PATTERN
from ..transactions import run_transaction
from . import accounts, sessions, texts, tickets
from .canned import rendered
from .delivery import deliver_pending
from .models import AGENT, BOT, CALLBACK, CLAIMED, CLOSED, LIVE, RETURNED, SYSTEM, Agent

router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
MAX_TEXT = 2000
_STORABLE = re.compile(TEXT_PATTERN)
POLL_MS = 500


def _local(value: Optional[datetime], fmt: str = "%d/%m %H:%M") -> str:
    return to_local(value).strftime(fmt) if value else ""


templates.env.filters["local"] = _local
templates.env.globals.update(texts=texts, poll_ms=POLL_MS)


# -- helpers -----------------------------------------------------------------------------
def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _clean_text(raw: Optional[str], what: str) -> str:
    value = (raw or "").strip()
    if not value:
        raise ApiError(422, "empty_text", f"{what} est vide.")
    if len(value) > MAX_TEXT or not _STORABLE.match(value):
        raise ApiError(422, "invalid_text",
                       f"{what} est trop long ({MAX_TEXT} caractères au maximum) ou contient "
                       "des caractères non autorisés.")
    return value


def _login_redirect(request: Request) -> RedirectResponse:
    target = quote(request.url.path, safe="/")
    return RedirectResponse(f"/console/login?suite={target}", status_code=303)


def _current(request: Request, ctx: AppContext) -> Optional[Dict[str, Any]]:
    """The logged-in agent's session as plain values, or None (expired or logged out)."""
    token = request.cookies.get(sessions.COOKIE)
    settings = request.app.state.handoff.settings
    now = ctx.clock.now()

    def work(session):
        record = sessions.resolve(session, token, now, settings)
        if record is None:
            return None
        return {"agent_id": record.agent_id, "name": record.agent.display_name,
                "username": record.agent.username, "csrf": record.csrf_token,
                "available": record.agent.available}

    return run_transaction(ctx.sessions, work) if token else None


def _require(request: Request, ctx: AppContext, csrf: Optional[str] = None) -> Dict[str, Any]:
    me = _current(request, ctx)
    if me is None:
        raise ApiError(401, "not_logged_in",
                       "Votre session a expiré ou vous n'êtes pas connecté : reconnectez-vous.")
    if csrf is not None or request.method == "POST":
        given = request.headers.get("X-CSRF-Token") or csrf
        if not sessions.same_token(given, me["csrf"]):
            raise ApiError(403, "csrf_failed",
                           "La page a expiré. Rechargez-la puis recommencez.")
    return me


def _agent(session, me) -> Agent:
    return session.get(Agent, me["agent_id"])


def _ticket_view(session, ticket) -> Dict[str, Any]:
    return {"reference": ticket.reference, "kind": ticket.kind,
            "kind_label": texts.KIND_LABELS[ticket.kind], "status": ticket.status,
            "status_label": texts.STATUS_LABELS[ticket.status], "priority": ticket.priority,
            "urgency_label": texts.URGENCY_LABELS.get(ticket.urgency, ticket.urgency),
            "reason_label": texts.reason_label(ticket.reason),
            "channel_label": texts.CHANNEL_LABELS.get(ticket.channel, ticket.channel),
            "agent_id": ticket.agent_id,
            "agent_name": ticket.agent.display_name if ticket.agent else None,
            "created_at": ticket.created_at.isoformat(), "created_local": _local(ticket.created_at),
            "queue_position": tickets.queue_position(session, ticket),
            "callback": {"phone": ticket.callback_phone, "email": ticket.callback_email,
                         "time": ticket.callback_time} if ticket.kind == CALLBACK else None}


def _message_view(message) -> Dict[str, Any]:
    view = tickets.message_out(message)
    view["created_at"], view["time"] = message.created_at.isoformat(), _local(message.created_at,
                                                                              "%H:%M")
    view["author_label"] = texts.AUTHOR_LABELS.get(message.author, message.author)
    return view


def _note_view(note) -> Dict[str, Any]:
    return {"id": note.id, "text": note.text, "time": _local(note.created_at),
            "agent_name": note.agent.display_name if note.agent else None}


def _respond(request: Request, reference: str, body: Dict[str, Any]) -> Response:
    if wants_json(request):
        return JSONResponse(body)
    return RedirectResponse(f"/console/tickets/{reference}", status_code=303)


def _form_action(request: Request, ctx: AppContext, reference: str, csrf: Optional[str],
                 action: Callable[[Dict[str, Any]], Dict[str, Any]]) -> Response:
    """Run a ticket action; without JavaScript, errors come back as a page message."""
    try:
        me = _require(request, ctx, csrf or "")
        return _respond(request, reference, action(me))
    except ApiError as error:
        if wants_json(request):
            raise
        if error.code == "not_logged_in":
            return _login_redirect(request)
        return RedirectResponse(f"/console/tickets/{reference}?erreur={quote(error.message)}",
                                status_code=303)


# -- login and logout --------------------------------------------------------------------
def _login_page(request: Request, error: Optional[str] = None, status: int = 200,
                next_url: str = "/console/") -> HTMLResponse:
    token = sessions.new_token()
    response = templates.TemplateResponse(
        request, "login.html", {"csrf": token, "error": error, "next_url": next_url,
                                "me": None}, status_code=status)
    response.set_cookie(sessions.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        path="/console", secure=request.app.state.handoff.settings.cookie_secure)
    return response


def _safe_next(raw: Optional[str]) -> str:
    return raw if raw and raw.startswith("/console/") and "//" not in raw else "/console/"


@router.get("", response_class=RedirectResponse)
def console_root() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=307)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, suite: Optional[str] = Query(None, max_length=200)):
    return _login_page(request, next_url=_safe_next(suite))


@router.post("/login")
def login(request: Request, username: str = Form("", max_length=60),
          password: str = Form("", max_length=200), csrf_token: str = Form(""),
          suite: str = Form("/console/", max_length=200),
          ctx: AppContext = Depends(get_context)):
    next_url = _safe_next(suite)
    if not sessions.same_token(csrf_token, request.cookies.get(sessions.LOGIN_CSRF_COOKIE)):
        return _login_page(request, "La page de connexion a expiré : merci de réessayer.",
                           403, next_url)
    now = ctx.clock.now()
    subjects = [("console_login", username.strip().lower() or "-")]

    def work(session):
        ctx.limiter.check(session, subjects, now)
        agent = accounts.authenticate(session, username, password)
        if agent is None:
            ctx.limiter.record_failure(session, subjects, "console.login", now)
            return None
        return sessions.open_session(session, agent, now)

    try:
        token = run_transaction(ctx.sessions, work)
    except ApiError as error:
        return _login_page(request, error.message, error.status_code, next_url)
    if token is None:
        return _login_page(request, "Identifiant ou mot de passe incorrect.", 401, next_url)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(sessions.COOKIE, token, httponly=True, samesite="strict",
                        path="/console", secure=request.app.state.handoff.settings.cookie_secure)
    response.delete_cookie(sessions.LOGIN_CSRF_COOKIE, path="/console")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form(""),
           ctx: AppContext = Depends(get_context)):
    try:
        _require(request, ctx, csrf_token)
    except ApiError as error:
        if error.code != "not_logged_in":
            raise
    token = request.cookies.get(sessions.COOKIE)
    run_transaction(ctx.sessions, lambda session: sessions.close_session(session, token))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/console")
    return response


@router.post("/availability")
def set_availability(request: Request, available: str = Form(..., pattern="^[01]$"),
                     csrf_token: str = Form(""), ctx: AppContext = Depends(get_context)):
    """The agent goes "en pause" (available=0) or comes back (available=1)."""
    try:
        me = _require(request, ctx, csrf_token)
    except ApiError as error:
        if wants_json(request) or error.code != "not_logged_in":
            raise
        return _login_redirect(request)
    value = run_transaction(ctx.sessions, lambda session: accounts.set_available(
        session, me["agent_id"], available == "1"))
    if wants_json(request):
        return {"available": value}
    return RedirectResponse("/console/", status_code=303)


# -- pages -------------------------------------------------------------------------------
def _queue_data(ctx: AppContext, request: Request) -> Dict[str, Any]:
    now = ctx.clock.now()
    settings = request.app.state.handoff.settings

    def read(session):
        return {"tickets": [_ticket_view(session, t) for t in tickets.queue(session)],
                "agents_online": sessions.agents_online(session, now, settings)}

    return run_transaction(ctx.sessions, read)


@router.get("/", response_class=HTMLResponse)
def queue_page(request: Request, ctx: AppContext = Depends(get_context)):
    me = _current(request, ctx)
    if me is None:
        return _login_redirect(request)
    return templates.TemplateResponse(request, "queue.html", {"me": me, **_queue_data(ctx, request)})


@router.get("/api/queue")
def queue_json(request: Request, ctx: AppContext = Depends(get_context)):
    me = _require(request, ctx)
    return {"me": {"name": me["name"], "agent_id": me["agent_id"]}, **_queue_data(ctx, request)}


def _ticket_data(ctx: AppContext, request: Request, reference: str, after: int,
                 me: Dict[str, Any]) -> Dict[str, Any]:
    state = request.app.state.handoff

    def read(session):
        ticket = tickets.find_ticket(session, reference)
        return {"ticket": _ticket_view(session, ticket),
                "messages": [_message_view(m) for m in
                             tickets.messages_after(session, after, ticket=ticket)],
                "notes": [_note_view(n) for n in tickets.notes_of(session, ticket)],
                "undelivered": tickets.undelivered_labels(session, ticket),
                "mine": ticket.agent_id == me["agent_id"] and ticket.status == CLAIMED,
                "summary": tickets.summary(ticket), "transcript": ticket.transcript or [],
                "canned": rendered(state.canned, me["name"].split()[0], ticket.reference)}

    return run_transaction(ctx.sessions, read)


@router.get("/tickets/{reference}", response_class=HTMLResponse)
def ticket_page(request: Request, reference: str,
                erreur: Optional[str] = Query(None, max_length=300),
                ctx: AppContext = Depends(get_context)):
    me = _current(request, ctx)
    if me is None:
        return _login_redirect(request)
    try:
        data = _ticket_data(ctx, request, reference, 0, me)
    except ApiError as error:
        return templates.TemplateResponse(request, "error.html",
                                          {"me": me, "message": error.message}, status_code=404)
    return templates.TemplateResponse(request, "ticket.html", {"me": me, "error": erreur, **data})


@router.get("/api/tickets/{reference}")
def ticket_json(request: Request, reference: str, after: int = Query(0, ge=0, le=2**62),
                ctx: AppContext = Depends(get_context)):
    me = _require(request, ctx)
    data = _ticket_data(ctx, request, reference, after, me)
    data.pop("canned")
    return data


# -- actions -----------------------------------------------------------------------------
def _system_text(template: str, me: Dict[str, Any]) -> str:
    return template.format(agent=me["name"].split()[0])


@router.post("/tickets/{reference}/claim")
def claim_ticket(request: Request, reference: str, csrf_token: str = Form(""),
                 ctx: AppContext = Depends(get_context)):
    state = request.app.state.handoff

    def action(me):
        now = ctx.clock.now()

        def work(session):
            ticket = tickets.claim(session, reference, _agent(session, me), now)
            if ticket.kind == LIVE:
                tickets.add_message(session, ticket, SYSTEM,
                                    _system_text(texts.AGENT_JOINED, me), now)
            return ticket.id, ticket.kind

        ticket_id, kind = run_transaction(ctx.sessions, work)
        if kind == LIVE:
            deliver_pending(ctx.sessions, state.delivery, ticket_id, now)
        return {"claimed": True, "reference": reference}

    return _form_action(request, ctx, reference, csrf_token, action)


@router.post("/tickets/{reference}/messages")
def send_message(request: Request, reference: str, text: str = Form("", max_length=4000),
                 csrf_token: str = Form(""), ctx: AppContext = Depends(get_context)):
    state = request.app.state.handoff

    def action(me):
        now = ctx.clock.now()
        body = _clean_text(text, "Le message")

        def work(session):
            ticket = tickets.find_ticket(session, reference)
            tickets.require_owner(ticket, _agent(session, me))
            if ticket.kind != LIVE:
                raise ApiError(409, "not_live", "Ce ticket est une demande de rappel : "
                               "contactez l'usager par téléphone ou par e-mail.")
            return ticket.id, tickets.add_message(session, ticket, AGENT, body, now,
                                                  _agent(session, me)).id

        ticket_id, message_id = run_transaction(ctx.sessions, work)
        error = deliver_pending(ctx.sessions, state.delivery, ticket_id, now)
        return {"id": message_id, "delivered": error is None, "delivery_error": error}

    return _form_action(request, ctx, reference, csrf_token, action)


@router.post("/tickets/{reference}/notes")
def add_note(request: Request, reference: str, text: str = Form("", max_length=4000),
             csrf_token: str = Form(""), ctx: AppContext = Depends(get_context)):
    def action(me):
        now = ctx.clock.now()
        body = _clean_text(text, "La note")

        def work(session):
            ticket = tickets.find_ticket(session, reference)
            return _note_view(tickets.add_note(session, ticket, _agent(session, me), body, now))

        return {"note": run_transaction(ctx.sessions, work)}

    return _form_action(request, ctx, reference, csrf_token, action)


def _end(request: Request, ctx: AppContext, reference: str, csrf: str, status: str,
         citizen_text: str) -> Response:
    """Close the ticket (``closed``) or give the conversation back to the bot (``returned``).

    A live conversation is resumed in Rasa first; if Rasa cannot be reached the ticket
    stays open and the agent is told, so the citizen is never left with a paused bot.
    """
    state = request.app.state.handoff

    def action(me):
        now = ctx.clock.now()

        def check(session):
            ticket = tickets.find_ticket(session, reference)
            if not ticket.is_open:
                raise ApiError(409, "ticket_closed", "Ce ticket est déjà clôturé.")
            if ticket.status == CLAIMED:
                tickets.require_owner(ticket, _agent(session, me))
            elif status == RETURNED:
                raise ApiError(409, "not_your_ticket", "Prenez d'abord ce ticket en charge.")
            return ticket.id, ticket.kind

        ticket_id, kind = run_transaction(ctx.sessions, check)
        if kind == LIVE:
            error = deliver_pending(ctx.sessions, state.delivery, ticket_id, now,
                                    resume_text=citizen_text)
            if error:
                raise ApiError(502, "bot_unreachable",
                               "L'assistant n'a pas pu reprendre la conversation (" + error +
                               "). Le ticket reste ouvert : réessayez dans un instant.")

        def finish(session):
            ticket = tickets.find_ticket(session, reference)
            tickets.finish(session, ticket, _agent(session, me), status, now)
            if kind == LIVE:
                tickets.add_message(session, ticket, BOT, citizen_text, now, delivered=True)

        run_transaction(ctx.sessions, finish)
        return {"status": status, "reference": reference}

    return _form_action(request, ctx, reference, csrf, action)


@router.post("/tickets/{reference}/close")
def close_ticket(request: Request, reference: str, csrf_token: str = Form(""),
                 ctx: AppContext = Depends(get_context)):
    return _end(request, ctx, reference, csrf_token, CLOSED, texts.TICKET_CLOSED)


@router.post("/tickets/{reference}/release")
def give_back(request: Request, reference: str, csrf_token: str = Form(""),
              ctx: AppContext = Depends(get_context)):
    return _end(request, ctx, reference, csrf_token, RETURNED, texts.BOT_RESUMES)
