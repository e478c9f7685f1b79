"""Clipping noise: citation markers, site boilerplate and reference lists.

None of it may reach a card. Citation markers are cut out of the text; boilerplate lines
and reference sections are dropped whole.
"""

from __future__ import annotations

import re

from highyield.extract import citations

# " 2, 1" or " 1, 3." at the end of a statement: citations when the note uses them.
_TRAILING = re.compile(r"(?P<word>[\w)\]%”\"'’]+)(?P<marks>(?:\s+\d{1,3}(?:\s*,\s*\d{1,3})*))"
                       r"(?P<stop>\s*[.;]?)\s*$")
# Words after which a number belongs to the text: "type 2", "stage 4", "of 10".
_NUMBER_HEADS = frozenset("""
    a about above after age aged and approximately around at below between by chapter class
    cn day do dose exceeding factor from grade grades is are was were least less level lead
    leads more most nearly of only or over per phase score stage step than to trisomy type
    types under up version week within chromosome cycle hla figure table part number no nos
    segment nerve cranial ~ = < > ≥ ≤
""".split())

# Each pattern starts at a word or at the start of the line (see _BOILERPLATE below).
_FURNITURE = (
    # editorial and review status
    r"\b(?:medically |clinically )?(?:reviewed|fact[- ]checked|written|edited|updated) by\b",
    r"\breview status\b", r"^(?:submitted|under review|approved|pending review|draft)\.?$",
    r"\blast (?:updated|reviewed|modified|edited)\b", r"\beditorial (?:policy|process|team)\b",
    r"\bpending human review\b", r"\beducational purposes? only\b", r"\badvisory board\b",
    r"\bupdated on\b.*\b(?:19|20)\d\d\b", r"^(?:published|posted|updated)\b.*\b(?:19|20)\d\d",
    r"\bminute read\b", r"\bmin read\b", r"\bauthor(?:s|ed)?:",
    # personalisation, sharing and marketing
    r"^personali[sz]e\b", r"\btailor your\b", r"\bbest describes you\b", r"\bsign (?:up|in)\b",
    r"\bsubscribe\b", r"\bnewsletter\b", r"\bdownload (?:the|our)\b", r"\bshare (?:on|this)\b",
    r"^share\b", r"^advertisement$", r"^(?:ad|ads|sponsored)$", r"\bsponsored\b",
    r"\bcookies?\b", r"\bprivacy (?:policy|settings)\b", r"\bterms of (?:use|service)\b",
    r"\bwas this (?:page |article |answer |information )?helpful\b", r"\bfollow[- ]up question",
    r"\bask (?:any|a|our|your)\b.*\bquestion", r"\brelated (?:articles|posts|content|reading)\b",
    r"\bread (?:more|next)\b", r"\bclick here\b", r"\blearn more\b", r"\bworld[- ]class\b",
    r"\binstantly\b", r"\bfree trial\b", r"\bour (?:medical )?a\.?i\.?\b", r"\bsee (?:our|all)\b",
    r"\bskip to (?:main )?content\b", r"\bback to top\b", r"\bprint this\b", r"\bcopy link\b",
    r"\bjoin (?:our|now|today)\b", r"\bget (?:started|the app)\b", r"\bfollow us\b",
    r"\btrusted by\b", r"\bused by (?:practicing|thousands|millions)\b",
    # breadcrumbs, ratings, buttons, link bars and course furniture
    r"^(?:[A-Za-z ]{1,25}\|){2,}[A-Za-z ]{1,25}$", r"\baccess free\b",
    r"\bmultiple[- ]choice questions\b",
    r"\bcontinuing (?:medical )?education\b", r"\bhow we reviewed\b", r"\bdownload pdf\b",
    r"\bcite this\b", r"\banswer generated\b", r"\bchecked by (?:the|our)\b",
    r"^\d+ sources?$", r"·\s*\d+ sources?\b", r"\bsourcing guidelines\b", r"^sources?:",
    r"^great question\b", r"^(?:good|excellent) question\b",
    r"^home\s*[›>»/|]", r"\brated \d(?:\.\d)? (?:out of|/) ?\d\b",
    r"\b\d[\d,]* (?:ratings|reviews|readers|votes)\b", r"^(?:yes|no)(?:\s*[|/]?\s*(?:yes|no))+$",
    # disclaimers
    r"\bdisclaimer\b", r"\bnot (?:intended|meant) (?:as|to be|to replace|to provide)\b",
    r"\bnot a substitute for\b", r"\bdoes not replace\b", r"\bno liability\b",
    r"\bassumes no\b", r"\bconsult (?:your|a|with a) (?:doctor|physician|healthcare|health care)",
    r"\bintended for (?:healthcare|health care|medical) professionals\b",
    r"\bfor informational purposes\b", r"\bmedical advice\b", r"\bseek (?:immediate )?medical",
    r"\ball rights reserved\b", r"\bcopyright\b",
)
# Tried only where a word or the line starts: at other places the lookbehind fails at
# once, instead of each of the hundred patterns failing in turn.
_BOILERPLATE = re.compile("(?<!\\w)(?:" + "|".join(f"(?:{p})" for p in _FURNITURE) + ")",
                          re.IGNORECASE)
