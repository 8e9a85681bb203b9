"""One font for measuring and drawing text: Pillow's built-in scalable font.

It ships inside Pillow, so a text fits or not the same way on every machine, and the
decision is made once (in the layout) for ZPL, PNG, SVG and PDF alike. It is wider than
the printer's condensed font 0, so text measured to fit here fits on the printer too.

>>> text_width("MMMM", 20) > text_width("iiii", 20)
True
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

__all__ = ["font", "text_width"]

_REFERENCE = 200  # px; advances are measured once at this size and scaled


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The drawing font at ``size`` pixels (dots) per em."""
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=4096)
def _advance(char: str) -> float:
    return float(font(_REFERENCE).getlength(char))


@lru_cache(maxsize=8192)
def text_width(text: str, size: int) -> int:
    """Width in dots of ``text`` at ``size`` dots per em (per-character advances)."""
    return int(sum(_advance(c) for c in text) * size / _REFERENCE + 0.999)
