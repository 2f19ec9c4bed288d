"""Grammatical tags in glosses, and the likely variants of one tag.

A tag is a morpheme's gloss written in capitals (Leipzig's small caps):
`3SG`, `3.SG`, `PST`, `NMLZ`; in a gloss that mixes a lexical meaning with
tags (`go.PST`) its capital `.`-parts. Corpora spell one tag several ways
(`3SG` / `3.SG` / `3sg`, `PST` / `PAST`); the inventory puts such spellings
together, so that a linguist can standardise before training.
"""

import re
from collections import Counter, defaultdict

from .tokens import GLOSS_BOUNDARY, words

_PARTS = re.compile(r"[0-9]+|[^\W\d_]+")
# Spellings of the same Leipzig category seen in corpora -> the Leipzig abbreviation.
SYNONYMS = {
    "PAST": "PST", "PRES": "PRS", "PRESENT": "PRS", "FUTURE": "FUT",
    "PLUR": "PL", "PLURAL": "PL", "SING": "SG", "SINGULAR": "SG", "DUAL": "DU",
    "NEGATIVE": "NEG", "IMPF": "IPFV", "IMPERF": "IPFV", "IPF": "IPFV", "PERFV": "PFV", "PERF": "PRF",
    "IMPER": "IMP", "IMPV": "IMP", "INDEF": "INDF", "DEFINITE": "DEF", "QUES": "Q", "QUEST": "Q",
    "CAUSE": "CAUS", "PASSIVE": "PASS", "PSV": "PASS", "REFLEX": "REFL", "RFL": "REFL",
    "PROGR": "PROG", "PRG": "PROG", "NOMZ": "NMLZ", "NMZ": "NMLZ", "NOMLZ": "NMLZ",
    "INSTR": "INS", "INST": "INS", "CLF": "CL", "TOPIC": "TOP", "FOCUS": "FOC",
    "MASC": "M", "FEM": "F", "NEUT": "N", "EXC": "EXCL", "INC": "INCL", "APL": "APPL",
}


def is_tag(gloss):
    """A gloss that is grammatical tags only: no small letter, some letter or digit, not a [TOKEN]."""
    return (
        any(ch.isalnum() for ch in gloss)
        and not any(ch.islower() for ch in gloss)
        and not (gloss.startswith("[") and gloss.endswith("]"))
    )


# What separates the parts of a gloss word: morpheme boundaries (- = ~), Leipzig's `.` between the
# meanings of one morpheme, `:` for a meaning not segmented, `>` between agent and patient (1>3).
_GLOSS_PARTS = re.compile(r"([-=~.:>])")


def gloss_parts(word):
    """[(text, is a tag)] of a gloss word, separators included, in order: what to set in small caps."""
    parts = _GLOSS_PARTS.split(word)
    return [(part, i % 2 == 0 and is_tag(part)) for i, part in enumerate(parts) if part]


def morpheme_glosses(glosses):
    """The morpheme glosses of a gloss line (punctuation-only words left out)."""
    return [piece for word in words(glosses) for piece in GLOSS_BOUNDARY.split(word) if piece]


def tags_in(gloss):
    """The tags of one morpheme gloss: all of `3.SG`; `PST` of `go.PST`; none of `house`."""
    if is_tag(gloss):
        return [gloss]
    return [part for part in gloss.split(".") if is_tag(part)]


def variant_key(tag, synonyms=True):
    """What the spellings of one tag share: its digit and letter runs, in capitals (and the Leipzig name)."""
    parts = [part.upper() for part in _PARTS.findall(tag)]
    return tuple(SYNONYMS.get(part, part) for part in parts) if synonyms else tuple(parts)


class Inventory:
    """Counts the tags of gloss lines; groups the likely variants of each."""

    def __init__(self):
        self.tags = Counter()
        self.lower = Counter()  # glosses with small letters that may be a tag in small letters (`3sg`)

    def add(self, glosses):
        for gloss in morpheme_glosses(glosses or ""):
            found = tags_in(gloss)
            self.tags.update(found)
            if not found and any(ch.isalpha() for ch in gloss):
                self.lower[gloss] += 1

    def groups(self):
        """[(spelling, count, [(variant, count), ...])], the most frequent spelling of each group first, largest groups first."""
        members = defaultdict(list)
        for tag, count in self.tags.items():
            members[variant_key(tag)].append((tag, count))
        # A gloss in small letters counts only when it spells a tag exactly (3sg, pst), never by synonym (past).
        exact = {variant_key(tag, synonyms=False): variant_key(tag) for tag in self.tags}
        for gloss, count in self.lower.items():
            key = exact.get(variant_key(gloss, synonyms=False))
            if key is not None:
                members[key].append((gloss, count))
        rows = []
        for spellings in members.values():
            spellings.sort(key=lambda item: (-item[1], item[0]))
            rows.append((spellings[0][0], spellings[0][1], spellings[1:]))
        return sorted(rows, key=lambda row: (-(row[1] + sum(c for _, c in row[2])), row[0]))

    def lines(self):
        """The inventory as TSV lines: tag, count, likely variants (`3.SG 12, 3sg 3`)."""
        out = ["tag\tcount\tlikely variants"]
        for tag, count, variants in self.groups():
            out.append(f"{tag}\t{count}\t" + ", ".join(f"{v} {c}" for v, c in variants))
        return out
