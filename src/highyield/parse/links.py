"""Wikilinks, Markdown links and embeds: what Obsidian shows for each."""

from __future__ import annotations

import re

IMAGE_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif", ".tif", ".tiff"})
WIKI_BODY = re.compile(r"([^\[\]\n]+)\]\]")
MD_LINK_REST = re.compile(
    r"([^\[\]\n]*)\]\(\s*(<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
SIZE = re.compile(r"^\s*(\d{1,5})(?:\s*x\s*\d{1,5})?\s*$")


def split_pipe(body: str) -> tuple[str, str, str]:
    """``target|alias`` and the escaped ``target\\|alias`` used inside tables."""
    body = body.replace("\\|", "|")
    return body.partition("|")


def link_label(target: str) -> str:
    """What Obsidian shows for ``[[target]]``: the last path segment, without ``.md``."""
    page, _, heading = target.partition("#")
    name = page.strip().rstrip("/").rsplit("/", 1)[-1]
    if name.lower().endswith(".md"):
        name = name[:-3]
    heading = heading.lstrip("^").strip()
    if name and heading:
        return f"{name} > {heading}"
    return name or heading


def is_image(target: str) -> bool:
    dot = target.rfind(".")
    return dot != -1 and target[dot:].lower() in IMAGE_EXTENSIONS
