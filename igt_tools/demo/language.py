"""A demo language: its lexicon, its affixes, its grammar, and how words are built.

`generate_language(seed)` makes a language from nothing; with `family_seed`
the grammar, the meanings and the proto-forms come from the family and the
seed picks the sound changes that make this daughter differ from its sisters.
Everything is drawn from `random.Random` seeded with strings, which gives the
same numbers on every machine and Python version that igt-tools supports.
"""

import hashlib
import random
from dataclasses import dataclass, field

from . import lexicon
from .phonology import (
    ONSETS,
    SOUND_CHANGES,
    Morph,
    apply_change,
    is_vowel,
    random_stem,
    random_word,
    realize,
)

# Affixes in the order a smaller language keeps them (n_affixes takes a prefix
# of this list). CORE is the core case: ERG or ACC, by the language's alignment.
PRIORITY = ("PL", "PST", "NEG", "3SG", "CORE", "DEF", "1SG", "FUT", "LOC", "Q", "3PL", "2SG", "DAT", "1PL")
NOUN_SUFFIXES = ("PL", "ERG", "ACC", "DAT", "LOC")
VERB_SUFFIXES = ("PST", "FUT", "1SG", "2SG", "3SG", "1PL", "3PL")
CLITICS = ("DEF", "Q")
PERSONS = ("1SG", "2SG", "3SG", "1PL", "3PL")
# Shapes of suffixes (C consonant, V vowel): vowel-initial ones meet stem-final
# vowels (hiatus), consonant-final ones meet the next suffix (epenthesis).
SUFFIX_SHAPES = ("CV", "CV", "CV", "VC", "VC", "C", "CVC", "CV", "VC", "C", "CV", "CV")
SUFFIX_CONSONANTS = "ptkmnslr"
SUFFIX_VOWELS = "au"  # back: harmony fronts them
PREFIX_CONSONANTS = "ptkbdgmsl"
WORD_ORDERS = ("SOV", "SVO", "VSO")
MAX_TRIES = 500


@dataclass(frozen=True)
class Stem:
    form: str
    gloss: str
    pos: str  # noun, verb or adj
    cls: str  # animate, place, thing, intransitive, transitive, ditransitive, adjective
    english: tuple  # noun: (singular, plural); verb: (base, 3sg, past); adj: (adj,)


@dataclass(frozen=True)
class Affix:
    tag: str
    form: str
    kind: str  # prefix, suffix or clitic

    def morph(self):
        return Morph(self.form, self.tag, self.kind)


@dataclass
class Language:
    name: str
    code: str
    seed: int
    family_seed: object  # int or None
    family: object  # the family's name, or None
    stems: tuple
    affixes: dict  # tag -> Affix
    word_order: str  # SOV, SVO or VSO
    adjective_first: bool
    alignment: str  # ergative or accusative
    hiatus: str  # elision or glide
    sound_changes: tuple = ()  # (from, to, where) in the order they applied (phonology.SOUND_CHANGES)
    proto_stems: dict = field(default_factory=dict)  # gloss -> proto-form (family members only)

    def has(self, tag):
        return tag in self.affixes

    def stems_of(self, cls):
        return [s for s in self.stems if s.cls == cls]

    @property
    def core_case(self):
        return "ERG" if self.alignment == "ergative" else "ACC"

    @property
    def persons(self):
        """Subject persons the verb can show (1st and 2nd only where they have an affix)."""
        return [p for p in PERSONS if p in self.affixes or p in ("3SG", "3PL")]

    @property
    def key(self):
        """What names this language among all demo languages (seeds sentences)."""
        return f"{self.family_seed}/{self.seed}"


# --- Words -----------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    morphs: tuple  # Morphs in order

    def surface(self, language):
        return realize(self.morphs, language.hiatus)

    @property
    def segmentation(self):
        return _join(self.morphs, "form")

    @property
    def glosses(self):
        return _join(self.morphs, "gloss")


def _join(morphs, attr):
    out = ""
    for m in morphs:
        text = getattr(m, attr)
        out += {"prefix": f"{text}-", "stem": text, "suffix": f"-{text}", "clitic": f"={text}"}[m.kind]
    return out


def _stem_morph(stem):
    return Morph(stem.form, stem.gloss, "stem")


