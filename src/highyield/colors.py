"""CSS colours compared by their red, green and blue (alpha is ignored)."""

from __future__ import annotations

import re

NAMED = {
    "yellow": (255, 255, 0), "red": (255, 0, 0), "green": (0, 128, 0), "lime": (0, 255, 0),
    "blue": (0, 0, 255), "cyan": (0, 255, 255), "aqua": (0, 255, 255),
    "magenta": (255, 0, 255), "fuchsia": (255, 0, 255), "orange": (255, 165, 0),
    "purple": (128, 0, 128), "pink": (255, 192, 203), "gray": (128, 128, 128),
    "grey": (128, 128, 128), "black": (0, 0, 0), "white": (255, 255, 255),
    "gold": (255, 215, 0), "violet": (238, 130, 238), "brown": (165, 42, 42),
}
_HEX = re.compile(r"^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$")
_RGB = re.compile(
    r"^rgba?\(\s*([\d.]+%?)[\s,]+([\d.]+%?)[\s,]+([\d.]+%?)\s*(?:[,/]\s*[\d.]+%?\s*)?\)$")


def parse_color(text: str) -> tuple[int, int, int] | None:
    value = text.strip().lower()
    if value in NAMED:
        return NAMED[value]
    m = _HEX.match(value)
    if m:
        digits = m.group(1)
        if len(digits) <= 4:
            digits = "".join(ch * 2 for ch in digits)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    m = _RGB.match(value)
    if m:
        return _channel(m.group(1)), _channel(m.group(2)), _channel(m.group(3))
    return None


def _channel(text: str) -> int:
    if text.endswith("%"):
        return round(min(float(text[:-1]), 100.0) * 2.55)
    return min(round(float(text)), 255)


def color_key(text: str) -> str:
    """A canonical form for comparing colours: ``rgb(r,g,b)``, or the text lowercased."""
    rgb = parse_color(text)
    return "rgb({},{},{})".format(*rgb) if rgb else " ".join(text.lower().split())
