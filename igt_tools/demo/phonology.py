"""Sounds of the demo languages: stem shapes, the rules that join morphemes, sound changes.

Every rule is regular (predictable from the sounds on either side), so a
model can learn to undo it; together they make the surface word differ from
its segmentation with the boundaries removed:

- vowel harmony: suffix vowels are written back (`a`, `u`) and surface front
  (`e`, `i`) after a stem whose vowels are front;
- hiatus: vowel + vowel across a suffix boundary loses the first vowel
  (elision) or gets a `y` between them (glide), by language;
- epenthesis: consonant + consonant across a suffix boundary gets a high
  vowel between them (`i` or `u`, by harmony);
- nasal assimilation: a prefix-final `n` becomes `m` before a labial.

Clitics stand outside the phonology: they attach with no rule at all.
"""

from collections import namedtuple

VOWELS = frozenset("aeiou")
FRONT = frozenset("ei")
# Suffix vowels are underlyingly back; harmony fronts them.
FRONTED = {"a": "e", "u": "i"}
LABIALS = frozenset("pbmfv")
ONSETS = "ptkbdgmnslr"
CLUSTERS = ("mp", "mb", "nt", "nd", "nk", "ng", "lt", "lk", "rt", "rk", "st", "sk", "lm", "rm")
STEM_VOWELS = {"front": "ei", "back": "aou"}

Morph = namedtuple("Morph", "form gloss kind")  # kind: prefix, stem, suffix or clitic


def is_vowel(ch):
    return ch in VOWELS


def is_front(form):
    """Harmony class of a stem: its last vowel decides."""
    for ch in reversed(form):
        if is_vowel(ch):
            return ch in FRONT
    return False


def random_stem(rng):
    """A harmonic CVCV or CVCCV stem (all vowels front or all back; ends in a vowel)."""
    vowels = STEM_VOWELS[rng.choice(("front", "back"))]
    middle = rng.choice(CLUSTERS) if rng.random() < 0.35 else rng.choice(ONSETS)
    return rng.choice(ONSETS) + rng.choice(vowels) + middle + rng.choice(vowels)


def random_word(rng, syllables):
    """A pronounceable name-like word (CV syllables, last one may close in n)."""
    word = "".join(rng.choice(ONSETS) + rng.choice("aeiou") for _ in range(syllables))
    return word + ("n" if rng.random() < 0.3 else "")


def realize(morphs, hiatus):
    """The surface form of one word, given as Morphs in order (prefixes, stem, suffixes, clitics)."""
    stem = next(m.form for m in morphs if m.kind == "stem")
    front = is_front(stem)
    epenthetic = "i" if front else "u"
    out, previous = "", None
    for morph in morphs:
        form = morph.form
        if morph.kind == "suffix" and front:
            form = "".join(FRONTED.get(ch, ch) for ch in form)
        if previous == "prefix" and out.endswith("n") and form[0] in LABIALS:
            out = out[:-1] + "m"
        elif morph.kind == "suffix" and out:
            if is_vowel(out[-1]) and is_vowel(form[0]):
                out = out[:-1] if hiatus == "elision" else out + "y"
            elif not is_vowel(out[-1]) and not is_vowel(form[0]):
                out += epenthetic
        out += form
        previous = morph.kind
    return out


# Sound changes that turn a proto-language into its daughters: (from, to, where).
# Every change swaps one sound for another, so cognates keep their length.
# Vowel changes keep the harmony class and apply to stems only (harmony holds affix vowels).
SOUND_CHANGES = (
    ("p", "f", "anywhere"),
    ("b", "v", "between vowels"),
    ("d", "r", "between vowels"),
    ("k", "h", "between vowels"),
    ("t", "d", "between vowels"),
    ("t", "s", "before a front vowel"),
    ("k", "c", "before a front vowel"),
    ("g", "k", "anywhere"),
    ("s", "h", "at the start"),
    ("l", "r", "anywhere"),
    ("r", "l", "anywhere"),
    ("o", "u", "anywhere"),
    ("u", "o", "anywhere"),
    ("a", "o", "anywhere"),
    ("e", "i", "anywhere"),
    ("i", "e", "anywhere"),
)


def describe_change(change):
    source, target, where = change
    return f"{source} > {target}" + ("" if where == "anywhere" else f" {where}")


def apply_change(change, form, stem):
    """Apply one sound change to one morpheme's form (contexts look inside the morpheme only)."""
    source, target, where = change
    if is_vowel(source) and not stem:
        return form
    out = []
    for i, ch in enumerate(form):
        before = form[i - 1] if i else ""
        after = form[i + 1] if i + 1 < len(form) else ""
        if ch == source and _context_holds(where, i, before, after):
            ch = target
        out.append(ch)
    return "".join(out)


def _context_holds(where, i, before, after):
    if where == "anywhere":
        return True
    if where == "between vowels":
        return is_vowel(before) and is_vowel(after)
    if where == "before a front vowel":
        return after in FRONT
    if where == "at the start":
        return i == 0
    raise ValueError(f"unknown sound change context {where!r}")
