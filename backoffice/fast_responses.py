"""FastAPI's response serialisation, same output, without its generic encoder's walk.

With pydantic 1 (Rasa's pin), FastAPI turns each route's return value into JSON in three
passes: it copies the value (``_prepare_response_content``), validates it against the
route's ``response_model``, then walks the validated model with ``jsonable_encoder``,
which checks every value against a dozen types (models, dataclasses, enums, paths,
include/exclude sets, SQLAlchemy keys) before it reaches a string or a number. For the
action server's ``GET /api/v1/slots`` (212 slots, 18 kB) that walk was most of the back
office's CPU: 13 ms per request, 60 % of it in these passes (py-spy).

:func:`serialize_response` keeps the validation and does the two walks with exact type
tests: strings, numbers, booleans, ``None``, plain dicts and lists are handled directly,
a pydantic model becomes ``model.dict(by_alias=True)`` as in ``jsonable_encoder``, and
dates, times and decimals go straight to the converter ``jsonable_encoder`` would pick for
them, and anything else (enums, sets, paths…) to ``jsonable_encoder`` itself.
The result is the one FastAPI builds, value for value (tests/backoffice/test_fast_responses.py
compares both on every type and on the API's answers). Routes with ``response_model_include``,
``exclude``, ``exclude_unset``/``defaults``/``none`` or ``by_alias=False``, models with
``json_encoders``, and responses that fail validation take FastAPI's own path.

:func:`install` (called by ``create_app``) swaps the function in ``fastapi.routing``;
validation then runs on the event loop instead of in a worker thread, as FastAPI does for
``async def`` routes.
"""
from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import fastapi.routing
from fastapi.encoders import ENCODERS_BY_TYPE, jsonable_encoder
from pydantic import BaseModel

ORIGINAL_SERIALIZE_RESPONSE = fastapi.routing.serialize_response
_prepare_response_content = fastapi.routing._prepare_response_content

_SCALARS = (str, int, float, bool, type(None))
#: Exact types that ``jsonable_encoder`` hands to ``ENCODERS_BY_TYPE`` after a dozen
#: failed checks (none of them is a model, dataclass, enum, path, scalar or container).
_DIRECT = {kind: ENCODERS_BY_TYPE[kind] for kind in (
    datetime.datetime, datetime.date, datetime.time, datetime.timedelta, decimal.Decimal,
    uuid.UUID)}


def prepare(content: Any) -> Any:
    """FastAPI's ``_prepare_response_content`` (all options off), plain values directly."""
    kind = type(content)
    if kind in _SCALARS or kind in _DIRECT:
        return content
    if kind is dict:
        return {key: prepare(value) for key, value in content.items()}
    if kind is list:
        return [prepare(item) for item in content]
    return _prepare_response_content(content, exclude_unset=False, exclude_defaults=False,
                                     exclude_none=False)


def encode(value: Any) -> Any:
    """``jsonable_encoder(value)`` (default options), plain values directly."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    direct = _DIRECT.get(kind)
    if direct is not None:
        return direct(value)
    if kind is dict:
        return {(key if type(key) is str else jsonable_encoder(key)): encode(item)
                for key, item in value.items()
                if not (isinstance(key, str) and key.startswith("_sa"))}
    if kind is list or kind is tuple:
        return [encode(item) for item in value]
    if isinstance(value, BaseModel) and not getattr(value.__config__, "json_encoders", None):
        data = value.dict(by_alias=True)
        return encode(data["__root__"] if "__root__" in data else data)
    return jsonable_encoder(value)


async def serialize_response(*, field: Any = None, response_content: Any, include: Any = None,
                             exclude: Any = None, by_alias: bool = True,
                             exclude_unset: bool = False, exclude_defaults: bool = False,
                             exclude_none: bool = False, is_coroutine: bool = True,
                             endpoint_ctx: Any = None) -> Any:
    """Drop-in for ``fastapi.routing.serialize_response``."""
    options = dict(field=field, response_content=response_content, include=include,
                   exclude=exclude, by_alias=by_alias, exclude_unset=exclude_unset,
                   exclude_defaults=exclude_defaults, exclude_none=exclude_none,
                   is_coroutine=is_coroutine, endpoint_ctx=endpoint_ctx)
    if (field is None or hasattr(field, "serialize") or include is not None
            or exclude is not None or not by_alias or exclude_unset or exclude_defaults
            or exclude_none):
        return await ORIGINAL_SERIALIZE_RESPONSE(**options)
    value, errors = field.validate(prepare(response_content), {}, loc=("response",))
    if errors:
        # FastAPI's own path raises its ResponseValidationError, details included
        return await ORIGINAL_SERIALIZE_RESPONSE(**options)
    return encode(value)


def install() -> None:
    """Makes FastAPI serialise responses with :func:`serialize_response` (idempotent)."""
    fastapi.routing.serialize_response = serialize_response
