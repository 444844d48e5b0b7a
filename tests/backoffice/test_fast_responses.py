"""Responses serialised by backoffice/fast_responses.py are FastAPI's own, value for value."""

from __future__ import annotations

import enum
import json
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Dict, List, Optional

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from backoffice import fast_responses


class Colour(str, enum.Enum):
    green = "vert"


class Level(enum.IntEnum):
    high = 3


class Inner(BaseModel):
    at: datetime
    tags: set = set()


class Outer(BaseModel):
    name: str = Field(..., alias="nom")
    inner: Inner
    items: List[Inner] = []
    colour: Colour = Colour.green
    level: Level = Level.high
    price: Optional[Decimal] = None
    extra: Dict[str, object] = {}


class Root(BaseModel):
    __root__: List[int]


class Encoded(BaseModel):
    at: datetime

    class Config:
        json_encoders = {datetime: lambda moment: "custom"}


PARIS = timezone(timedelta(hours=1))
NOW = datetime(2026, 12, 8, 8, 30, tzinfo=PARIS)

VALUES = [
    None, True, 0, -3, 1.5, "", "texte é", [1, "a", None], (1, 2), {"a": {"b": [1, 2]}},
    NOW, NOW.date(), time(8, 30), timedelta(minutes=20), Decimal("2"), Decimal("2.50"),
    uuid.UUID(int=7), {1, 2}, frozenset({"x"}), PurePosixPath("/tmp/a"), Colour.green,
    Level.high, b"bytes",
    {"_sa_instance_state": 1, "_sa": 2, "sa": 3, 4: "int key", NOW.date(): "date key",
     Colour.green: "enum key", None: "none key"},
    Outer(nom="Mairie", inner=Inner(at=NOW, tags={"a"}), items=[Inner(at=NOW)],
          price=Decimal("12.5"), extra={"when": NOW, "list": (NOW.date(),)}),
    [Outer(nom="x", inner=Inner(at=NOW))],
    Root(__root__=[1, 2]),
    Encoded(at=NOW),
    {"model": Inner(at=NOW), "models": [Root(__root__=[3])]},
]


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_encode_gives_what_jsonable_encoder_gives(value):
    assert fast_responses.encode(value) == jsonable_encoder(value)
    # same keys in the same order, same JSON text
    assert json.dumps(fast_responses.encode(value)) == json.dumps(jsonable_encoder(value))


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_prepare_gives_what_fastapi_prepares(value):
    expected = fastapi.routing._prepare_response_content(
        value, exclude_unset=False, exclude_defaults=False, exclude_none=False)
    assert fast_responses.prepare(value) == expected


def small_app() -> FastAPI:
    app = FastAPI()

    @app.get("/outer", response_model=Outer)
    def outer():
        return {"nom": "Mairie", "inner": {"at": NOW, "tags": ["a"]}, "ignored": 1,
                "items": [Inner(at=NOW)], "price": Decimal("3")}

    @app.get("/list", response_model=List[Outer])
    async def many():
        return [Outer(nom="x", inner=Inner(at=NOW))]

    @app.get("/root", response_model=Root)
    def root():
        return {"__root__": [1, 2]}

    @app.get("/none", response_model=Outer, response_model_exclude_none=True)
    def without_none():
        return {"nom": "x", "inner": {"at": NOW}}

    @app.get("/invalid", response_model=Outer)
    def invalid():
        return {"nom": "x"}

    @app.get("/plain")
    def plain():
        return {"at": NOW, "set": {1}}

    return app


def answers(app: FastAPI, paths: List[str]) -> List[tuple]:
    with TestClient(app, raise_server_exceptions=False) as client:
        return [(client.get(path).status_code, client.get(path).content) for path in paths]


def test_routes_answer_exactly_as_with_fastapi_s_serialisation(monkeypatch):
    paths = ["/outer", "/list", "/root", "/none", "/invalid", "/plain"]
    monkeypatch.setattr(fastapi.routing, "serialize_response",
                        fast_responses.ORIGINAL_SERIALIZE_RESPONSE)
    expected = answers(small_app(), paths)
    fast_responses.install()
    assert fastapi.routing.serialize_response is fast_responses.serialize_response
    assert answers(small_app(), paths) == expected
    assert [status for status, _ in expected] == [200, 200, 200, 200, 500, 200]


def test_invalid_responses_still_raise_fastapi_s_error():
    fast_responses.install()
    with TestClient(small_app()) as client:
        with pytest.raises(fastapi.exceptions.ResponseValidationError):
            client.get("/invalid")


BACKOFFICE_GETS = [
    "/api/v1/commune", "/api/v1/services", "/api/v1/services/etat_civil",
    "/api/v1/services/etat_civil/status", "/api/v1/holidays?year=2027", "/api/v1/procedures",
    "/api/v1/procedures/carte_identite", "/api/v1/slots?procedure=carte_identite",
    "/api/v1/slots?procedure=passeport&start=2026-12-10&end=2026-12-20",
    "/api/v1/streets/search?q=pasteur", "/api/v1/waste/sorting?item=pile",
    "/api/v1/transport/lines", "/api/v1/roadworks", "/api/v1/services/inconnu",
    "/api/v1/slots?procedure=carte_identite&start=2026-12-20&end=2026-12-10",
]


def test_the_back_office_answers_as_with_fastapi_s_serialisation(bo_client, monkeypatch):
    fast = [(bo_client.get(path).status_code, bo_client.get(path).content)
            for path in BACKOFFICE_GETS]
    monkeypatch.setattr(fastapi.routing, "serialize_response",
                        fast_responses.ORIGINAL_SERIALIZE_RESPONSE)
    assert [(bo_client.get(path).status_code, bo_client.get(path).content)
            for path in BACKOFFICE_GETS] == fast
    assert sum(status == 200 for status, _ in fast) >= 12
    assert any(len(json.loads(body).get("slots", [])) > 50 for _, body in fast
               if body.startswith(b"{"))
