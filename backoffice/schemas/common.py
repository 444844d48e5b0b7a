"""Shared field types and base models of the API schemas.

Text fields refuse control characters and lone surrogates (they cannot be
stored in PostgreSQL), so bad input is a 422 and never a database error.
"""
import re
from typing import Any, Dict, Optional, Type

from pydantic import BaseModel, ConstrainedStr, Field, constr, validator

from ..references import REFERENCE_INPUT_PATTERN, normalize_reference

#: One line of printable text.
LINE_PATTERN = r"^[^\x00-\x1f\x7f\ud800-\udfff]+$"
#: Free text: printable characters, tabs and line breaks.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]+$"
EMAIL_PATTERN = (r"^[^@\s\x00-\x1f\x7f\ud800-\udfff]+@[^@\s\x00-\x1f\x7f\ud800-\udfff]+"
                 r"\.[^@\s.\x00-\x1f\x7f\ud800-\udfff]{2,}$")
PHONE_PATTERN = r"^\+?[0-9][0-9 .()-]{3,29}$"
CODE_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"


#: Years accepted in dates and datetimes given by clients (keeps date arithmetic safe).
MIN_YEAR, MAX_YEAR = 2000, 2100


def check_year(value):
    """Validator: refuse dates outside MIN_YEAR..MAX_YEAR with a French message."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"La date doit être comprise entre {MIN_YEAR} et {MAX_YEAR}.")
    return value


def line(max_length: int, min_length: int = 1):
    """Constrained single-line string type, stripped, of at most ``max_length`` characters."""
    return constr(strip_whitespace=True, min_length=min_length, max_length=max_length,
                  regex=LINE_PATTERN)


def text(max_length: int, min_length: int = 1):
    """Constrained multi-line string type."""
    return constr(strip_whitespace=True, min_length=min_length, max_length=max_length,
                  regex=TEXT_PATTERN)


Name = line(120)


class Email(ConstrainedStr):
    """An e-mail address (documented by its pattern; one French error message)."""

    strip_whitespace = True
    max_length = 254
    regex = re.compile(EMAIL_PATTERN)

    @classmethod
    def __get_validators__(cls):
        yield cls.check

    @classmethod
    def check(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("Une adresse e-mail est attendue.")
        value = value.strip()
        if len(value) > cls.max_length or not cls.regex.match(value):
            raise ValueError("Cette adresse e-mail n'est pas valide (exemple : "
                             "prenom.nom@exemple.fr).")
        return value


Phone = constr(strip_whitespace=True, min_length=4, max_length=30, regex=PHONE_PATTERN)
Code = constr(strip_whitespace=True, min_length=1, max_length=60, regex=CODE_PATTERN)
ReferenceStr = constr(strip_whitespace=True, min_length=10, max_length=16,
                      regex=REFERENCE_INPUT_PATTERN)


def _mark_nullable(schema: Dict[str, Any], model: Type[BaseModel]) -> None:
    """Pydantic v1 omits ``null`` from the JSON schema of Optional fields: add it back."""
    properties = schema.get("properties", {})
    for field in model.__fields__.values():
        prop = properties.get(field.alias)
        if field.allow_none and prop is not None and "anyOf" not in prop:
            meta = {key: prop.pop(key) for key in ("title", "description", "default", "example")
                    if key in prop}
            properties[field.alias] = {"anyOf": [prop, {"type": "null"}], **meta}


class ApiModel(BaseModel):
    """Base of request bodies: unknown fields are refused."""

    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True
        schema_extra = staticmethod(_mark_nullable)


class OutModel(BaseModel):
    """Base of response bodies."""

    class Config:
        schema_extra = staticmethod(_mark_nullable)


class ReferenceAccess(ApiModel):
    """A reference and the e-mail address given when it was created."""

    reference: ReferenceStr = Field(..., description="Référence, ex. URB-2026-00123 "
                                                     "(minuscules acceptées).")
    email: Email = Field(..., description="Adresse e-mail du demandeur (casse indifférente).")

    _normalize = validator("reference", allow_reuse=True)(normalize_reference)


class EmailProof(ApiModel):
    email: Email = Field(..., description="Adresse e-mail donnée lors de la prise de rendez-vous.")


class ErrorDetail(OutModel):
    code: str = Field(..., description="Code stable, en snake_case.")
    message: str = Field(..., description="Message en français, présentable à un usager.")
    details: Optional[Any] = None


class ErrorOut(OutModel):
    error: ErrorDetail


def error_responses(*codes: int) -> dict:
    """OpenAPI ``responses`` entries documenting the error envelope for ``codes``."""
    return {code: {"model": ErrorOut} for code in codes}


#: Errors any authenticated /api/v1 route may answer.
COMMON_ERRORS = (400, 401, 422)
