"""Find a font for the text printed under the QR codes.

Uses DejaVu Sans or Liberation Sans when the system has them (Debian's
fonts-dejavu-core / fonts-liberation), else Pillow's built-in font.
"""

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

SVG_FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"

_CANDIDATES = {
    False: (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ),
    True: (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
}


@lru_cache(maxsize=None)
def load_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A TrueType font of ``size`` pixels (bold if available)."""
    for candidate in _CANDIDATES[bold] + _CANDIDATES[False]:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)
