"""LaTeX as the terminal can show it: ``\\frac{2}{3}`` as 2/3, ``\\alpha`` as α, through
pylatexenc (imported on the first formula, so a quiz whose notes are unchanged never
loads it). LaTeX it cannot read, and a formula over 1,000 characters, is shown as
written."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

MAX_LENGTH = 1000  # a longer formula is shown as written: its time stays small
_FRACTIONS = ("frac", "dfrac", "tfrac")
_SPACED = re.compile(r"[\s+\-−*/×·=<>±]")  # a part of a fraction that needs brackets
_RELATION = re.compile(r"\s*([=<>≤≥≠≈∼∝×→←↔⇒⇐⇔])\s*")  # spaced, as TeX spaces them
_MORE = {"lt": "<", "gt": ">", "degree": "°", "deg": "deg", "checkmark": "✓"}  # MathJax's


def math_text(source: str) -> str:
    """A formula as plain text, or as written when it is not LaTeX pylatexenc can read."""
    if len(source) > MAX_LENGTH:
        return source
    to_text, context = _converter()
    try:
        text = to_text.latex_to_text(source, tolerant_parsing=False, latex_context=context)
    except Exception:  # broken LaTeX: pylatexenc's parse errors, and deep nesting's
        return source
    return _RELATION.sub(r" \1 ", str(text)).strip() or source


@lru_cache(maxsize=1)
def _converter() -> tuple[Any, Any]:
    import logging

    from pylatexenc import latexwalker
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )
    from pylatexenc.macrospec import MacroSpec

    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)  # it warns on broken input
    texts = get_default_latex_context_db()
    texts.add_context_category("highyield", prepend=True, macros=[
        *(MacroTextSpec(name, simplify_repl=_fraction) for name in _FRACTIONS),
        *(MacroTextSpec(name, simplify_repl=text) for name, text in _MORE.items())])
    parsing = latexwalker.get_default_latex_context_db()
    parsing.add_context_category("highyield", prepend=True, macros=[
        *(MacroSpec(name, "{{") for name in _FRACTIONS),
        *(MacroSpec(name, "") for name in _MORE)])
    spaces = {"between-macro-and-chars": False, "between-latex-constructs": True,
              "after-comment": False, "in-equations": None}  # as in the source, mostly
    return LatexNodes2Text(latex_context=texts, strict_latex_spaces=spaces), parsing


def _fraction(node: Any, l2tobj: Any) -> str:
    """``\\frac{a+b}{c}`` as (a+b)/c: a part with more than one term in brackets."""
    args = list(node.nodeargd.argnlist) if node.nodeargd else []
    parts = []
    for arg in [*args, None, None][:2]:
        text = "" if arg is None else str(l2tobj.nodelist_to_text([arg])).strip()
        parts.append(f"({text})" if _SPACED.search(text) else text)
    return "/".join(parts)
