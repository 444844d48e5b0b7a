"""Place the QR code and the text lines of a poster (shared by PNG and SVG).

The poster is as wide as the QR code (quiet zone included); under it come
the place's name in bold, a short French invitation and the address itself,
each wrapped to the poster's width and centred.
"""

import re
from dataclasses import dataclass
from typing import List, Tuple

import segno

from qrposters.fonts import load_font

# Break only at ordinary spaces: a no-break space (French "« texte »") holds.
_BREAKABLE = re.compile(r"[ \t\r\n]+")
# Punctuation that French sets after a space but must not start a line.
_CLOSING = {"»", ":", ";", "!", "?"}

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
TARGET_WIDTH = 1200  # pixels: 10 cm at 300 dpi


@dataclass(frozen=True)
class TextLine:
    """One centred line of text; ``top`` is the top of its em box, ``baseline`` its baseline."""

    text: str
    size: int
    bold: bool
    top: int
    baseline: int


@dataclass(frozen=True)
class PosterLayout:
    """Sizes in pixels (SVG user units): the code sits at the top left, ``scale`` pixels per module."""

    width: int
    height: int
    scale: int
    qr_size: int
    lines: Tuple[TextLine, ...]

    @property
    def label_top(self) -> int:
        """Where the text area under the QR code starts."""
        return self.qr_size


def wrap(text: str, size: int, bold: bool, max_width: int) -> List[str]:
    """Split ``text`` into lines no wider than ``max_width`` pixels.

    Lines break between words; a word wider than a line (a long address) is
    broken between characters.
    """
    font = load_font(size, bold)
    lines: List[str] = []
    current = ""
    for word in _fitting_pieces(_words(text), font, max_width):
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _words(text: str) -> List[str]:
    words: List[str] = []
    for word in _BREAKABLE.split(text.strip()):
        if words and word in _CLOSING:
            words[-1] += "\u00a0" + word
        elif word:
            words.append(word)
    return words


def _fitting_pieces(words: List[str], font, max_width: int) -> List[str]:
    pieces: List[str] = []
    for word in words:
        while font.getlength(word) > max_width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and font.getlength(word[:cut]) > max_width:
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    return pieces


def poster_layout(qr: segno.QRCode, blocks: List[Tuple[str, float, bool]]) -> PosterLayout:
    """Lay out ``qr`` and text ``blocks`` given as (text, size relative to width, bold)."""
    modules = qr.symbol_size(scale=1, border=QUIET_ZONE)[0]
    scale = max(4, TARGET_WIDTH // modules)
    qr_size = modules * scale
    margin = qr_size // 16
    y = qr_size
    lines: List[TextLine] = []
    for text, relative_size, bold in blocks:
        size = max(10, round(qr_size * relative_size))
        ascent, _ = load_font(size, bold).getmetrics()
        for line in wrap(text, size, bold, qr_size - 2 * margin):
            lines.append(TextLine(line, size, bold, y, y + ascent))
            y += round(size * 1.3)
        y += round(size * 0.5)
    return PosterLayout(qr_size, y + margin, scale, qr_size, tuple(lines))
