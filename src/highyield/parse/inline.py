"""Inline Obsidian syntax to nodes: highlights, clozes, links, embeds, math, code, tags.

One left-to-right scan with a stack of open constructs. Every closer search goes through
``Finder``, so hostile input (a megabyte of unclosed markup) still parses in linear time.
An opener that never closes becomes literal text, with a warning for highlights and clozes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from highyield.errors import Diagnostic, LimitedDiagnostics, warning
from highyield.model import (
    Break,
    Cloze,
    Code,
    Embed,
    Highlight,
    Inline,
    Inlines,
    Math,
    Styled,
    Text,
    plain_text,
)
from highyield.parse import htmltags
from highyield.parse.links import MD_LINK_REST, SIZE, WIKI_BODY, is_image, link_label, split_pipe
from highyield.parse.output import (
    Output,
    ParaMark,
    Slot,
    TagMark,
    finish,
    plain,
    strip_edge_tags,
)
from highyield.parse.scan import Finder, LineMap

MAX_DEPTH = 32  # deeper nesting is kept as literal text
# Anki renders each level of nested clozes into the one around it, escaped: its work and
# memory grow about 2.5 times a level (10 levels of a long note outrun any memory), so
# clozes nest 3 deep, the limit Anki 24.11 set for this reason; deeper ones are text.
MAX_CLOZE_NESTING = 3
MAX_CLOZE_NUMBER = 500  # {{c1:: to {{c500:: (Anki makes no card past c500: sixteenth
# fault probe); other numbers are text

# The lookahead lets the scan skip plain text fast: every token starts with one of these.
_TOKEN = re.compile(r"""(?=[\\`$={}:!\[<*_\#\n^~])(?:
 (?P<blockid>(?<=[ \t])\^[A-Za-z0-9-]+[ \t]*(?=\n|\Z))
|(?P<esc>(?:\\[!-/:-@\[-`{-~])+)
|(?P<code>`+)
|(?P<tildes>(?<![^\n])~{3,})
|(?P<math>\$+)
|(?P<hl>==)
|(?P<cloze>\{\{c(?P<num>-?\d+)::)
|(?P<cclose>\}\})
|(?P<sep>::)
|(?P<embed>!\[\[)
|(?P<wiki>\[\[)
|(?P<footnote>\[\^[^\]\s]+\])
|(?P<mdembed>!\[)
|(?P<mdlink>\[)
|(?P<tag><(?P<slash>/?)(?P<name>[A-Za-z][A-Za-z0-9]*)(?P<attrs>(?:[^<>"']|"[^"<>]*"|'[^'<>]*')*)>)
|(?P<emph>\*\*|__|\*|_)
|(?P<hashtag>(?<!\S)\#[\w/-]+)
|(?P<nl>\n)
)""", re.VERBOSE)
_CLOSING_PUNCTUATION = frozenset(".,;:!?)]")
_DELIMITERS = frozenset({"==", "**", "__", "*", "_"})
_UNCLOSED = {"==": "unclosed highlight =="}  # messages worth counting without building
_WITH_ATTRIBUTES = frozenset({"img", "mark", "span"})
_LINE_TAGS = frozenset({"p", "tr"})
_HANDLED = tuple(name for name in _TOKEN.groupindex
                 if name not in ("num", "slash", "name", "attrs"))


TextOf = Callable[[str, str], "str | None"]  # (note name, "Heading" or "^id") -> text

@dataclass(frozen=True)
class InlineResult:
    inlines: Inlines
    tags: tuple[str, ...]


@dataclass
class _Frame:
    kind: str  # "==", "cloze", "mark", "span", "b", "i", "u", "sub", "sup", "**", "*", ...
    index: int  # where its placeholder sits in the output
    offset: int  # where it opened in the text
    literal: str  # what it becomes if it never closes
    number: int = 0
    color: str = ""
    hint_at: int = -1
    literal_from: int = -1  # while reopened lazily: where its literal text starts
    literal_clozes: int = 0  # cloze openers inside it kept as text: their }} is text too


@dataclass
class _Parser:
    text: str
    lines: LineMap
    path: str
    diagnostics: list[Diagnostic]
    out: Output = field(default_factory=list)
    stack: list[_Frame] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    pos: int = 0
    fences: bool = False  # fenced code blocks are read (a multi-line card's answer)
    embeds: TextOf | None = None  # the text of another note's heading or block

    def __post_init__(self) -> None:
        self.finder = Finder(self.text)
        self.lower_finder: Finder | None = None
        self.by_kind: dict[str, list[_Frame]] = {}
        self.pending = 0  # start of the text not yet emitted
        self.token = 0  # start of the token being handled
        self.used = False  # did the handler use the token (not leave it as text)?
        self.quiet_highlights = False  # only count further unclosed == warnings
        self.lazy: _Frame | None = None  # an == reopened without touching the output yet
        self.too_deep: set[str] = set()  # warned of: "markup" or "clozes" nested too deep

    # ------------------------------------------------------------ driver

    def run(self) -> InlineResult:
        text, handlers = self.text, _HANDLERS
        while (m := _TOKEN.search(text, self.pos)) is not None:
            self.pos, self.token = m.end(), m.start()
            handlers[str(m.lastgroup)](self, m)
            if self.used:
                self.pending, self.used = self.pos, False
        self.token = len(text)
        self._flush()
        while self.stack:
            self._literalize(self.stack[-1])
        if self.tags:
            strip_edge_tags(self.out)
        return InlineResult(finish(self.out), tuple(self.tags))

    def _flush(self) -> None:
        """Emit the text before the current token; the token itself is used up."""
        if self.lazy is not None:
            self._settle(self.lazy)
        if self.token > self.pending:
            chunk = self.text[self.pending:self.token]
            self.out.append(Text(html.unescape(chunk) if "&" in chunk else chunk))
            self.pending = self.token
        self.used = True

    def _emit(self, node: Inline | Slot | TagMark | ParaMark) -> None:
        self._flush()
        self.out.append(node)

    def _line(self, m: re.Match[str]) -> int:
        return self.lines.line_at(m.start())

    def _literal(self, m: re.Match[str]) -> None:
        """Leave the token in the text, as written."""

    # ------------------------------------------------------------ the stack

    def _push(self, kind: str, m: re.Match[str], literal: str, **extra: object) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self._warn_too_deep(m, "markup", MAX_DEPTH)
            if not literal:
                self._flush()  # a tag too deep is dropped; other openers stay as text
            return
        self._flush()
        frame = _Frame(kind, len(self.out), m.start(), literal, **extra)  # type: ignore[arg-type]
        self.stack.append(frame)
        self.by_kind.setdefault(kind, []).append(frame)
        self.out.append(Slot())

    def _warn_too_deep(self, m: re.Match[str], what: str, limit: int) -> None:
        if what not in self.too_deep:
            self.too_deep.add(what)
            self.diagnostics.append(warning(
                self.path, self._line(m), f"{what} nested more than {limit} deep",
                f"close some {what} before opening more; the deeper ones are kept as text"))

    def _innermost(self, kind: str) -> _Frame | None:
        frames = self.by_kind.get(kind)
        return frames[-1] if frames else None

    def _pop_to(self, frame: _Frame) -> Output:
        """Close ``frame``: inner frames become literal, and its content is returned."""
        self._flush()
        while self.stack[-1] is not frame:
            self._literalize(self.stack[-1])
        self.stack.pop()
        self.by_kind[frame.kind].pop()
        content = self.out[frame.index + 1:]
        del self.out[frame.index:]
        return content

    def _literalize(self, frame: _Frame) -> None:
        """Turn the innermost open frame back into the text it was written as."""
        self.stack.pop()
        self.by_kind[frame.kind].pop()
        self.out[frame.index] = Text(frame.literal)
        if frame.hint_at >= 0:
            self.out[frame.hint_at] = Text("::")
        self._warn_unclosed(frame)

    def _reopen(self, frame: _Frame, m: re.Match[str]) -> None:
        """An opener that never closed becomes literal text, and the same construct opens
        again here. When nothing was emitted since it opened, only its position moves; the
        output is fixed up once something else is emitted (see ``_settle``)."""
        if (frame is self.stack[-1] and frame.index == len(self.out) - 1
                and self.pending == frame.offset + len(frame.literal)):
            if self.lazy is None:
                self.lazy, frame.literal_from = frame, frame.offset
            frame.offset, self.used = m.start(), True
        else:
            self._flush()
            self.out[frame.index] = Text(frame.literal)
        if self.quiet_highlights:
            self.diagnostics.counts[_UNCLOSED["=="]] += 1  # type: ignore[attr-defined]
        else:
            self._warn_unclosed(frame)
            self.quiet_highlights = isinstance(self.diagnostics, LimitedDiagnostics) and \
                _UNCLOSED["=="] in self.diagnostics.dropped
        if self.stack[-1] is not frame:
            self.stack.remove(frame)
            self.stack.append(frame)
        frame.index, frame.offset = len(self.out), m.start()
        self.out.append(Slot())

    def _settle(self, frame: _Frame) -> None:
        """Write out a lazily reopened frame: the text from its first opener to its latest
        one is literal, and its placeholder moves to the latest opener."""
        self.lazy = None
        chunk = self.text[frame.literal_from:frame.offset]
        self.out[frame.index] = Text(html.unescape(chunk) if "&" in chunk else chunk)
        frame.index = len(self.out)
        self.out.append(Slot())

    def _warn_unclosed(self, frame: _Frame) -> None:
        if isinstance(self.diagnostics, LimitedDiagnostics) and \
                self.diagnostics.only_counts(_UNCLOSED.get(frame.kind, "")):
            return
        line = self.lines.line_at(frame.offset)
        if frame.kind == "==":
            self.diagnostics.append(warning(
                self.path, line, "unclosed highlight ==",
                "add the closing == (write \\== for literal equals signs); "
                "the text is kept without a highlight"))
        elif frame.kind == "cloze":
            self.diagnostics.append(warning(
                self.path, line, f"unclosed cloze {{{{c{frame.number}::",
                "close it with }}; the text is kept as written"))
        elif frame.kind in ("mark", "span") and frame.color != "-":
            self.diagnostics.append(warning(
                self.path, line, f"unclosed <{frame.kind}> highlight",
                f"add </{frame.kind}>; the text is kept without a highlight"))

    # ------------------------------------------------------------ simple tokens

    def _on_blockid(self, m: re.Match[str]) -> None:
        self._flush()  # an Obsidian block id (^id); the block keeps it as its anchor

    def _on_esc(self, m: re.Match[str]) -> None:
        self._emit(Text(m.group()[1::2]))  # a run of escapes: every second character

    def _on_footnote(self, m: re.Match[str]) -> None:
        self._flush()

    def _on_nl(self, m: re.Match[str]) -> None:
        self._emit(Break(self.lines.line_at(m.end())))

    def _on_hashtag(self, m: re.Match[str]) -> None:
        name = m.group()[1:].rstrip("/")
        if not name or name.replace("-", "").replace("_", "").replace("/", "").isdigit():
            self._literal(m)
            return
        self.tags.append(name)
        self._emit(TagMark(name))

    def _on_tildes(self, m: re.Match[str]) -> None:
        if not self._fenced(m):
            self._literal(m)

    def _fenced(self, m: re.Match[str]) -> bool:
        """A fenced code block, kept whole with its line breaks: from a line starting
        with ``` or ~~~ to a line starting with as long a run of the same character."""
        run = m.group()
        at_line_start = m.start() == 0 or self.text[m.start() - 1] == "\n"
        if not self.fences or len(run) < 3 or not at_line_start:
            return False
        eol = self.text.find("\n", self.pos)
        eol = len(self.text) if eol == -1 else eol
        info = self.text[self.pos:eol]
        if run[0] == "`" and "`" in info:
            return False  # ```x``` on one line is inline code
        close = re.compile(rf"^[ \t]*{re.escape(run)}{re.escape(run[0])}*.*$", re.M)
        found = close.search(self.text, eol + 1) if eol < len(self.text) else None
        body_end, after = (found.start(), found.end()) if found else (len(self.text),) * 2
        body = self.text[eol + 1:body_end].removesuffix("\n") if eol < body_end else ""
        self._emit(Code(body, block=True, lang=info.strip()))
        self.pos = after + 1 if self.text.startswith("\n", after) else after
        return True

    def _on_code(self, m: re.Match[str]) -> None:
        if self._fenced(m):
            return
        run = m.group()
        close = self.finder.find(run, self.pos)
        if close == -1:
            self._literal(m)
            return
        body = self.text[self.pos:close]
        if len(body) > 2 and body[0] == body[-1] == " ":
            body = body[1:-1]
        self._emit(Code(body.replace("\n", " ")))
        self.pos = close + len(run)

    def _on_math(self, m: re.Match[str]) -> None:
        if len(m.group()) > 2:
            self._literal(m)  # "$$$" and longer runs are never math
            return
        display = m.group() == "$$"
        close = self._math_close(display)
        source = self.text[self.pos:close].strip() if close != -1 else ""
        if not source:
            self._literal(m)
            return
        self._emit(Math(source, display))
        self.pos = close + len(m.group())

    def _math_close(self, display: bool) -> int:
        text, start = self.text, self.pos
        if display:
            return self.finder.find("$$", start)
        if start >= len(text) or text[start].isspace() or text[start] == "$":
            return -1
        close = self.finder.find("$", start)
        if close == -1 or text[close - 1].isspace():
            return -1
        if close + 1 < len(text) and text[close + 1].isdigit():
            return -1
        return close

    # ------------------------------------------------------------ highlights and clozes

    def _on_hl(self, m: re.Match[str]) -> None:
        text, start, end = self.text, m.start(), m.end()
        frames = self.by_kind.get("==")
        frame = frames[-1] if frames else None
        spaced_before = not start or text[start - 1].isspace()
        spaced_after = end >= len(text) or text[end].isspace()
        ends = spaced_after or text[end] in _CLOSING_PUNCTUATION
        if frame is not None and (not spaced_before or
                                  (ends and not self._hl_closer_ahead())):
            self._close(frame)  # "==EBV ==" closes too, unless a closer follows
        elif not spaced_after:
            if frame is None:
                self._push("==", m, "==")
            else:
                self._reopen(frame, m)  # the nearest opener wins, as in Obsidian
        elif frame is None and not spaced_before and self._hl_closer_ahead():
            self._push("==", m, "==")  # "as== recurrent episodes==": the space stays out
        else:
            self._literal(m)

    def _hl_closer_ahead(self) -> bool:
        """Is the next ``==`` written after a word, with no word right after it?"""
        text = self.text
        at = self.finder.find("==", self.pos)
        if at == -1 or text[at - 1].isspace():
            return False
        return not text[at + 2:at + 3].isalnum()

    def _on_cloze(self, m: re.Match[str]) -> None:
        number = cloze_number(m.group("num"))
        too_deep = len(self.by_kind.get("cloze", ())) >= MAX_CLOZE_NESTING
        if number is None or too_deep:
            if too_deep:
                self._warn_too_deep(m, "clozes", MAX_CLOZE_NESTING)
            # text (extract warns of a bad number), and so is the }} that closes it
            outer = self._innermost("cloze")
            if outer is not None:
                outer.literal_clozes += 1
            return
        self._push("cloze", m, m.group(), number=number)

    def _on_sep(self, m: re.Match[str]) -> None:
        top = self.stack[-1] if self.stack else None
        if top is None or top.kind != "cloze" or top.hint_at >= 0:
            self._literal(m)
            return
        self._flush()
        top.hint_at = len(self.out)
        self.out.append(Slot())

    def _on_cclose(self, m: re.Match[str]) -> None:
        frame = self._innermost("cloze")
        if frame is None or frame.literal_clozes:
            if frame is not None:
                frame.literal_clozes -= 1
            return
        hint_at = frame.hint_at
        content = self._pop_to(frame)
        hint: Output = []
        if hint_at >= 0:
            split = hint_at - frame.index - 1
            content, hint = content[:split], content[split + 1:]
        hint_text = " ".join(plain(hint).split())
        children = finish(content)
        if not plain_text(children) and not any(isinstance(n, Embed) for n in children):
            line = self.lines.line_at(frame.offset)
            self.diagnostics.append(warning(
                self.path, line, f"empty cloze {{{{c{frame.number}::}}}}",
                "put the hidden words between :: and }}; the empty cloze is left out"))
            return
        self.out.append(Cloze(frame.number, children, hint_text))

    # ------------------------------------------------------------ emphasis

    def _on_emph(self, m: re.Match[str]) -> None:
        run = m.group()
        before = self.text[m.start() - 1] if m.start() else " "
        after = self.text[m.end()] if m.end() < len(self.text) else " "
        word = run[0] == "_"
        frame = self._innermost(run)
        if frame is not None and not before.isspace() and not (word and after.isalnum()):
            self._close(frame)
        elif not after.isspace() and not (word and before.isalnum()):
            self._push(run, m, run)
        else:
            self._literal(m)

    # ------------------------------------------------------------ crossing delimiters

    def _close(self, frame: _Frame) -> None:
        """Close a ``==``, ``**``, ``*``, ``__`` or ``_``. A delimiter opened inside it that
        closes only after it (``==a **b==**``, ``**==a** b==``) is split at this closer, as
        Obsidian's editor shows it, instead of being left as text."""
        self._flush()
        carried: list[str] = []
        while self.stack[-1] is not frame:
            inner = self.stack[-1]
            if inner.kind not in _DELIMITERS:
                self._literalize(inner)
            elif self._closes_at(inner.kind, self.pos):
                self.out.append(_node(inner.kind, finish(self._pop_to(inner))))
                self.pos += len(inner.kind)  # "==a **b==**": both close here
            elif not self._closes_later(inner.kind):
                self._literalize(inner)
            elif self._opened_with(frame):
                self._swap(frame)  # "**==a** b==": the highlight is the outer one
                break
            else:
                self.out.append(_node(inner.kind, finish(self._pop_to(inner))))
                carried.append(inner.kind)
        else:
            self.out.append(_node(frame.kind, finish(self._pop_to(frame))))
        for kind in reversed(carried):  # the rest of a split delimiter opens again here
            self._open_carried(kind)

    def _closes_at(self, kind: str, at: int) -> bool:
        """Is ``kind`` written at ``at`` as a closer the scan would read as one token?"""
        text = self.text
        if not text.startswith(kind, at):
            return False
        after = text[at + len(kind):at + len(kind) + 1]
        return after != kind[0] and not (kind[0] == "_" and after.isalnum())

    def _closes_later(self, kind: str) -> bool:
        """Does a closer for ``kind`` follow (the next one written, after a non-space)?"""
        at = self.finder.find(kind, self.pos)
        return at > 0 and not self.text[at - 1].isspace() and self._closes_at(kind, at)

    def _opened_with(self, outer: _Frame) -> bool:
        """Were the delimiters still open inside ``outer`` opened right after it, with
        nothing between (``**==a``), and do they all close later?"""
        above = self.stack[self.stack.index(outer) + 1:]
        return all(f.kind in _DELIMITERS and f.index == outer.index + n + 1 and
                   self._closes_later(f.kind) for n, f in enumerate(above))

    def _swap(self, outer: _Frame) -> None:
        """``outer`` closes around everything written so far inside the delimiters opened
        right after it; they move out to its place and stay open."""
        above = self.stack[self.stack.index(outer) + 1:]
        content = finish(self.out[above[-1].index + 1:])
        del self.out[outer.index:]
        self.stack.remove(outer)
        self.by_kind[outer.kind].pop()
        for frame in above:
            frame.index = len(self.out)
            self.out.append(Slot())
        self.out.append(_node(outer.kind, content))

    def _open_carried(self, kind: str) -> None:
        frame = _Frame(kind, len(self.out), self.pos, "")
        self.stack.append(frame)
        self.by_kind.setdefault(kind, []).append(frame)
        self.out.append(Slot())

    # ------------------------------------------------------------ links and embeds

    def _on_wiki(self, m: re.Match[str]) -> None:
        body = WIKI_BODY.match(self.text, self.pos)
        if body is None:
            self._literal(m)
            return
        self.pos = body.end()
        target, _, alias = split_pipe(body.group(1))
        self._emit(Text(alias.strip() or link_label(target)))

    def _on_embed(self, m: re.Match[str]) -> None:
        body = WIKI_BODY.match(self.text, self.pos)
        if body is None:
            self._literal(m)
            return
        self.pos = body.end()
        target, _, option = split_pipe(body.group(1))
        target, _, fragment = target.partition("#")
        target = target.strip()
        if not is_image(target):
            shown = self.embeds(target, fragment.strip()) if self.embeds and target and \
                fragment.strip() else None
            self._emit(Text(shown or link_label(target)))
            return
        size = SIZE.match(option)
        self._emit(Embed(target, "" if size else option.strip(),
                              int(size.group(1)) if size else None, self._line(m)))

    def _on_mdlink(self, m: re.Match[str]) -> None:
        rest = MD_LINK_REST.match(self.text, self.pos)
        if rest is None:
            self._literal(m)
            return
        self.pos = rest.end()
        self._emit(Text(html.unescape(rest.group(1))))

    def _on_mdembed(self, m: re.Match[str]) -> None:
        rest = MD_LINK_REST.match(self.text, self.pos)
        if rest is None:
            self._literal(m)
            return
        self.pos = rest.end()
        url = unquote(rest.group(2).strip("<>"))
        alt, _, option = rest.group(1).partition("|")
        size = SIZE.match(option)
        self._emit(Embed(url, alt.strip(), int(size.group(1)) if size else None,
                              self._line(m)))

    # ------------------------------------------------------------ raw HTML

    def _on_tag(self, m: re.Match[str]) -> None:
        name = m.group("name").lower()
        if name not in htmltags.KNOWN:
            self._literal(m)
        elif name in _LINE_TAGS:  # a paragraph, or a table row read as text
            self._emit(ParaMark(self._line(m)))
        elif name in ("td", "th"):  # cells read as text keep a space between them
            self._emit(ParaMark(self._line(m), space=True))
        elif m.group("slash"):
            self._flush()
            self._close_tag(htmltags.FORMAT.get(name, name))
        elif name in htmltags.DROP_WITH_CONTENT:
            self._flush()
            self._skip_element(name)
        else:
            self._flush()
            self._open_tag(name, m)

    def _open_tag(self, name: str, m: re.Match[str]) -> None:
        attrs = htmltags.attributes(m.group("attrs")) if name in _WITH_ATTRIBUTES else {}
        if name == "br":
            self._emit(Break(self.lines.line_at(m.start())))
        elif name == "img":
            src = attrs.get("src", "")
            if src:
                width = attrs.get("width", "")
                self._emit(Embed(unquote(src), attrs.get("alt", ""),
                                      int(width) if width.isdigit() else None, self._line(m)))
        elif name == "mark":
            self._push("mark", m, "", color=htmltags.background(attrs) or htmltags.hltr(attrs))
        elif name == "span":
            color = htmltags.background(attrs)
            self._push("span", m, "", color=color or "-")
        elif name in htmltags.FORMAT:
            self._push(htmltags.FORMAT[name], m, "")

    def _close_tag(self, kind: str) -> None:
        frame = self._innermost(kind)
        if frame is None:
            return
        content = finish(self._pop_to(frame))
        if kind == "mark" or (kind == "span" and frame.color != "-"):
            self.out.append(Highlight(content, kind, frame.color))
        elif kind == "span":
            self.out.extend(content)
        else:
            self.out.append(Styled(kind, content))

    def _skip_element(self, name: str) -> None:
        if self.lower_finder is None:
            self.lower_finder = Finder(self.text.lower())
        close = self.lower_finder.find("</" + name, self.pos)
        if close != -1:
            end = self.finder.find(">", close)
            self.pos = len(self.text) if end == -1 else end + 1


# ---------------------------------------------------------------- helpers


def cloze_number(digits: str) -> int | None:
    """The card a ``{{cN::`` makes: c1 to c500 (``c0``, ``c-1`` and ``c501`` are text)."""
    if digits.startswith("-") or len(digits) > len(str(MAX_CLOZE_NUMBER)):
        return None
    return int(digits) if 1 <= int(digits) <= MAX_CLOZE_NUMBER else None


def _node(kind: str, children: Inlines) -> Inline:
    """The node a closed ``==``, ``**``, ``__``, ``*`` or ``_`` becomes."""
    if kind == "==":
        return Highlight(children, "equals")
    return Styled("b" if len(kind) == 2 else "i", children)


# Each token's handler, by its group's name: the class's own functions (a parser's bound
# methods, kept on it, would make each parser a cycle for the collector to find).
_HANDLERS: dict[str, Callable[[_Parser, re.Match[str]], None]] = {
    name: getattr(_Parser, "_on_" + name) for name in _HANDLED}


def parse_inline(text: str, lines: LineMap, path: str, diagnostics: list[Diagnostic],
                 fences: bool = False, embeds: TextOf | None = None) -> InlineResult:
    """Parse a block's text. Tags that end a line are metadata and leave the text.
    With ``fences``, a line starting with ``` or ~~~ opens a fenced code block. With
    ``embeds``, ``![[Note#Heading]]`` and ``![[Note#^block]]`` show that text."""
    return _Parser(text, lines, path, diagnostics, fences=fences, embeds=embeds).run()
