"""YAML frontmatter: tags and aliases. Bad YAML is a warning; so is frontmatter over the
limits of ``config.yamlload`` or over ``MAX_FRONTMATTER`` characters. The body is still
used."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from highyield.config.yamlload import Refused, load
from highyield.errors import Diagnostic, warning

MAX_FRONTMATTER = 64 * 1024  # characters: far more than any note's, read in under a second
BODY_USED = "the note body is still used"


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
    text = "\n".join(lines[1:end])
    if len(text) > MAX_FRONTMATTER:
        out.append(warning(path, 1, f"frontmatter is over {MAX_FRONTMATTER // 1024} KB; it is "
                           "not read", f"keep long text in the note body; {BODY_USED}"))
        text = ""
    data = _load_yaml(text, path, out)
    return Frontmatter(
        tags=_strings(data.get("tags", data.get("tag")), split_spaces=True),
        aliases=_strings(data.get("aliases", data.get("alias")), split_spaces=False),
        body_start=end + 1,
    )


def _load_yaml(text: str, path: str, out: list[Diagnostic]) -> dict[str, object]:
    try:
        data, _ = load(text)
    except Refused as exc:
        line = exc.line + 2 if exc.line is not None else 1
        out.append(warning(path, line, f"frontmatter {exc.message}; it is not read",
                           f"{exc.hint}; {BODY_USED}"))
        return {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "not valid YAML"
        out.append(warning(path, line, f"invalid YAML frontmatter: {problem}",
                           f"fix the YAML between the --- lines; {BODY_USED}"))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        out.append(warning(path, 2, "frontmatter is not a mapping of keys to values",
                           f"write it as `key: value` lines; {BODY_USED}"))
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
