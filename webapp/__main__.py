"""`python -m webapp --host 0.0.0.0 --port 8080`"""

from __future__ import annotations

import argparse

import uvicorn

from webapp.app import create_app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Guichet web front (widget, kiosk, QR chat).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        proxy_headers=True,
        # No WebSocket here (the bot's socket is Rasa's); also avoids uvicorn's
        # websockets backend, incompatible with the websockets 10 that Rasa pins.
        ws="none",
    )


if __name__ == "__main__":
    main()
