"""Words: tokens with their places in the text, stopwords, and word stems for comparing
statements."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

STOPWORDS = frozenset("""
    a about above after again against all also although am among an and any are as at be
    because been before being below between both but by can could did do does doing down
    during each either especially even ever every few for from further had has have having
    he her here hers herself him himself his how however i if in into is it its itself just
    like many may might more most much must my myself neither no nor not now of off often on
    once only or other our ours ourselves out over own per rather same several she should so
    some such than that the their theirs them themselves then there these they this those
    though through thus to too typically under until up upon usually very via was we were
    what when where whether which while who whom whose why will with within without would
    yet you your yours approximately about around nearly almost roughly mainly mostly
    primarily generally commonly frequently also including include includes included
""".split())

# Words that start a new clause or phrase: a hidden span stops before them.
CLAUSE_WORDS = frozenset("""
    which that who whom whose where when while whereas as than rather not but because since
    although though if unless until so thus hence therefore is are was were be been being
    has have had can may might will would should could must does do did remains remain
    becomes become seems appear appears making representing resulting leading including
    involving affecting causing reflecting emphasizing confirming suggesting indicating
    especially particularly typically usually often mainly primarily only even also
    according anywhere everywhere elsewhere somewhere here there showing demonstrating
    suggesting requiring producing containing lasting starting beginning occurring
    presenting carrying using having being becoming following preceding meaning
    allowing giving taking getting seeing living
""".split())

PREPOSITIONS = frozenset("""
    in on at from with within along among during after before for by into through
    throughout via without under over across between toward towards against despite beyond
    around behind near onto per upon versus vs
""".split())

DETERMINERS = frozenset("""
    a an the this these that those its their his her our your some any each every both
    either neither such another other
""".split())

# Adverbs a writer adds anywhere ("is often the cause", "is clearly uncommon"): what is
# hidden never starts with one.
ADVERBS = frozenset("""
    often usually typically frequently commonly generally also still always mostly mainly
    classically sometimes now clearly notably rarely occasionally largely nearly highly
    strongly rapidly slowly partly chiefly particularly especially
""".split())
_ADVERB_ENDS = ("ally", "ously", "ively", "ently", "antly", "edly", "ibly", "ably", "fully")


def is_adverb(word: str) -> bool:
    w = word.casefold()
    return w in ADVERBS or (len(w) > 6 and w.endswith(_ADVERB_ENDS))


PRONOUNS = frozenset("it its they their them this these those he she his her such".split())

# Words keep inner hyphens, en dashes, slashes and stops ("T2/FLAIR", "elexacaftor–
# tezacaftor"); a number keeps its thousands, decimals and a unit after a slash.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:%|/[\wµμ²³]+)?|"
                    r"[\w’'][\w’'./+–-]*[\w%+²³]|[\w%]|[^\w\s]")
# Every Unicode hyphen is a hyphen: U+2010-2012, the minus sign, the soft hyphen, the
# small and full-width hyphen-minus, and an en dash inside a word ("Nkx‐2.5").
_HYPHENS = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2212\u00ad\ufe63\uff0d", "-"))
_EN_DASH_IN_WORD = re.compile(r"(?<=\w)–(?=\w)")


class Token(NamedTuple):
    """A word, number or mark, with its place in the text. (A named tuple with its lower
    case worked out once: finders ask for it hundreds of thousands of times.)"""

    text: str
    start: int
    end: int
    lower: str
    is_word: bool


def tokens(text: str) -> list[Token]:
    """Words, numbers ("85-90%", "1.5", "T2/FLAIR") and single punctuation marks, with
    every hyphen in them written "-"; their offsets are the text's own."""
    return list(_tokens(text))


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[Token, ...]:
    """A statement is read many times over (finders, specificity, stems): once is enough."""
    return tuple(Token(m.group(), m.start(), m.end(), m.group().casefold(), m.group()[0].isalnum())
                 for m in _TOKEN.finditer(hyphenated(text)))


