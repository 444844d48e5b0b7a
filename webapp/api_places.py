"""GET /api/places/{id}: the public description of a QR-code place."""

from __future__ import annotations

from fastapi import APIRouter, Response

from webapp.errors import ApiError
from webapp.places import PlaceRegistry


def build_router(registry: PlaceRegistry) -> APIRouter:
    router = APIRouter(prefix="/api/places")

    @router.get("/{place_id}")
    def get_place(place_id: str, response: Response) -> dict:
        place = registry.get(place_id)
        if place is None:
            raise ApiError(404, "place_unknown", "Ce lieu est inconnu.")
        response.headers["Cache-Control"] = "public, max-age=300"
        return place

    return router
