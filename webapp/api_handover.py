"""Kiosk-to-phone hand-over: one-time, short-lived tokens carrying a session id."""

from __future__ import annotations

import io
import re
from typing import List, Literal, Optional
from urllib.parse import quote

import segno
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, constr

from webapp.errors import ApiError
from webapp.handover_store import (
    HandoverError,
    HandoverStore,
    StoreFull,
    Ticket,
)
from webapp.ratelimit import RateLimiter

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"

_TOKEN_ERRORS = {
    "unknown": (
        404,
        "token_unknown",
        "Ce code de reprise est inconnu ou n'est plus valable. "
        "Vous pouvez demander un nouveau code sur la borne.",
    ),
    "expired": (
        410,
        "token_expired",
        "Ce code de reprise a expiré. Vous pouvez demander un nouveau code sur la borne.",
    ),
    "used": (
        410,
        "token_used",
        "Ce code de reprise a déjà été utilisé. Chaque code ne sert qu'une seule fois.",
    ),
}


class Button(BaseModel):
    title: constr(max_length=200) = ""
    payload: constr(max_length=1000) = ""


class TranscriptEntry(BaseModel):
    role: Literal["user", "bot"]
    text: constr(max_length=5000) = ""
    buttons: List[Button] = Field(default_factory=list, max_items=20)
    image: Optional[constr(max_length=2000)] = None


class HandoverRequest(BaseModel):
    session_id: constr(regex=r"^[A-Za-z0-9_-]{8,128}$")
    transcript: List[TranscriptEntry] = Field(default_factory=list, max_items=200)


def _token_error(exc: HandoverError) -> ApiError:
    return ApiError(*_TOKEN_ERRORS[exc.reason])


def _check_token(token: str) -> None:
    if not re.match(TOKEN_PATTERN, token or ""):
        raise ApiError(*_TOKEN_ERRORS["unknown"])


def build_router(
    store: HandoverStore, limiter: RateLimiter, public_url: str, ttl: int, clock
) -> APIRouter:
    router = APIRouter(prefix="/api/handover")

    def handover_url(token: str) -> str:
        return f"{public_url}/chat/?reprise={quote(token)}"

    def expires_in(ticket: Ticket) -> int:
        return max(0, int(round(ticket.expires_at - clock())))

    @router.post("", status_code=201)
    def create(body: HandoverRequest, request: Request, response: Response) -> dict:
        client = request.client.host if request.client else "unknown"
        if not limiter.allow(client):
            raise ApiError(
                429,
                "rate_limited",
                "Trop de demandes de transfert. Veuillez patienter une minute "
                "avant de réessayer.",
            )
        try:
            ticket = store.create(
                body.session_id, [entry.dict() for entry in body.transcript], ttl
            )
        except StoreFull:
            raise ApiError(
                503,
                "unavailable",
                "Le service est très sollicité. Veuillez réessayer dans un instant.",
            )
        response.headers["Cache-Control"] = "no-store"
        return {
            "token": ticket.token,
            "url": handover_url(ticket.token),
            "qr_url": f"/api/handover/qr.svg?token={quote(ticket.token)}",
            "expires_in": expires_in(ticket),
        }

    @router.get("/qr.svg")
    def qr_code(token: str = Query("")) -> Response:
        _check_token(token)
        try:
            store.peek(token)
        except HandoverError as exc:
            raise _token_error(exc)
        buffer = io.BytesIO()
        segno.make(handover_url(token), error="m").save(
            buffer,
            kind="svg",
            scale=1,
            border=4,
            xmldecl=False,
            omitsize=True,
            title="Code QR pour continuer la conversation sur votre téléphone",
            dark="#000000",
            light="#ffffff",
        )
        return Response(
            buffer.getvalue(),
            media_type="image/svg+xml",
            headers={"Cache-Control": "no-store"},
        )

    @router.get("/{token}")
    def status(token: str, response: Response) -> dict:
        _check_token(token)
        try:
            state = store.status(token)
        except HandoverError as exc:
            raise _token_error(exc)
        response.headers["Cache-Control"] = "no-store"
        return {"status": state}

    @router.post("/{token}/redeem")
    def redeem(token: str, response: Response) -> dict:
        _check_token(token)
        try:
            ticket = store.redeem(token)
        except HandoverError as exc:
            raise _token_error(exc)
        response.headers["Cache-Control"] = "no-store"
        return {"session_id": ticket.session_id, "transcript": ticket.transcript}

    @router.delete("/{token}", status_code=204)
    def revoke(token: str) -> Response:
        _check_token(token)
        store.revoke(token)
        return Response(status_code=204)

    return router

