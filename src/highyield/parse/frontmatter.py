"""YAML frontmatter: tags and aliases. Bad YAML is a warning; the body is still used."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from highyield.errors import Diagnostic, warning


@dataclass(frozen=True)
class Frontmatter:
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    body_start: int = 0  # index of the first body line


def split_frontmatter(lines: list[str], path: str, out: list[Diagnostic]) -> Frontmatter:
    if not lines or lines[0].rstrip() != "---":
        return Frontmatter()
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        out.append(warning(path, 1, "frontmatter starts with --- but never ends",
                           "close it with a line of ---; the note is read as plain text"))
        return Frontmatter()
    data = _load_yaml("\n".join(lines[1:end]), path, out)
    return Frontmatter(
        tags=_strings(data.get("tags", data.get("tag")), split_spaces=True),
        aliases=_strings(data.get("aliases", data.get("alias")), split_spaces=False),
        body_start=end + 1,
    )


def _load_yaml(text: str, path: str, out: list[Diagnostic]) -> dict[str, object]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "not valid YAML"
        out.append(warning(path, line, f"invalid YAML frontmatter: {problem}",
                           "fix the YAML between the --- lines; the note body is still used"))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        out.append(warning(path, 2, "frontmatter is not a mapping of keys to values",
                           "write it as `key: value` lines; the note body is still used"))
        return {}
    return {str(k): v for k, v in data.items()}


def _strings(value: object, *, split_spaces: bool) -> tuple[str, ...]:
    """A list, or one string: tags split on commas and spaces, aliases on commas."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.replace(",", " ").split() if split_spaces else value.split(",")
        parts = [p.strip() for p in parts if p.strip()]
    elif isinstance(value, (list, tuple)):
        parts = [str(v).strip() for v in value if v is not None and str(v).strip()]
    else:
        parts = [str(value)]
    return tuple(p.lstrip("#") for p in parts if p.lstrip("#"))
