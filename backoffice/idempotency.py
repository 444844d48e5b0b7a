"""Idempotent creation: replay the first answer to a retried request.

A client may send ``Idempotency-Key: <opaque string>`` with any POST that
creates something. The first successful answer is stored with a hash of the
request in the same transaction as the created record. A retry with the same
key and the same request gets that answer again (header
``Idempotent-Replayed: true``); the same key with a different request gets 409.
Keys are scoped to the caller's API key and forgotten after a configurable TTL.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Optional, Tuple

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import ApiError
from .models import IdempotencyRecord
from .transactions import run_transaction

IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"

#: (HTTP status, JSON body, reference of the created record)
Outcome = Tuple[int, Any, Optional[str]]


async def idempotency_key_header(
        key: Optional[str] = Header(
            None, alias="Idempotency-Key", max_length=255, pattern=IDEMPOTENCY_KEY_PATTERN,
            description="Clé opaque (1 à 255 caractères ASCII visibles) rendant la requête "
                        "rejouable sans double création.")) -> Optional[str]:
    """FastAPI dependency reading the optional Idempotency-Key header."""
    return key


@dataclass(frozen=True)
class IdempotentRequest:
    client: str
    key: str
    method: str
    path: str
    request_hash: str

    @classmethod
    def build(cls, client: str, key: Optional[str], method: str, path: str,
              payload: Any) -> Optional["IdempotentRequest"]:
        if not key:
            return None
        canonical = json.dumps({"method": method, "path": path,
                                "payload": jsonable_encoder(payload)},
                               sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return cls(client=client, key=key, method=method, path=path, request_hash=digest)


def _reused_key() -> ApiError:
    return ApiError(409, "idempotency_key_reused",
                    "Cette clé d'idempotence a déjà servi pour une autre demande. "
                    "Utilisez une nouvelle clé pour une nouvelle demande.")


def _previous(session: Session, request: IdempotentRequest,
              oldest: datetime) -> Optional[IdempotencyRecord]:
    record = session.execute(select(IdempotencyRecord).where(
        IdempotencyRecord.client == request.client,
        IdempotencyRecord.key == request.key)).scalar_one_or_none()
    if record is not None and record.created_at < oldest:
        session.delete(record)
        session.flush()
        return None
    return record


def execute_idempotent(sessions, request: Optional[IdempotentRequest],
                       work: Callable[[Session], Outcome], now: datetime,
                       ttl_hours: int) -> JSONResponse:
    """Run ``work`` once per idempotency key and answer with its (stored) outcome."""
    oldest = now - timedelta(hours=ttl_hours)

    def attempt(session: Session) -> Tuple[int, Any, bool]:
        if request is not None:
            record = _previous(session, request, oldest)
            if record is not None:
                if record.request_hash != request.request_hash:
                    raise _reused_key()
                return record.status_code, record.response_body, True
        status, body, reference = work(session)
        body = jsonable_encoder(body)
        if request is not None:
            session.add(IdempotencyRecord(
                client=request.client, key=request.key, method=request.method,
                path=request.path, request_hash=request.request_hash, status_code=status,
                response_body=body, resource_reference=reference, created_at=now))
            session.flush()
        return status, body, False

    status, body, replayed = run_transaction(sessions, attempt)
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(status_code=status, content=body, headers=headers)