def noun_word(language, stem, plural=False, case=None, clitics=()):
    morphs = [_stem_morph(stem)]
    if plural:
        morphs.append(language.affixes["PL"].morph())
    if case:
        morphs.append(language.affixes[case].morph())
    morphs += [language.affixes[tag].morph() for tag in clitics]
    return Word(tuple(morphs))


def adjective_word(language, stem, clitics=()):
    return Word((_stem_morph(stem),) + tuple(language.affixes[tag].morph() for tag in clitics))


def verb_word(language, stem, person, tense=None, negative=False, clitics=()):
    """A verb: NEG-(FUT-)stem(-tense)(-person)(=clitics); FUT is a prefix in some languages."""
    a = language.affixes
    morphs = []
    if negative:
        morphs.append(a["NEG"].morph())
    if tense and a[tense].kind == "prefix":
        morphs.append(a[tense].morph())
    morphs.append(_stem_morph(stem))
    if tense and a[tense].kind == "suffix":
        morphs.append(a[tense].morph())
    if person in a:
        morphs.append(a[person].morph())
    morphs += [a[tag].morph() for tag in clitics]
    return Word(tuple(morphs))


def possible_words(language):
    """Every word the grammar can build (a few thousand at most)."""
    has = language.has
    cases = [None] + [c for c in (language.core_case, "DAT", "LOC") if has(c)]
    noun_clitics = [(), ("DEF",)] if has("DEF") else [()]
    for stem in language.stems:
        if stem.pos == "noun":
            for plural in (False, True) if has("PL") else (False,):
                for case in cases:
                    for clitics in noun_clitics:
                        yield noun_word(language, stem, plural, case, clitics)
        elif stem.pos == "adj":
            for clitics in noun_clitics:
                yield adjective_word(language, stem, clitics)
        else:
            tenses = [None] + [t for t in ("PST", "FUT") if has(t)]
            for negative in (False, True) if has("NEG") else (False,):
                for tense in tenses:
                    for person in language.persons:
                        for clitics in [(), ("Q",)] if has("Q") else [()]:
                            yield verb_word(language, stem, person, tense, negative, clitics)


def ambiguities(language):
    """Surface forms that more than one analysis produce: {surface: [segmentation/glosses, ...]}."""
    seen = {}
    for word in possible_words(language):
        seen.setdefault(word.surface(language), set()).add((word.segmentation, word.glosses))
    return {surface: sorted(analyses) for surface, analyses in seen.items() if len(analyses) > 1}


# --- Generation ------------------------------------------------------------


def generate_language(seed, family_seed=None, n_stems=32, n_affixes=12, n_sound_changes=3):
    """A demo language, the same for the same arguments.

    n_stems: size of the lexicon (nouns, verbs, adjectives); n_affixes: how many
    of the grammatical morphemes in PRIORITY it has (1 to 14). With family_seed,
    the language is a daughter of that family's proto-language: same meanings,
    grammar and affixes, forms changed by n_sound_changes regular sound changes.
    """
    if not 1 <= n_affixes <= len(PRIORITY):
        raise ValueError(f"n_affixes must be 1 to {len(PRIORITY)}, got {n_affixes}")
    if family_seed is None:
        language = _proto_language(random.Random(f"igt-tools demo language {seed}"), n_stems, n_affixes)
        language.seed = seed
        language.code = f"demo{seed % 10000:04d}"
        return language
    language = _proto_language(random.Random(f"igt-tools demo family {family_seed}"), n_stems, n_affixes)
    rng = random.Random(f"igt-tools demo family {family_seed} member {seed}")
    language.family = language.name
    language.family_seed = family_seed
    language.seed = seed
    language.proto_stems = {s.gloss: s.form for s in language.stems}
    language.name = _name(rng)
    digest = hashlib.sha256(language.key.encode()).hexdigest()
    language.code = f"demo{int(digest, 16) % 10000:04d}"
    _apply_sound_changes(language, rng, n_sound_changes)
    return language


