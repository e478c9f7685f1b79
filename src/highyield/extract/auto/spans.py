"""Answer spans: the parts of a statement worth hiding, each with the kind of fact it is
and how strongly that kind makes a good card.

Every finder looks at the statement's text and its tokens and proposes spans; ``pick``
in ``choose`` decides among them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from highyield.extract.auto import lexicon
from highyield.extract.auto.phrases import phrase_after, phrase_before
from highyield.extract.auto.whole import glued, whole
from highyield.extract.auto.words import PREPOSITIONS, PRONOUNS, Token, hyphenated, tokens


@dataclass(frozen=True)
class Span:
    start: int  # character offsets in the statement text
    end: int
    kind: str  # what sort of fact: number, gene, term, abbreviation, definition, …
    strength: float  # how good a card this kind of span makes, 0–1
    named: bool = False  # a cue names it the answer: "[Bleeding] is the most common …"


@dataclass(frozen=True)
class Sentence:
    text: str  # every hyphen written "-" (``hyphenated``), so offsets are the statement's
    toks: list[Token]

    @classmethod
    def of(cls, text: str) -> Sentence:
        return cls(hyphenated(text), tokens(text))

    def span(self, first: int, end: int, kind: str, strength: float) -> Span:
        """Tokens ``first:end`` as a span, widened to the names it cuts into."""
        first, end = whole(self.toks, first, end)
        return Span(self.toks[first].start, self.toks[end - 1].end, kind, strength)

    def whole(self, span: Span) -> Span:
        """The span widened to whole words and names: "Nkx‐2.5", "protein C"."""
        inside = [k for k, t in enumerate(self.toks) if t.end > span.start and
                  t.start < span.end]
        if not inside:
            return span
        first, end = whole(self.toks, inside[0], inside[-1] + 1)
        start, stop = min(span.start, self.toks[first].start), max(span.end,
                                                                  self.toks[end - 1].end)
        return span if (start, stop) == (span.start, span.end) else \
            replace(span, start=start, end=stop)

    def index_at(self, offset: int) -> int:
        """The first token starting at or after a character offset."""
        for k, t in enumerate(self.toks):
            if t.start >= offset:
                return k
        return len(self.toks)


Finder = Callable[[Sentence], Iterator[Span]]


def candidates(s: Sentence) -> list[Span]:
    """Every finder's spans, none of them cutting a word or a name."""
    from highyield.extract.auto.terms import terms  # terms builds on this module

    return [s.whole(span) for finder in (*FINDERS, terms) for span in finder(s)]


# ---------------------------------------------------------------- numbers


def numbers(s: Sentence) -> Iterator[Span]:
    """"3-5 years", "85-90%", "1-2 per 100,000", "nine in ten", "150,000/µL", "ages 4 to
    6", "five years of age"."""
    toks, k = s.toks, 0
    while k < len(toks):
        found = _quantity(toks, k)
        if found is None:
            k += 1
            continue
        first, end, strength = found
        yield s.span(_qualified(toks, first), end, "number", strength)
        k = end


def _quantity(toks: list[Token], k: int) -> tuple[int, int, float] | None:
    t = toks[k]
    spelled = t.lower in lexicon.NUMBER_WORDS
    if not (lexicon.is_number(t.text) or spelled or lexicon.number_and_unit(t.text)):
        return None
    before = toks[k - 1].lower if k else ""
    if glued(toks, k) or (k and toks[k - 1].text in "-/"):
        return None  # "type 2", "Angiopoietin 1": part of a name
    end = _ratio_end(toks, _range_end(toks, k + 1))
    unit_end = _unit_end(toks, end)
    if before in lexicon.TIME_UNITS:
        return k - 1, unit_end, 0.85  # "ages 4 to 6", "day 5"
    if lexicon.number_and_unit(t.text) or toks[end - 1].text.endswith("%") or end > k + 2:
        return k, unit_end, 0.9
    if unit_end > end:
        return k, unit_end, 0.85 if spelled else 0.9
    if _RANGE.search(t.text):
        return k, end, 0.85  # a range: "2-3"
    if spelled or lexicon.is_year(toks[end - 1].text):
        return None
    if before in ("<", ">", "≤", "≥"):
        return k, end, 0.85  # a cut-off: ">2 suggests IDA"
    noun = _counted_noun(toks, end)
    return (k, noun, 0.7) if noun > end else None


