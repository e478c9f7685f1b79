"""YAML read within limits: a note's frontmatter and a deck file are small, yet a few
hundred bytes of anchors and aliases (``&a [*a, *a, …]``, nested) stand for a billion
values, and a deep enough nesting exhausts Python's stack. Such a document is refused
before anything is built from it, in milliseconds."""

from __future__ import annotations

import re

import yaml

MAX_VALUES = 10_000  # values in the document with every alias written out
MAX_DEPTH = 100  # levels of lists and mappings
_SURROGATE = re.compile("[\ud800-\udfff]")


class Refused(Exception):
    """A document too large once its aliases are written out, one that holds itself, or
    one nested too deeply. ``line`` counts from 0, as YAML's marks do."""

    def __init__(self, message: str, hint: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.hint, self.line = message, hint, line


ALIASES_HINT = "write the values out instead of repeating them with &anchors and *aliases"


# what YAML was in when it stopped, as a student would say it
OPENED = {"while parsing a flow sequence": "the [ opened",
          "while parsing a flow mapping": "the { opened",
          "while scanning a quoted scalar": "the quote opened",
          "while parsing a block mapping": "the keys that start"}


def failure(exc: yaml.YAMLError, text: str, first: int) -> tuple[int | None, str, str]:
    """Where YAML stopped in ``text`` (its line in the file, whose line ``first`` is the
    text's first, when known), why, and a hint. A character YAML does not take (NUL,
    DEL, a C1 control) is named; a bracket or quote left open names the line it opened
    at ("the [ opened at line 2")."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) if isinstance(exc.position, int) else None
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character))
        return (None if line is None else line + first,
                f"the character U+{code:04X}, which YAML does not allow",
                "delete it (an editor that shows invisible characters helps)")
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "not valid YAML"
    opened = getattr(exc, "context_mark", None)
    what = OPENED.get(str(getattr(exc, "context", "")))
    if what and opened is not None and (mark is None or opened.line != mark.line):
        problem += f" ({what} at line {opened.line + first})"
    return (mark.line + first if mark is not None else None, problem,
            "check the indentation and the quoting")


def load(text: str) -> tuple[object, yaml.Node | None]:
    """The document's data and its node (for the lines of its keys). Raises
    ``yaml.YAMLError`` for invalid YAML, ``Refused`` beyond the limits."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check(node)
        return loader.construct_document(node), node
    finally:
        loader.dispose()


class _Loader(yaml.SafeLoader):
    """Refuses a value nested more than ``MAX_DEPTH`` deep as soon as it gets there
    (YAML's composer recurses once per level; its scanner slows with each level)."""

    depth = 0

    def construct_scalar(self, node: yaml.ScalarNode | yaml.MappingNode) -> str:
        """A scalar's value, a lone surrogate (``"\\ud800"``, which no file, database or
        terminal takes) written as U+FFFD."""
        value = super().construct_scalar(node)
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise Refused(f"nests more than {MAX_DEPTH} levels deep",
                              "use fewer levels of lists and mappings",
                              self.get_mark().line)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def repeated_keys(root: yaml.Node) -> list[tuple[str, int, int]]:
    """Each key written twice in the top mapping or in a mapping one level down (YAML
    keeps the last value silently): its name (``key`` or ``parent.key``) and the lines of
    its first and its second writing, from 0."""
    found: list[tuple[str, int, int]] = []
    mappings = [("", root)]
    if isinstance(root, yaml.MappingNode):
        mappings += [(f"{key.value}.", value) for key, value in root.value
                     if isinstance(value, yaml.MappingNode)]
    for prefix, mapping in mappings:
        if not isinstance(mapping, yaml.MappingNode):
            continue
        first: dict[str, int] = {}
        for key, _ in mapping.value:
            name, line = f"{prefix}{key.value}", key.start_mark.line
            if name in first:
                found.append((name, first[name], line))
            else:
                first[name] = line
    return found


def _check(root: yaml.Node) -> None:
    """Refuse a document over ``MAX_VALUES`` values, naming the line of the top-level key
    where the count passes it."""
    sizes: dict[int, int] = {}
    if not isinstance(root, yaml.MappingNode):
        if _size(root, sizes) > MAX_VALUES:
            raise _too_large(root)
        return
    total = 1
    for key, value in root.value:
        total += _size(key, sizes) + _size(value, sizes)
        if total > MAX_VALUES:
            raise _too_large(key)


def _too_large(node: yaml.Node) -> Refused:
    return Refused(f"expands to over {MAX_VALUES:,} values (YAML aliases)", ALIASES_HINT,
                   node.start_mark.line)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _size(root: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values a node stands for, each alias written out (at most one over the
    limit). A node is counted once however often aliases name it, without recursion."""
    open_: set[int] = set()  # the nodes on the path from the root
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            open_.discard(id(node))
            count = 1 + sum(sizes[id(c)] for c in _children(node))
            sizes[id(node)] = min(count, MAX_VALUES + 1)
        elif id(node) in open_:
            raise Refused("holds itself (a YAML alias inside its own anchor)",
                          ALIASES_HINT, node.start_mark.line)
        elif id(node) not in sizes:
            open_.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in sizes)
    return sizes[id(root)]
