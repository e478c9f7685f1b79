"""A highlight over a whole statement that nothing else explains (no label, cause or
list): the part an auto card would hide (``auto.choose``) is hidden, the rest is shown.

``==Niacin decreases renal uric acid excretion.==`` reads ``Niacin decreases [...].``
The deletion keeps the highlight's number; the card keeps the key of the whole statement
(``Draft.keyed``), so rebuilding a vault neither duplicates it nor loses its reviews.
"""

from __future__ import annotations

from highyield.extract.auto.choose import choose
from highyield.extract.auto.units import hide
from highyield.model import PLAIN, Cloze, Inlines, flatten

# Auto cards' default bar: below it the pick is weak, most often words the headings show.
MIN_SCORE = 0.5  # a highlight always makes its card; this bar only decides the blank


def chosen(front: Inlines, context: tuple[str, ...], item: bool) -> Inlines | None:
    """The front with only its chosen answer hidden, or None when the front is not one
    deletion (text beside it, such as ``A`` or 🚩, is read with it) or nothing inside
    the deletion is worth hiding (no span, or none scoring ``MIN_SCORE``). ``context``:
    the title, headings and parents the card shows; ``item``: a list item."""
    at = [i for i, n in enumerate(front) if isinstance(n, Cloze)]
    cloze = front[at[0]] if len(at) == 1 else None
    if not isinstance(cloze, Cloze) or cloze.hint:
        return None
    before, after = front[:at[0]], front[at[0] + 1:]
    unwrapped = (*before, *cloze.children, *after)
    start = len(flatten(before, PLAIN))
    end = start + len(flatten(cloze.children, PLAIN))
    choice = choose(flatten(unwrapped, PLAIN), context, item=item)
    if choice is None or choice.score < MIN_SCORE or choice.span.start < start or \
            choice.span.end > end:
        return None
    parts = hide(unwrapped, choice.span.start, choice.span.end)
    return tuple(Cloze(cloze.number, n.children) if isinstance(n, Cloze) else n
                 for n in parts)
