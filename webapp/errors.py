"""French JSON errors: every error body is {"code": ..., "detail": "<French sentence>"}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


_GENERIC = {
    404: ("not_found", "Cette page n'existe pas."),
    405: ("method_not_allowed", "Cette opération n'est pas permise."),
}


def _body(code: str, detail: str) -> dict:
    return {"code": code, "detail": detail}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(_body(exc.code, exc.detail), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            _body("invalid_request", "La requête est incomplète ou mal formée."),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, detail = _GENERIC.get(
            exc.status_code, ("error", "Une erreur est survenue. Veuillez réessayer.")
        )
        return JSONResponse(
            _body(code, detail), status_code=exc.status_code, headers=exc.headers
        )
