"""Guichet web front: serves the widget, kiosk and chat pages and the hand-over API."""

from webapp.app import create_app

__all__ = ["create_app"]
