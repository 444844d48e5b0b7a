"""Draw a poster as an SVG document (QR code by segno, text as <text> elements)."""

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from qrposters.fonts import SVG_FONT_FAMILY
from qrposters.layout import QUIET_ZONE
from qrposters.poster import Poster

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)


def _tag(name: str) -> str:
    return f"{{{SVG_NS}}}{name}"


def render_svg(poster: Poster) -> str:
    """The poster as SVG text: segno's code nested at the top, the text under it."""
    layout = poster.layout
    code = io.BytesIO()
    poster.qr.save(code, kind="svg", scale=layout.scale, border=QUIET_ZONE, xmldecl=False, nl=False)
    qr_svg = ET.fromstring(code.getvalue())
    qr_svg.set("x", "0")
    qr_svg.set("y", "0")
    root = ET.Element(
        _tag("svg"),
        {
            "width": str(layout.width),
            "height": str(layout.height),
            "viewBox": f"0 0 {layout.width} {layout.height}",
        },
    )
    ET.SubElement(root, _tag("title")).text = poster.place.title
    ET.SubElement(root, _tag("rect"), {"width": "100%", "height": "100%", "fill": "#fff"})
    root.append(qr_svg)
    for line in layout.lines:
        text = ET.SubElement(
            root,
            _tag("text"),
            {
                "x": str(layout.width / 2),
                "y": str(line.baseline),
                "font-family": SVG_FONT_FAMILY,
                "font-size": str(line.size),
                "font-weight": "bold" if line.bold else "normal",
                "text-anchor": "middle",
                "fill": "#000",
            },
        )
        text.text = line.text
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def save_svg(poster: Poster, path: Path) -> Path:
    path.write_text(render_svg(poster), encoding="utf-8")
    return path