_QUALIFIERS = (("at", "least"), ("at", "most"), ("more", "than"), ("less", "than"),
               ("fewer", "than"), ("younger", "than"),
               ("older", "than"), ("up", "to"), ("under",), ("over",), ("within",),
               ("first",), ("between",), ("above",), ("below",), ("after",), ("before",),
               ("by",), ("exceeding",), ("beyond",), ("<",), (">",), ("≤",), ("≥",),
               ("~",))


_RANGE = re.compile(r"\d\s*[-–]\s*\d")


def _qualified(toks: list[Token], first: int) -> int:
    """A number keeps the words that bound it: "at least 5 days", "under 5 years"."""
    for words in _QUALIFIERS:
        start = first - len(words)
        if start >= 0 and tuple(t.lower for t in toks[start:first]) == words:
            if words == ("first",) and start and toks[start - 1].lower in ("within", "the"):
                return start - 1 if toks[start - 1].lower == "within" else start
            return start
    return first


def _is_count(t: Token) -> bool:
    return lexicon.is_number(t.text) or t.lower in lexicon.NUMBER_WORDS


def _range_end(toks: list[Token], k: int) -> int:
    """After "3" in "3 to 5" or "one to two": the end of the range."""
    if k + 1 < len(toks) and toks[k].lower in ("to", "-", "–", "or", "and") and \
            _is_count(toks[k + 1]):
        return k + 2
    return k


def _ratio_end(toks: list[Token], k: int) -> int:
    """After "nine" in "nine in ten", "1 in 2,500" or "300 of every 100,000"."""
    j = k
    if j < len(toks) and toks[j].lower in ("in", "of", "per", "out"):
        j += 1
        while j < len(toks) and toks[j].lower in ("of", "every", "each", "the"):
            j += 1
        if j < len(toks) and _is_count(toks[j]):
            return j + 1
    return k


def _unit_end(toks: list[Token], k: int) -> int:
    if k < len(toks) and lexicon.is_unit(toks[k].text):
        k += 1
        if k < len(toks) and toks[k].lower in ("old", "apart"):
            k += 1
        elif k + 1 < len(toks) and toks[k].lower == "of" and toks[k + 1].lower == "age":
            k += 2
        elif [t.lower for t in toks[k:k + 5]] == ["the", "upper", "limit", "of", "normal"]:
            k += 5
    return k


def _counted_noun(toks: list[Token], k: int) -> int:
    """"33 reported cases": a plain number and the one or two words it counts."""
    end = k
    while end < len(toks) and end - k < 2 and toks[end].is_word and \
            toks[end].lower not in lexicon.NOT_COUNTED and not _is_count(toks[end]):
        end += 1
    return end


# ---------------------------------------------------------------- names and terms


def genes(s: Sentence) -> Iterator[Span]:
    """Gene and protein symbols: SMN1, C9orf72, TDP-43; capitals in a gene list (FUS).
    A symbol is surest where the sentence speaks of genes or mutations."""
    in_list = False
    about_genes = any(t.lower in lexicon.GENE_CUES for t in s.toks)
    for k, t in enumerate(s.toks):
        if t.lower in lexicon.GENE_CUES:
            in_list = True
        elif t.text in ".;:" or (t.is_word and t.lower in lexicon.LIST_ENDS):
            in_list = False
        if lexicon.is_symbol(t.text):
            yield s.span(k, k + 1, "gene", 0.85 if about_genes else 0.75)
        elif in_list and re.fullmatch(r"[A-Z][A-Z0-9]{2,7}", t.text):
            yield s.span(k, k + 1, "gene", 0.8)


