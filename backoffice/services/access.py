"""Access to a record by reference + e-mail, with rate limiting of failed attempts.

An unknown reference and a wrong e-mail address produce exactly the same 404
answer, so the API never reveals whether a reference exists. Each failure is
recorded against the reference and against the client; past the limit, both
get 429 — even with the right e-mail — until the window has passed.
"""
from __future__ import annotations

from typing import Callable, Optional, TypeVar

from sqlalchemy.orm import Session

from ..context import AppContext
from ..db import session_scope
from ..errors import ApiError
from ..security import Caller
from ..transactions import run_transaction

Record = TypeVar("Record")
Result = TypeVar("Result")

_FAILED = object()


def guarded_access(ctx: AppContext, caller: Caller, reference: str, email: str,
                   endpoint: str, not_found_message: str,
                   finder: Callable[[Session, str], Optional[Record]],
                   email_of: Callable[[Record], Optional[str]],
                   matches: Callable[[Optional[str], str], bool],
                   action: Callable[[Session, Record], Result]) -> Result:
    """Run ``action`` on the record ``reference`` if ``email`` is its requester's address."""
    now = ctx.clock.now()
    subjects = [("reference", reference), ("client", caller.rate_limit_subject)]

    def attempt(session: Session):
        ctx.limiter.check(session, subjects, now)
        record = finder(session, reference)
        if record is None or not matches(email_of(record), email):
            return _FAILED
        return action(session, record)

    result = run_transaction(ctx.sessions, attempt)
    if result is _FAILED:
        with session_scope(ctx.sessions) as session:
            ctx.limiter.record_failure(session, subjects, endpoint, now)
        raise ApiError(404, "not_found", not_found_message)
    return result
