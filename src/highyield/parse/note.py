"""Assemble a ``Note`` from a source file: frontmatter, comments, blocks, inline syntax."""

from __future__ import annotations

from pathlib import PurePosixPath

from highyield.config.srplugin import DEFAULT_SYNTAX, CardSyntax
from highyield.errors import Diagnostic, LimitedDiagnostics
from highyield.model import Block, Inlines, Note, Source, plain_text
from highyield.parse.blocks import BlockParser, Line, RawBlock
from highyield.parse.comments import blank_comments
from highyield.parse.frontmatter import split_frontmatter
from highyield.parse.inline import TextOf, parse_inline
from highyield.parse.scan import join_lines
from highyield.vault.text import name_without_controls

MAX_SAME_WARNINGS = 5


def parse_note(source: Source, syntax: CardSyntax = DEFAULT_SYNTAX,
               embeds: TextOf | None = None) -> tuple[Note, list[Diagnostic]]:
    """``embeds`` gives the text of another note's heading or block (``parse.embeds``);
    without it, such an embed shows the note's name, as a link does."""
    diagnostics = LimitedDiagnostics(MAX_SAME_WARNINGS)
    lines = source.text.split("\n")
    front = split_frontmatter(lines, source.display, diagnostics)
    first = front.body_start + 1
    body = blank_comments(lines[front.body_start:], first, source.display, diagnostics)
    raw: list[RawBlock] = []
    parser = BlockParser(source.display, diagnostics, raw, syntax=syntax)
    parser.parse([(first + k, text) for k, text in enumerate(body)])
    inline = _InlineStep(source.display, diagnostics, embeds)
    blocks = tuple(inline.block(b) for b in raw)
    note = Note(
        rel=source.rel,
        display=source.display,
        title=name_without_controls(PurePosixPath(source.rel).stem),
        tags=tuple(dict.fromkeys(front.tags + tuple(inline.tags) + tuple(parser.file_tags))),
        aliases=front.aliases,
        blocks=blocks,
    )
    return note, diagnostics.summarized()


class _InlineStep:
    def __init__(self, path: str, diagnostics: list[Diagnostic],
                 embeds: TextOf | None) -> None:
        self.path = path
        self.diagnostics = diagnostics
        self.embeds = embeds
        self.tags: list[str] = []
        self._headings: dict[Line, str] = {}

    def block(self, raw: RawBlock) -> Block:
        return Block(
            kind=raw.kind,
            line=raw.line,
            end_line=raw.end_line,
            inlines=self.inlines(raw.lines),
            section=tuple(self.heading(h) for h in raw.section),
            parent=raw.parent,
            depth=raw.depth,
            level=raw.level,
            headers=tuple(self.inlines([cell]) for cell in raw.headers),
            cells=tuple(self.inlines([cell]) for cell in raw.cells),
            answer=self.inlines(raw.answer, fences=True),
            reversed=raw.reversed,
            anchor=raw.anchor,
            tags=raw.tags,
            o2a=raw.o2a,
        )

    def inlines(self, lines: list[Line], fences: bool = False) -> Inlines:
        if not lines:
            return ()
        text, line_map = join_lines(lines)
        result = parse_inline(text, line_map, self.path, self.diagnostics, fences,
                              self.embeds)
        self.tags.extend(result.tags)
        return result.inlines

    def heading(self, title: Line) -> str:
        """Headings appear in many blocks' sections; parse each once."""
        if title not in self._headings:
            self._headings[title] = plain_text(self.inlines([title]))
        return self._headings[title]
