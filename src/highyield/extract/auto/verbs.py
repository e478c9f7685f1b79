"""Verbs: which words of a sentence are verbs, without a parser. Medical prose uses a few
hundred verbs over and over; their forms (causes, caused, causing) are listed here, so a
term never takes one ("MS and ALS [attack]", "it [disrupts]")."""

from __future__ import annotations

import re

_BASES = """
    accompany account act activate affect allow alter appear arise attack become begin
    bind block break bring call carry cause change characterize check classify come compare
    compensate complicate confirm consist contain contribute control convert correlate
    cross damage decline decrease define degenerate depend describe destroy determine
    develop die differ diminish disrupt distinguish drive elevate eliminate emerge enable
    enhance ensure establish evaluate exceed exclude exhibit explain express fail fall
    follow form function generate give go grow help hide highlight identify impair improve
    include increase indicate induce influence inhibit initiate interfere interrupt involve
    keep kill lack lead leave lie limit link live look lose lower maintain make manifest
    mean measure mediate mimic mislead need occur offer originate persist play precede
    predispose present prevent produce progress prolong promote protect provide raise
    reach receive reduce reflect regulate relate release rely remain remove replace
    represent require resemble resist respond restore result reveal rise run see seem
    share shift show shorten signal spare spread start stem stimulate stop suggest
    suppress support take target tend test trigger turn undergo use vary weaken worsen
""".split()
_IRREGULAR = """
    is are was were be been being has have had does did done do made gave given went gone
    grew grown kept led left lay lain lost meant ran rose risen saw seen took taken brought
    became began begun bound broke broken came fell fallen hid hidden shown undergone
    undergoes can cannot could may might must shall should will would
""".split()


def _forms(base: str) -> set[str]:
    stem = base[:-1] if base.endswith("e") else base
    third = base[:-1] + "ies" if re.search(r"[^aeiou]y$", base) else \
        base + "es" if base.endswith(("s", "x", "ch", "sh", "o")) else base + "s"
    past = base[:-1] + "ied" if re.search(r"[^aeiou]y$", base) else stem + "ed"
    return {base, third, past, stem + "ing", base + "d" if base.endswith("e") else past}


VERB_FORMS = frozenset(f for b in _BASES for f in _forms(b)) | frozenset(_IRREGULAR)
# Forms that are also nouns in medical prose ("a positive test", "the attack", "a rapid
# decline") are verbs only after a pronoun or an adverb, or before an article.
NOUN_TOO = frozenset("""
    fall falls test tests signal signals function functions lead progress release result
    results change changes damage support control decline increase increases decrease
    decreases block blocks help shift shifts spread attack attacks cross check checks
    trigger triggers act acts target targets play look run runs stem stems turn turns
    limit limits link links measure measures express
""".split())


_SHAPED = re.compile(r"\w+(?:izes?|ised?|ises|ized|ify|ifies|ified)")


def verb_shaped(word: str) -> bool:
    """A word that ends like a verb whatever it means: "characterizes", "classify"."""
    return bool(_SHAPED.fullmatch(word))


_BEFORE = frozenset("it they this which that who".split())
_AFTER = frozenset("the a an this these its their his her our".split())


def is_verb(word: str, before: str = "", after: str = "") -> bool:
    """Is this lower-case word a verb, between these two? A form that is also a noun
    counts as a verb only after a pronoun or an adverb, or before an article ("attack
    the myelin")."""
    if word not in VERB_FORMS:
        return False
    if word not in NOUN_TOO:
        return True
    return before in _BEFORE or before.endswith("ly") or after in _AFTER
