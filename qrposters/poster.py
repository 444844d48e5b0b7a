"""What a place's poster says and encodes, independent of the file format."""

from dataclasses import dataclass
from typing import List, Tuple

import segno

from qrposters.layout import PosterLayout, poster_layout
from qrposters.links import place_url
from qrposters.places import Place

# QR error correction "Q" (25 %): outdoor posters get dirty and scratched.
ERROR_CORRECTION = "q"


@dataclass(frozen=True)
class Poster:
    place: Place
    url: str
    qr: segno.QRCode
    layout: PosterLayout


def poster_text(place: Place, commune: str, url: str) -> List[Tuple[str, float, bool]]:
    """The text blocks under the code: (text, size relative to the width, bold)."""
    return [
        (place.title, 0.055, True),
        (f"Scannez ce code pour poser votre question à la mairie de {commune}.", 0.034, False),
        (url, 0.026, False),
    ]


def make_poster(place: Place, commune: str, base_url: str) -> Poster:
    """Encode the place's chat address and lay out its poster."""
    url = place_url(base_url, place.id)
    qr = segno.make(url, error=ERROR_CORRECTION, micro=False)
    return Poster(place, url, qr, poster_layout(qr, poster_text(place, commune, url)))
