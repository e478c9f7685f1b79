"""Obsidian Markdown to ``Note``: block structure first, then inline syntax."""

from highyield.parse.note import parse_note

__all__ = ["parse_note"]
