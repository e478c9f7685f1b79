"""Words: tokens with their places in the text, stopwords, and word stems for comparing
statements."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.casefold()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


def tokens(text: str) -> list[Token]:
    """Words, numbers ("85-90%", "1.5", "T2/FLAIR") and single punctuation marks, with
    every hyphen in them written "-"; their offsets are the text's own."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(hyphenated(text))]


def hyphenated(text: str) -> str:
    """The text with every hyphen written "-", character for character."""
    return _EN_DASH_IN_WORD.sub("-", text.translate(_HYPHENS))


def stem(word: str) -> str:
    """A rough stem, enough to match "diseases" with "disease"; "three" is "3"."""
    w = word.casefold().strip("’'")
    if w in _DIGITS:
        return _DIGITS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and len(w) > 3 and not w.endswith(("ss", "is", "us")):
        return w[:-1]
    return w


_DIGITS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten".split())}
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)(%?)")


def content_stems(text: str) -> frozenset[str]:
    """The stems of a text's content words: what two statements are compared by. A range
    counts as its two ends, so "3-5 years" meets "three to five years"."""
    found: set[str] = set()
    for t in tokens(text):
        if not t.is_word or t.lower in STOPWORDS:
            continue
        m = _RANGE.fullmatch(t.text)
        found.update((m.group(1), m.group(2)) if m else (stem(t.text),))
    return frozenset(found)