_ORGANISM = re.compile(
    r"\b(?:[A-Z][a-z]{2,}(?:coccus|bacter|bacterium|monas|ella|ia|myces|plasma|ium|us|ides|"
    r"ma|a|as|o|is)|[A-Z]\.) [a-z]{3,}(?:us|ae|ii|um|ans|ens|is|osa|ica|ensis|ides|genes|"
    r"ilis|ile|ax|i|a)\b")
_LOCUS = re.compile(r"\b(?:chromosome \d{1,2}|\d{1,2}[pq]\d{1,2}(?:\.\d+)?)\b")


def organisms(s: Sentence) -> Iterator[Span]:
    """Binomial names, "Pseudomonas aeruginosa", "P. aeruginosa"; loci, "chromosome 7"."""
    for m in _ORGANISM.finditer(s.text):
        if m.start() > 0 or m.group().split()[0].endswith("."):
            disease = _DISEASE_AFTER.match(s.text, m.end())
            yield Span(m.start(), disease.end() if disease else m.end(), "name", 0.8)
    for m in _LOCUS.finditer(s.text):
        yield Span(m.start(), m.end(), "gene", 0.8)


# "Helicobacter pylori [gastritis]": the disease the organism causes is part of the name.
_DISEASE_AFTER = re.compile(r" (?:[a-z]+(?:itis|osis|iasis|emia|aemia)|infection|pneumonia|"
                            r"sepsis|meningitis|endocarditis|colitis)\b")


def fractions(s: Sentence) -> Iterator[Span]:
    """"a quarter of the world's population", "two-thirds of cases", "up to half", with
    the bound a number keeps (``_qualified``)."""
    for m in _FRACTION.finditer(s.text):
        first = _qualified(s.toks, s.index_at(m.start()))
        yield Span(s.toks[first].start, m.end(), "number", 0.85)