_MARKS = re.compile(r"©|★|☆|[›»].*[›»]")  # a copyright sign, rating stars, a breadcrumb
# A byline, "By Jane Doe, MD": case matters, or "By adulthood, most patients…" is one.
_BYLINE = re.compile(r"^By\s+(?:Dr\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][A-Za-z'-]+\b"
                     r"(?!\s+[a-z])")

# Headings that start a section of nothing but references or site furniture.
_END_SECTIONS = re.compile(
    r"^(?:references?|bibliography|sources?|citations?|works cited|further reading|"
    r"footnotes?|notes and references|related(?: articles| posts| topics| reading)?|"
    r"(?:professional |medical )?disclaimer|have a (?:follow[- ]up )?question\??|"
    r"more (?:from|on|about)\b.*|see also|about the authors?|comments?|share this\b.*|"
    r"recommended(?: for you)?|you (?:may|might) also like\b.*|"
    r"latest (?:news|articles)|popular (?:articles|posts)|trending\b.*|"
    r"enhancing healthcare team outcomes|review questions)\s*:?$",
    re.IGNORECASE)

# A line of a reference list: "Journal name, 2017", "Smith J, et al.", a DOI or PMID.
_REFERENCE_LINE = re.compile(
    r"(?:\bet al\.|\bdoi:|\bdoi\.org/|\bpmid\b|\bpmcid\b|https?://|www\.|"
    r"^[^.!?]{0,80},\s*(?:19|20)\d\d\.?$|\b(?:19|20)\d\d;\s*\d+)",
    re.IGNORECASE)


def is_boilerplate(text: str) -> bool:
    """A line of site furniture: review status, sharing, marketing, a disclaimer."""
    stripped = text.strip()
    return bool(_BOILERPLATE.search(stripped) or _MARKS.search(stripped) or
                _BYLINE.match(stripped))


def ends_content(heading: str) -> bool:
    """A heading such as "References" or "Disclaimer": what follows it is no content."""
    return bool(_END_SECTIONS.match(heading.strip()))


def is_reference(text: str) -> bool:
    return bool(_REFERENCE_LINE.search(text.strip()))


def strip_bracketed(text: str) -> str:
    """Cut "[3]"-style and superscript citation markers from anywhere in the text: in a
    clipping they are always citations."""
    return citations.strip_anywhere(text)


def trailing_citation(text: str) -> re.Match[str] | None:
    """The citation numbers at the end of a statement ("… apoptosis 2, 1."), unless the
    number belongs to the text ("type 2", "of 10")."""
    tail = text.rstrip()
    if tail[-1:] in (".", ";"):
        tail = tail[:-1].rstrip()
    if not tail[-1:].isdigit():
        return None  # the pattern below needs a number at the end: most lines end otherwise
    m = _TRAILING.search(text)
    if m is None:
        return None
    word = m.group("word").casefold()
    before = text[:m.start("word")].rstrip().rsplit(None, 1)[-1:]
    if word == "age" and before and before[0].casefold() == "of":
        return m  # "until 5 years of age 6": the 6 is a citation
    return None if word in _NUMBER_HEADS else m


def strip_trailing(text: str) -> str:
    m = trailing_citation(text)
    if m is None:
        return text
    return text[:m.start("marks")] + m.group("stop").strip()
