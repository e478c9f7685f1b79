"""What the span finders know about medical English: units, number words, gene symbols,
drug stems, named things, and the cue phrases that introduce a testable fact."""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = frozenset("""
    one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty
    forty fifty sixty seventy eighty ninety hundred thousand million half dozen
""".split())

# A number right after these words is part of a name, not a quantity.
NAME_HEADS = frozenset("""
    type types stage stages grade grades class phase factor chromosome trisomy neuron
    nerve cn lead leads step level vitamin gen generation version part figure table hla
    cluster complex zone segment gene protein isoform serotype subtype variant
""".split())

UNITS = frozenset("""
    % percent percentage year years yr yrs month months week weeks day days hour hours h
    hr hrs minute minutes min mins second seconds sec s decade decades bpm beats breaths
    °c °f times fold x copies repeats cycles doses cases patients people persons
    individuals births adults children men women males females newborns infants deaths
    units unit
""".split())
TIME_UNITS = frozenset("""
    day days week weeks month months year years hour hours decade decades age ages aged
    trimester cycle
""".split())
# Measures: mg, mL, mmHg, mEq/L, mg/kg/day, cells/µL, /µL, m².
_UNIT = re.compile(
    r"(?:/?(?:[kmµμnp]?(?:g|l|m|mol|eq|osm)|dl|iu|u|mmhg|cmh2o|kpa|mm3|m²|m2|min|h|hr|"
    r"day|d|wk|kg|cells|µl|μl|ml|fl|s|sec|bpm|meq)[²³]?)+(?:/[\wµμ²³]+)*", re.IGNORECASE)


def is_unit(word: str) -> bool:
    return word.casefold() in UNITS or bool(_UNIT.fullmatch(word))


NOT_COUNTED = frozenset("""
    and or of to in on at for with by from as is are was were be the a an than which that
    who main major separate different distinct other more less most
""".split())

GENE_CUES = frozenset({"gene", "genes", "mutation", "mutations", "mutated", "allele",
                       "alleles", "locus", "encoding", "encodes", "encoded", "variants"})
LIST_ENDS = frozenset({"which", "that", "while", "whereas", "but"})

# Words that end a name: "… syndrome", "… sign", "… test".
NAMED_HEADS = frozenset("""
    syndrome disease sign test reflex triad phenomenon stain staining scan score criteria
    maneuver manoeuvre palsy tumor tumour lesion lesions body bodies cells cell nodes nodules
    fever rash murmur ulcer anemia anaemia deficiency agar assay
""".split())

_DRUG_STEMS = re.compile(
    r"\w{3,}(?:mab|nib|pril|sartan|olol|alol|statin|azole|cillin|mycin|micin|floxacin|"
    r"cycline|vir|dipine|parin|xaban|gatran|tide|glutide|gliptin|gliflozin|prazole|tidine|"
    r"setron|triptan|afil|azepam|zolam|barbital|caine|profen|oxacin|platin|taxel|rubicin|"
    r"tinib|lukast|terol|sone|olone|asone|semide|thiazide|zosin|dronate|tropium|curium|"
    r"conazole|fungin|penem|cef\w+|sulfa\w+|ximab|zumab|umab)")
_SYMBOL = re.compile(
    r"(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[A-Z0-9])"
    r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_NOT_SYMBOLS = re.compile(r"[A-Z]\d|ICD-?\d+|COVID-?19|DSM-?\d|[A-Z]{1,2}-\d|Q\d+")
_NUMBER = re.compile(r"[~≈<>≤≥]?\d+(?:[.,]\d+)*(?:\s*[-–]\s*\d+(?:[.,]\d+)*)?%?")


_NUMBER_UNIT = re.compile(r"[~≈<>≤≥]?\d[\d,.]*(/[\wµμ²³]+)")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text))


def number_and_unit(text: str) -> bool:
    """One token that is a number with its unit: "150,000/µL"."""
    m = _NUMBER_UNIT.fullmatch(text)
    return m is not None and is_unit(m.group(1))