_FRACTION = re.compile(r"\b(?:(?:a|one|two|three)[- ](?:quarters?|thirds?|fifths?|tenths?)|"
                       r"two-thirds|three-quarters|one-half|half)\b(?= of\b)", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“]([^\"”]{2,50})[\"”]")


def quoted(s: Sentence) -> Iterator[Span]:
    """A term in quotation marks: the "snake eyes" sign."""
    for m in _QUOTED.finditer(s.text):
        term = m.group(1).rstrip(",.;: ")  # American quotes hold the comma: “sclerosis,”
        if term and len(term.split()) <= 5:
            yield Span(m.start(1), m.start(1) + len(term), "term", 0.8)


_SHORT_FORM = re.compile(r"\(([A-Za-z][A-Za-z0-9-]{1,10})\)")


def abbreviations(s: Sentence) -> Iterator[Span]:
    """The expansion of an abbreviation: "Spinal Muscular Atrophy (SMA)"."""
    for m in _SHORT_FORM.finditer(s.text):
        short = m.group(1)
        if sum(c.isupper() for c in short) < 2:
            continue
        start = lexicon.long_form_start(s.text[:m.start()], short)
        if start is not None:
            yield Span(start, len(s.text[:m.start()].rstrip()), "abbreviation", 0.7)


_AFTER_SHORT = re.compile(r"\s*\(([A-Za-z][A-Za-z0-9-]{1,10})\)")


def with_abbreviation(text: str, span: Span) -> Span:
    """An abbreviation and its expansion are hidden together: a span that ends at
    "Magnetic Resonance Imaging" takes its "(MRI)", and a hidden "(MRI)" takes the words
    it stands for."""
    after = _AFTER_SHORT.match(text, span.end)
    if after and _is_short_form(after.group(1)):
        return replace(span, end=after.end())
    if span.start and text[span.start - 1] == "(" and text[span.end:span.end + 1] == ")" \
            and _is_short_form(text[span.start:span.end]):
        start = lexicon.long_form_start(text[:span.start - 1], text[span.start:span.end])
        if start is not None:
            return replace(span, start=start, end=span.end + 1)
    return span


def _is_short_form(short: str) -> bool:
    return sum(c.isupper() for c in short) >= 2


def names(s: Sentence) -> Iterator[Span]:
    """Named diseases, signs, tests and drugs: "Guillain-Barré syndrome", "warfarin"."""
    toks = s.toks
    for k, t in enumerate(toks):
        if t.lower in lexicon.NAMED_HEADS and k:
            first = k
            while first > 0 and _capitalized(toks[first - 1]) and k - first < 4:
                first -= 1
            if first < k and first > 0:
                yield s.span(first, k + 1, "name", 0.65)
        elif lexicon.is_drug(t.lower):
            yield s.span(k, k + 1, "name", 0.7)


def _capitalized(t: Token) -> bool:
    return t.is_word and t.text[0].isupper() and t.lower not in PRONOUNS


# ---------------------------------------------------------------- cue phrases


def cues(s: Sentence) -> Iterator[Span]:
    """The phrase after "characterized by", "caused by", "known as", "treated with" … and
    the subject before "is the most common …"."""
    lowered, where = _without_adverbs(s.text.casefold())
    for cue in lexicon.CUES:
        for m in cue.pattern.finditer(lowered):
            if cue.before:
                found = _subject(s.toks, s.index_at(where[m.start()]))
            else:
                found = phrase_after(s.toks, s.index_at(where[m.end()]), cue.max_words)
            if found is not None and not _is_pronoun(s.toks, found):
                span = s.span(*found, cue.kind, cue.strength)
                yield replace(span, named=True) if cue.before else span


# An adverb after a verb ("is often the most common", "are usually preferred") is left out
# when cues are matched: adding one never changes what a card hides.
_VERB_ADVERB = re.compile(r"\b(?:is|are|was|were|be|been|remains?)((?: (?:often|usually|"
                          r"typically|frequently|commonly|generally|also|still|always|"
                          r"mostly|mainly|classically|sometimes|now|(?!(?:family|early|only|"
                          r"supply|apply)\b)\w+ly)\b)+)")


def _without_adverbs(text: str) -> tuple[str, list[int]]:
    """The text without those adverbs, and where each of its characters (and its end)
    is in the text."""
    kept: list[str] = []
    where: list[int] = []
    at = 0
    for m in _VERB_ADVERB.finditer(text):
        kept.append(text[at:m.start(1)])
        where.extend(range(at, m.start(1)))
        at = m.end(1)
    kept.append(text[at:])
    where.extend(range(at, len(text) + 1))
    return "".join(kept), where


def _subject(toks: list[Token], verb: int) -> tuple[int, int] | None:
    """The subject of the verb at ``verb``: the phrase just before it or, when an
    aside in commas comes between ("Argatroban, a direct thrombin inhibitor, is …"),
    the phrase the sentence opens with."""
    if verb and toks[verb - 1].text == "," and toks[0].is_word and \
            toks[0].lower not in PREPOSITIONS:
        return phrase_after(toks, 0)
    return phrase_before(toks, verb)


def label(s: Sentence) -> Iterator[Span]:
    """"Mechanism: inhibits DNA gyrase": what follows a short label."""
    m = re.match(r"([^:]{2,40}):\s+\S", s.text)
    if m is None or len(m.group(1).split()) > 5:
        return
    found = phrase_after(s.toks, s.index_at(m.end(1) + 1))
    if found is not None:
        yield s.span(*found, "label", 0.7)


def head(s: Sentence) -> Iterator[Span]:
    """The phrase a list item starts with: "Muscle biopsy showing …" under a heading
    that says what the list is."""
    found = phrase_after(s.toks, 0)
    if found is not None and not _is_pronoun(s.toks, found):
        yield s.span(*found, "head", 0.6)


def _is_pronoun(toks: list[Token], found: tuple[int, int]) -> bool:
    return found[1] - found[0] == 1 and toks[found[0]].lower in PRONOUNS


FINDERS: tuple[Finder, ...] = (numbers, fractions, genes, organisms, quoted, abbreviations,
                               names, cues, label)