def hyphenated(text: str) -> str:
    """The text with every hyphen written "-", character for character."""
    return _EN_DASH_IN_WORD.sub("-", text.translate(_HYPHENS))


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A rough stem, enough to match "diseases" with "disease", "degenerate" with
    "degeneration" and "infected" with "infection"; "three" is "3", "percent" is "%", and
    a few words that say the same thing ("average", "mean") share one stem."""
    w = word.casefold().strip("’'")
    if w in _NUMBER_WORDS:
        return _NUMBER_WORDS[w]
    if w in _SAME:
        return _SAME[w]
    w = _singular(w)
    for _ in range(2):
        w = _unsuffixed(w)
    return _SAME.get(w, w)


def _singular(w: str) -> str:
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and len(w) > 3 and not w.endswith(("ss", "is", "us")):
        return w[:-1]
    return w


def _unsuffixed(w: str) -> str:
    """The word without its longest derivational suffix, when a stem of three letters or
    more is left ("clott" is "clot")."""
    if not w.isalpha():
        return w
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[:-len(suffix)]
            if suffix in _DOUBLING and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            return w
    return w


_SUFFIXES = sorted("""
    ation ations ate ated ates ating ition itions ion ions ing ings ity ities ence ences
    ance ances ent ents ment ments ness ious ous ive ively ives ally al ic ed ly y e
""".split(), key=len, reverse=True)
_DOUBLING = frozenset(("ing", "ed"))

# Words that say the same thing in these notes, each to one stem.
_SAME = {w: group.split()[0] for group in """
    mean average
    death die died dies dying dead mortality
    rare rarely uncommon unusual unusually infrequent
    common frequent
    child children
    woman women
    man men
    drug medication
    stop discontinue discontinued cease withdraw
    start begin began initiate
""".strip().splitlines() for w in group.split()}

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORDS = {w: str(n) for n, w in enumerate(_UNITS)} | \
    {w: str(20 + 10 * n) for n, w in enumerate(_TENS)} | {"hundred": "100"}
_NUMBER = r"\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS)
_RATIO = re.compile(rf"\b({_NUMBER})\s+(?:in|out\s+of)\s+({_NUMBER})\b", re.IGNORECASE)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s+(?:percent|per\s+cent)\b", re.IGNORECASE)
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)(%?)")
_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(%?)(?:/(.+))?")


@lru_cache(maxsize=1 << 15)
def content_stems(text: str) -> frozenset[str]:
    """The stems of a text's content words: what two statements are compared by. Numbers
    are compared as figures: a range counts as its two ends, so "3-5 years" meets "three
    to five years"; "nine in ten" and "90 percent" are "90%"; "2.0" is "2"; "20,000/µL" is
    "20000" and "µl". A hyphenated word counts as its parts."""
    return frozenset(stems_in_order(text))


def stems_in_order(text: str) -> list[str]:
    """The same stems as ``content_stems``, in the order the text says them."""
    found: list[str] = []
    for t in tokens(_PERCENT.sub(r"\1%", _RATIO.sub(_share, text))):
        if t.is_word and t.lower not in STOPWORDS:
            found.extend(_stems_of(t.text))
    return found


@lru_cache(maxsize=256)
def placed_stems(text: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """Each content word's place in the text and its stems, for comparing the words
    outside a span with those inside (figures as ``content_stems`` reads them, word by
    word)."""
    return tuple((t.start, t.end, _stems_of(t.text)) for t in tokens(text)
                 if t.is_word and t.lower not in STOPWORDS)


_PARTS = re.compile(r"[-–/]")


@lru_cache(maxsize=1 << 15)
def _stems_of(word: str) -> tuple[str, ...]:
    m = _RANGE.fullmatch(word)
    if m:
        return _figure(m.group(1)) + m.group(3), _figure(m.group(2)) + m.group(3)
    m = _FIGURE.fullmatch(word)
    if m:
        return _figure(m.group(1)) + m.group(2), *((m.group(3).casefold(),) if m.group(3) else ())
    parts = [p for p in _PARTS.split(word) if p and p.casefold() not in STOPWORDS]
    return tuple(stem(p) for p in parts) if len(parts) > 1 else (stem(word),)


def _figure(number: str) -> str:
    """ "20,000" is "20000" and "2.0" is "2"."""
    number = number.replace(",", "")
    return number.rstrip("0").rstrip(".") if "." in number else number


def _share(m: re.Match[str]) -> str:
    """ "nine in ten" as a share: "90%"."""
    part, whole = (float(_NUMBER_WORDS.get(g.casefold(), g)) for g in m.groups())
    if not 0 < part <= whole:
        return m.group()
    return f"{round(100 * part / whole)}%"
