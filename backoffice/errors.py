"""Uniform JSON errors: ``{"error": {"code", "message", "details"}}`` with French messages.

Domain code raises :class:`ApiError`; :func:`install_error_handlers` also turns
FastAPI/Starlette errors (404, 405, validation) and unexpected exceptions into
the same envelope.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from .transactions import RetriesExhausted

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answered to the client with a stable code and a French message."""

    def __init__(self, status_code: int, code: str, message: str,
                 details: Any = None, headers: Optional[Dict[str, str]] = None):
        super().__init__(f"{status_code} {code}: {message}")
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_body(code: str, message: str, details: Any = None) -> Dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(status_code: int, code: str, message: str, details: Any = None,
                   headers: Optional[Dict[str, str]] = None) -> JSONResponse:
    return JSONResponse(status_code=status_code, content=error_body(code, message, details),
                        headers=headers)


def not_found(message: str = "Aucun élément ne correspond à votre demande.",
              code: str = "not_found") -> ApiError:
    return ApiError(404, code, message)


def invalid(code: str, message: str, details: Any = None) -> ApiError:
    return ApiError(422, code, message, details)


# Pydantic v1 error types -> plain French explanations.
_VALIDATION_MESSAGES = {
    "value_error.missing": "Ce champ est obligatoire.",
    "value_error.any_str.max_length":
        "Ce texte est trop long ({limit_value} caractères au maximum).",
    "value_error.any_str.min_length":
        "Ce texte est trop court ({limit_value} caractère(s) au minimum).",
    "value_error.str.regex": "Le format de cette valeur n'est pas valide.",
    "value_error.email": "Cette adresse e-mail n'est pas valide.",
    "value_error.date": "Cette date n'est pas valide (format attendu : AAAA-MM-JJ).",
    "value_error.datetime":
        "Cette date et heure n'est pas valide (format attendu : AAAA-MM-JJTHH:MM).",
    "type_error.date": "Cette date n'est pas valide (format attendu : AAAA-MM-JJ).",
    "type_error.datetime":
        "Cette date et heure n'est pas valide (format attendu : AAAA-MM-JJTHH:MM).",
    "type_error.enum": "Cette valeur n'est pas autorisée. Valeurs possibles : {enum_values}.",
    "value_error.const": "Cette valeur n'est pas autorisée.",
    "type_error.integer": "Un nombre entier est attendu.",
    "type_error.none.not_allowed": "Ce champ ne peut pas être vide.",
    "type_error.str": "Un texte est attendu.",
    "type_error.list": "Une liste est attendue.",
    "type_error.dict": "Un objet JSON est attendu.",
    "value_error.list.min_items": "La liste doit contenir au moins {limit_value} élément(s).",
    "value_error.list.max_items": "La liste contient trop d'éléments ({limit_value} au maximum).",
    "value_error.number.not_ge": "La valeur doit être supérieure ou égale à {limit_value}.",
    "value_error.number.not_le": "La valeur doit être inférieure ou égale à {limit_value}.",
    "value_error.jsondecode": "Le corps de la requête n'est pas un JSON valide.",
    "value_error.extra": "Ce champ n'est pas reconnu.",
}
_FALLBACK_MESSAGE = "Cette valeur n'est pas valide."


def _describe(err: Dict[str, Any]) -> str:
    template = _VALIDATION_MESSAGES.get(err.get("type", ""))
    if template is None:
        # Validators of this package raise ValueError with a French message.
        msg = err.get("msg", "")
        return msg if err.get("type") == "value_error" and msg else _FALLBACK_MESSAGE
    ctx = dict(err.get("ctx") or {})
    if "enum_values" in ctx:
        ctx["enum_values"] = ", ".join(str(getattr(v, "value", v)) for v in ctx["enum_values"])
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return _FALLBACK_MESSAGE


def validation_details(errors: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    """Turn pydantic errors into ``[{"field": "body.email", "message": "..."}]``."""
    return [{"field": ".".join(str(p) for p in err.get("loc", ())),
             "message": _describe(err)} for err in errors]


_HTTP_ERRORS = {
    400: ("bad_request", "La requête n'a pas pu être comprise."),
    401: ("unauthorized", "Authentification requise."),
    403: ("forbidden", "Vous n'avez pas accès à cette ressource."),
    404: ("not_found", "Cette adresse n'existe pas."),
    405: ("method_not_allowed", "Cette méthode n'est pas acceptée pour cette adresse."),
    406: ("not_acceptable", "Ce format de réponse n'est pas disponible."),
    413: ("payload_too_large", "La requête est trop volumineuse."),
    415: ("unsupported_media_type", "Ce type de contenu n'est pas accepté ; envoyez du JSON."),
}


def _allowed_methods(request: Request) -> List[str]:
    """Methods of every route matching the request's path (Starlette lists only the first)."""
    methods = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers producing the JSON error envelope."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(
            422, "validation_error",
            "Certaines informations envoyées sont manquantes ou invalides. "
            "Merci de vérifier votre saisie.",
            validation_details(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_ERRORS.get(
            exc.status_code, ("http_error", "La requête n'a pas pu être traitée."))
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return error_response(exc.status_code, code, message, None, headers or None)

    @app.exception_handler(OperationalError)
    async def _database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        logger.error("Database error on %s %s: %s", request.method, request.url.path, exc)
        return error_response(
            503, "service_unavailable",
            "Le service est momentanément indisponible. Merci de réessayer dans quelques instants.",
            headers={"Retry-After": "5"})

    @app.exception_handler(RetriesExhausted)
    async def _conflict(_request: Request, _exc: RetriesExhausted) -> JSONResponse:
        return error_response(
            409, "concurrent_update",
            "Votre demande est entrée en conflit avec une autre au même moment. "
            "Merci de réessayer.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("Unexpected error on %s %s", request.method, request.url.path)
        return error_response(
            500, "internal_error",
            "Une erreur inattendue s'est produite. Merci de réessayer un peu plus tard.")
