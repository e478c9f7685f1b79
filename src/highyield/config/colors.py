"""Highlight colours. A colour written as a value (``#fff3a3``, ``rgba(240, 200, 0, .2)``)
matches that red, green and blue, whatever the alpha. A colour family name (``yellow``)
matches every shade of it, so Highlightr's yellow and a CSS yellow both count."""

from __future__ import annotations

import colorsys
import re

NAMED = {
    "yellow": (255, 255, 0), "red": (255, 0, 0), "green": (0, 128, 0), "lime": (0, 255, 0),
    "blue": (0, 0, 255), "cyan": (0, 255, 255), "aqua": (0, 255, 255),
    "magenta": (255, 0, 255), "fuchsia": (255, 0, 255), "orange": (255, 165, 0),
    "purple": (128, 0, 128), "pink": (255, 192, 203), "gray": (128, 128, 128),
    "grey": (128, 128, 128), "black": (0, 0, 0), "white": (255, 255, 255),
    "gold": (255, 215, 0), "violet": (238, 130, 238), "brown": (165, 42, 42),
}
# Hue ranges in degrees, as Highlightr's palette names them.
FAMILIES = (("red", 0, 20), ("orange", 20, 45), ("yellow", 45, 70), ("green", 70, 160),
            ("cyan", 160, 200), ("blue", 200, 255), ("purple", 255, 290),
            ("pink", 290, 340), ("red", 340, 361))
FAMILY_NAMES = ("red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink", "grey")
_ALIASES = {"gray": "grey", "violet": "purple", "magenta": "pink", "aqua": "cyan"}
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


def family(rgb: tuple[int, int, int]) -> str:
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    if saturation < 0.25 or lightness < 0.08 or lightness > 0.97:
        return "grey"
    degrees = hue * 360
    return next(name for name, low, high in FAMILIES if low <= degrees < high)


def family_name(text: str) -> str | None:
    """The family a config entry names (``yellow``, ``Gray``), or None for a value."""
    name = text.strip().lower()
    name = _ALIASES.get(name, name)
    return name if name in FAMILY_NAMES else None


def color_key(text: str) -> str:
    """A canonical form for comparing colours: ``rgb(r,g,b)``, or the text lowercased."""
    rgb = parse_color(text)
    return "rgb({},{},{})".format(*rgb) if rgb else " ".join(text.lower().split())


def matches(color: str, wanted: frozenset[str]) -> bool:
    """Does a highlight's colour match any wanted entry (keys and ``family:NAME``)?"""
    if color_key(color) in wanted:
        return True
    rgb = parse_color(color)
    return rgb is not None and f"family:{family(rgb)}" in wanted


def wanted_key(entry: str) -> str:
    name = family_name(entry)
    return f"family:{name}" if name else color_key(entry)