def _proto_language(rng, n_stems, n_affixes):
    # The grammar is drawn first, so that the size knobs leave it as it is.
    name = _name(rng)
    alignment = rng.choice(("ergative", "accusative"))
    word_order = rng.choice(WORD_ORDERS)
    adjective_first = rng.random() < 0.5
    hiatus = rng.choice(("elision", "glide"))
    fut_prefix = rng.random() < 0.5
    core = {"ergative": "ERG", "accusative": "ACC"}[alignment]
    tags = [core if t == "CORE" else t for t in PRIORITY[:n_affixes]]
    counts = lexicon.allocate(n_stems, ditransitive="DAT" in tags)
    language = Language(
        name=name,
        code="",
        seed=0,
        family_seed=None,
        family=None,
        stems=_stems(rng, counts),
        affixes={},
        word_order=word_order,
        adjective_first=adjective_first,
        alignment=alignment,
        hiatus=hiatus,
    )
    for _ in range(MAX_TRIES):
        language.affixes = _affixes(rng, tags, fut_prefix)
        if _well_formed(language):
            return language
    raise ValueError("could not draw an unambiguous set of affixes (try another seed or fewer affixes)")


def _name(rng):
    return random_word(rng, rng.choice((2, 3))).capitalize()


def _stems(rng, counts):
    stems, forms, cores = [], set(), set()
    for cls, count in counts.items():
        for english in rng.sample(lexicon.POOLS[cls], count):
            form = random_stem(rng)
            # Unique, and unique without the last vowel, so that elision stays recoverable.
            while form in forms or form[:-1] in cores:
                form = random_stem(rng)
            forms.add(form)
            cores.add(form[:-1])
            stems.append(Stem(form, english[0], lexicon.POS[cls], cls, english))
    return tuple(stems)


def _affixes(rng, tags, fut_prefix):
    affixes = {}
    suffix_tags = [t for t in tags if t in NOUN_SUFFIXES or t in VERB_SUFFIXES and not (t == "FUT" and fut_prefix)]
    shapes = list(SUFFIX_SHAPES)
    rng.shuffle(shapes)
    for tag in tags:
        if tag in CLITICS:
            form, kind = rng.choice(ONSETS) + rng.choice("aeiou"), "clitic"
        elif tag == "NEG":
            form, kind = rng.choice("aeiou") + "n", "prefix"
        elif tag == "FUT" and fut_prefix:
            form, kind = rng.choice(PREFIX_CONSONANTS) + rng.choice("aeiou") + "n", "prefix"
        else:
            shape = shapes[suffix_tags.index(tag) % len(shapes)]
            form, kind = _suffix_form(rng, shape), "suffix"
        affixes[tag] = Affix(tag, form, kind)
    return affixes


def _suffix_form(rng, shape):
    return "".join(rng.choice(SUFFIX_CONSONANTS if c == "C" else SUFFIX_VOWELS) for c in shape)


def _well_formed(language, rules=True):
    """Distinct affixes, no surface word with two analyses, and (with rules) suffixes that meet the rules."""
    forms = [a.form for a in language.affixes.values()]
    if len(set(forms)) != len(forms):
        return False
    if rules:
        suffixes = [a.form for a in language.affixes.values() if a.kind == "suffix"]
        # Something for hiatus and for epenthesis to work on, where there are enough suffixes.
        if len(suffixes) >= 4 and not (any(is_vowel(f[0]) for f in suffixes) and any(not is_vowel(f[-1]) for f in suffixes)):
            return False
    return not ambiguities(language)


def _apply_sound_changes(language, rng, n_changes):
    """Apply up to n_changes regular sound changes, skipping any that would make words ambiguous."""
    candidates = list(SOUND_CHANGES)
    rng.shuffle(candidates)
    applied = []
    for change in candidates:
        if len(applied) == n_changes:
            break
        before = (language.stems, language.affixes)
        language.stems = tuple(
            Stem(apply_change(change, s.form, stem=True), s.gloss, s.pos, s.cls, s.english) for s in before[0]
        )
        language.affixes = {
            tag: Affix(tag, apply_change(change, a.form, stem=False), a.kind) for tag, a in before[1].items()
        }
        if before == (language.stems, language.affixes):
            continue  # the change found nothing to change
        forms = [s.form for s in language.stems]
        cores = [f[:-1] for f in forms]
        if len(set(forms)) == len(forms) and len(set(cores)) == len(cores) and _well_formed(language, rules=False):
            applied.append(change)
        else:
            language.stems, language.affixes = before
    language.sound_changes = tuple(applied)
