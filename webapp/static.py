"""Static pages and assets of web/, the generated /config.js and security headers."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from webapp.settings import Settings

# Folders of web/ served as they are, under the same name.
STATIC_FOLDERS = ("widget", "demo", "chat", "kiosk", "vendor")
# Assets that commune websites on other origins load (module scripts need CORS).
EMBEDDABLE_PREFIXES = ("/widget/", "/vendor/", "/config.js")


def config_script(settings: Settings) -> str:
    config = {
        "socketUrl": settings.socket_url,
        "socketPath": settings.socket_path,
        "publicUrl": settings.public_url,
    }
    encoded = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return f"window.GUICHET_CONFIG = Object.freeze({encoded});\n"


def _socket_sources(socket_url: str) -> str:
    parts = urlsplit(socket_url)
    if not parts.scheme or not parts.netloc:
        return ""
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc} {ws_scheme}://{parts.netloc}"


def content_security_policy(settings: Settings) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            # Bot messages may carry images hosted elsewhere (https only).
            "img-src 'self' data: https:",
            f"connect-src 'self' {_socket_sources(settings.socket_url)}".strip(),
            "frame-ancestors 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def install_static(app: FastAPI, settings: Settings) -> None:
    csp = content_security_policy(settings)
    script = config_script(settings)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        path = request.url.path
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Hand-over links carry a token in their query string: never leak it.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", csp)
            response.headers.setdefault("Cache-Control", "no-cache")
        if path.startswith(EMBEDDABLE_PREFIXES):
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers.setdefault("Cache-Control", "no-cache")
        return response

    @app.get("/config.js", include_in_schema=False)
    def config_js() -> Response:
        return Response(
            script,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/demo/")

    @app.get("/favicon.ico", include_in_schema=False)
    @app.get("/favicon.svg", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(settings.web_dir / "favicon.svg", media_type="image/svg+xml")

    for folder in STATIC_FOLDERS:
        app.mount(
            f"/{folder}",
            StaticFiles(directory=str(settings.web_dir / folder), html=True, check_dir=False),
            name=folder,
        )