def is_year(text: str) -> bool:
    return bool(_YEAR.fullmatch(text))


def is_symbol(text: str) -> bool:
    """A gene or protein symbol such as SMN1, C9orf72, TDP-43 or BRCA1 (not T2 or ICD-11)."""
    return (3 <= len(text) <= 12 and bool(_SYMBOL.fullmatch(text))
            and not _NOT_SYMBOLS.fullmatch(text))


def is_drug(word: str) -> bool:
    return bool(_DRUG_STEMS.fullmatch(word))


def long_form_start(before: str, short: str) -> int | None:
    """Where the long form of an abbreviation starts in the text before it (the
    Schwartz–Hearst algorithm): "Spinal Muscular Atrophy (SMA)"."""
    letters = [c.lower() for c in short.rstrip("s") if c.isalnum() and not c.isdigit()]
    text = before.rstrip()
    if len(letters) < 2:
        return None
    words_allowed = min(len(letters) + 5, len(letters) * 2)
    window_start = _window_start(text, words_allowed)
    s, t = len(letters) - 1, len(text) - 1
    while s >= 0:
        c = letters[s]
        while t >= window_start and (text[t].lower() != c or
                                     (s == 0 and t > 0 and text[t - 1].isalnum())):
            t -= 1
        if t < window_start:
            return None
        s, t = s - 1, t - 1
    start = t + 1
    return start if text[start:].split() and not _crosses_clause(text[start:]) else None


def _window_start(text: str, words: int) -> int:
    cut = max(text.rfind(c) for c in ",;:(")
    spaces = [m.start() for m in re.finditer(r"\s", text)]
    start = spaces[-words] + 1 if len(spaces) >= words else 0
    return max(start, cut + 1)


def _crosses_clause(long_form: str) -> bool:
    return bool(re.search(r"\b(?:is|are|was|were|and the|of the)\b", long_form, re.I)) and \
        len(long_form.split()) > 4


# Nouns naming the role a thing plays: in "X is the agent of choice", X is the answer.
ROLES = ("complication|cause|treatment|therapy|drug|agent|medication|antidote|test|"
         "investigation|sign|feature|manifestation|finding|marker|hallmark|symptom|"
         "organism|pathogen|site|location|presentation|choice|option|risk factor|"
         "factor|predictor|mainstay|cornerstone|modality|regimen|vector|reservoir|"
         "precursor|inhibitor|antagonist|agonist|enzyme|mediator|trigger|culprit|"
         "adverse effect|side effect|toxicity")


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    kind: str
    strength: float
    before: bool = False  # the answer is the subject before the cue, not the phrase after
    max_words: int = 6


def _cue(regex: str, kind: str, strength: float, before: bool = False) -> Cue:
    return Cue(re.compile(regex), kind, strength, before)


