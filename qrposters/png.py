"""Draw a poster as a PNG image (QR code by segno, text by Pillow)."""

import io
from pathlib import Path

from PIL import Image, ImageDraw

from qrposters.fonts import load_font
from qrposters.layout import QUIET_ZONE
from qrposters.poster import Poster

DPI = 300


def render_png(poster: Poster) -> Image.Image:
    """The poster as a white RGB image with the QR code on top and the text under it."""
    layout = poster.layout
    code = io.BytesIO()
    poster.qr.save(code, kind="png", scale=layout.scale, border=QUIET_ZONE)
    code.seek(0)
    image = Image.new("RGB", (layout.width, layout.height), "white")
    image.paste(Image.open(code).convert("RGB"), (0, 0))
    draw = ImageDraw.Draw(image)
    for line in layout.lines:
        draw.text(
            (layout.width / 2, line.baseline),
            line.text,
            font=load_font(line.size, line.bold),
            fill="black",
            anchor="ms",  # centred on the baseline, like SVG's text-anchor="middle"
        )
    return image


def save_png(poster: Poster, path: Path) -> Path:
    render_png(poster).save(path, format="PNG", dpi=(DPI, DPI))
    return path
