"""YAML frontmatter: tags and aliases. Bad YAML is a warning; so is frontmatter over the
limits of ``config.yamlload`` or over ``MAX_FRONTMATTER`` characters. The body is still
used."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import yaml

from highyield.config.yamlload import Refused, failure, load
from highyield.errors import Diagnostic, warning

MAX_FRONTMATTER = 64 * 1024  # characters: far more than any note's, read in under a second
BODY_USED = "the note body is still used"
_SCALARS = (str, int, float, datetime.date)  # bool is an int


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
    data, root = _load_yaml(text, path, out)
    fields = _Fields(data, root, path, out)
    return Frontmatter(tags=fields.strings("tags", "tag", split_spaces=True),
                       aliases=fields.strings("aliases", "alias", split_spaces=False),
                       body_start=end + 1)


@dataclass(frozen=True)
class _Fields:
    data: dict[str, object]
    root: yaml.Node | None
    path: str
    out: list[Diagnostic]

    def strings(self, key: str, short: str, *, split_spaces: bool) -> tuple[str, ...]:
        """A list, or one string: tags split on commas and spaces, aliases on commas. A
        value that is not text (a mapping, a set, binary) is left out, with a warning."""
        key = key if key in self.data else short
        value = self.data.get(key)
        items = value if isinstance(value, (list, tuple)) else [value]
        if any(v is not None and not isinstance(v, _SCALARS) for v in items):
            self.out.append(warning(
                self.path, _key_line(self.root, key), f"`{key}` holds a value that is not "
                "text (a mapping, a set or binary data); it is left out",
                f"write a list of words, e.g. `{key}: [cardio, step1]`; {BODY_USED}"))
        return _strings(value, split_spaces=split_spaces)


def _key_line(root: yaml.Node | None, key: str) -> int:
    """The note's line of ``key`` in the frontmatter (which starts on line 2)."""
    if isinstance(root, yaml.MappingNode):
        for k, _ in root.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return int(k.start_mark.line) + 2
    return 1


def _load_yaml(text: str, path: str,
               out: list[Diagnostic]) -> tuple[dict[str, object], yaml.Node | None]:
    try:
        data, root = load(text)
    except Refused as exc:
        line = exc.line + 2 if exc.line is not None else 1
        out.append(warning(path, line, f"frontmatter {exc.message}; it is not read",
                           f"{exc.hint}; {BODY_USED}"))
        return {}, None
    except yaml.YAMLError as exc:
        found, problem, _ = failure(exc, text, 2)
        line = found or 1
        out.append(warning(path, line, f"invalid YAML frontmatter: {problem}",
                           f"fix the YAML between the --- lines; {BODY_USED}"))
        return {}, None
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        out.append(warning(path, 2, "frontmatter is not a mapping of keys to values",
                           f"write it as `key: value` lines; {BODY_USED}"))
        return {}, None
    return {str(k): v for k, v in data.items()}, root


def _strings(value: object, *, split_spaces: bool) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = value.replace(",", " ").split() if split_spaces else value.split(",")
        parts = [p.strip() for p in parts if p.strip()]
    elif isinstance(value, (list, tuple)):
        parts = [str(v).strip() for v in value if isinstance(v, _SCALARS) and str(v).strip()]
    else:
        parts = [str(value)] if isinstance(value, _SCALARS) else []
    return tuple(p.lstrip("#") for p in parts if p.lstrip("#"))