CUES: tuple[Cue, ...] = (
    _cue(r"\b(?:known|referred to|described|recognized) as\b|\b(?:called|termed|dubbed)\b",
         "term", 0.85),
    _cue(r"\bthe (?:most common|commonest|leading|classic|main|major|primary|principal|"
         r"usual|typical|only|first)\b[^,.;:()]{0,60}?\b(?:is|are|was|were)\b", "definition",
         0.85),
    _cue(r"\b(?:is|are|was|were|remains?) (?:the|a|an) (?:[\w-]+ ){0,3}?(?:" + ROLES + r")s?\b",
         "definition", 0.8, before=True),
    _cue(r"\b(?:is|are) (?:\w+ly )?(?:not )?(?:contraindicated|avoided|preferred|recommended|"
         r"indicated|required|needed|given|prescribed)\b", "treatment", 0.7, before=True),
    _cue(r"\b(?:infected|colonized|colonised|infection|contaminated) (?:\w+ly )?(?:with|by)\b",
         "cause", 0.75),
    _cue(r"\b(?:is|are) (?:\w+ly )?associated with (?:an? |the )?(?:increased|higher|greater|"
         r"lower|reduced|decreased) (?:risk|incidence|rate|likelihood)\b", "association", 0.8,
         before=True),
    _cue(r"\bcharacteri[sz]ed (?:primarily |mainly |mostly |clinically |histologically )?by\b",
         "definition", 0.8),
    _cue(r"\b(?:caused|triggered|produced|mediated|transmitted|spread|inherited|encoded) "
         r"(?:mainly |mostly |primarily |usually |typically |chiefly |most often |"
         r"most commonly )?(?:by|through|via)\b", "cause", 0.8),
    _cue(r"\b(?:due|secondary|attributable|owing) to\b|\bresults? from\b|\barises? from\b",
         "cause", 0.75),
    _cue(r"\b(?:deficiency|deficiencies|mutations?|deletions?|defects?) (?:of|in)\b",
         "cause", 0.7),
    _cue(r"\b(?:classified|categori[sz]ed|regarded|considered) (?:\w+ly )?as\b",
         "definition", 0.7),
    _cue(r"\bonset (?:in|at|during|before|after)\b|\b(?:appears?|begins?|starts?|"
         r"presents?|manifests?) (?:\w+ly )?(?:in|during)\b", "onset", 0.7),
    _cue(r"\b(?:is|are) used (?:\w+ly )?(?:to|for|in)\b", "use", 0.6),
    _cue(r"\b(?:includes?|including|involves?|involving|comprises?|comprising)\b",
         "list", 0.6),
    _cue(r"\b(?:treated|managed|reversed|prevented|controlled) (?:first-line |initially |"
         r"primarily |mainly |usually |typically |urgently )?(?:with|by|using)\b|"
         r"\b(?:treatment|therapy|drug|antidote|agent) of choice (?:is|for [^,.;]+? is)\b|"
         r"\bthe antidote (?:for|to) [^,.;]+? is\b|"
         r"\bfirst[- ]line (?:treatment|therapy|agent|drug)s? (?:is|are|for [^,.;]+? (?:is|are))\b",
         "treatment", 0.8),
    _cue(r"\b(?:diagnosed|confirmed|detected|identified|established|visualized|measured)"
         r" (?:mainly |primarily |usually |definitively )?(?:by|with|using|via|on)\b|"
         r"\bgold standard (?:for [^,.;]+? )?is\b|\b(?:test|investigation) of choice is\b",
         "test", 0.75),
    _cue(r"\b(?:strongly |closely |commonly |classically |frequently )?(?:associated|linked)"
         r" (?:with|to)\b", "association", 0.75),
    _cue(r"\b(?:presents?|presenting|manifests?|manifesting) (?:\w+ly )?(?:with|as)\b",
         "finding", 0.7),
    _cue(r"\b(?:hallmark|marker|feature|sign|finding|cause|complication|mechanism|"
         r"treatment|symptom)s? of [^,.;:()]{2,40}? (?:is|are|includes?)\b", "definition", 0.8),
    _cue(r"\b(?:is|are|was|were) (?:an?|the) (?!result\b|form\b|group\b|type\b|number\b|"
         r"part\b|way\b|kind\b|lot\b|bit\b|matter\b|problem\b|question\b)", "definition", 0.7),
    _cue(r"\b(?:defined|marked|distinguished|recognized|identified) (?:by|as)\b",
         "definition", 0.75),
    _cue(r"\b(?:results? in|resulting in|leads? to|leading to|causes|causing)\b",
         "effect", 0.6),
    _cue(r"\b(?:inhibits?|blocks?|binds?(?: to)?|activates?|stimulates?|antagoni[sz]es|"
         r"targets?|attacks?|destroys?|damages?|spares?|lacks?|affects?|develops?|"
         r"represents?|follows?|"
         r"indicates?|confirms?|shows?|reveals?|demonstrates?|requires?|produces?|"
         r"increases?|decreases?|reduces?|raises?|lowers?|prevents?|occurs? in|"
         r"relies? (?:\w+ly )?on|depends? on|consists? of|contains?)\b", "object", 0.55),
    _cue(r"\bsuch as\b|\blike\b(?= [A-Z])", "example", 0.55),
)
