"""Sentences of a demo language, with their segmentation, glosses and English translation.

A sentence is a subject (a noun phrase, or dropped for 1st and 2nd person, which
the verb shows), an object and a recipient by the verb's valency, sometimes a
place (LOC), and the verb with negation, tense, agreement and the question
clitic. Noun phrases may have an adjective and the DEF clitic on their last
word. The same (language, index) always gives the same sentence.
"""

import random
from dataclasses import dataclass

from .language import Word, adjective_word, noun_word, verb_word

MIN_WORDS = 2
MAX_WORDS = 4
PRONOUNS = {"1SG": "I", "2SG": "you", "1PL": "we"}
ORDERS = {
    "SOV": ("S", "LOC", "IO", "O", "V"),
    "SVO": ("S", "V", "O", "IO", "LOC"),
    "VSO": ("V", "S", "O", "IO", "LOC"),
}
PREPOSITIONS = {"IO": "to", "LOC": "at"}


@dataclass(frozen=True)
class Sentence:
    transcription: str
    segmentation: str
    glosses: str
    translation: str
    words: tuple  # (surface, Word) per word


@dataclass
class _Phrase:
    noun: object
    plural: bool = False
    definite: bool = False
    adjective: object = None
    case: object = None


def generate_sentence(language, index, max_words=MAX_WORDS):
    """Sentence number `index` of the language (any non-negative integer)."""
    if max_words < MIN_WORDS:
        raise ValueError(f"max_words must be at least {MIN_WORDS}, got {max_words}")
    rng = random.Random(f"igt-tools demo sentence {language.key} {index}")
    while True:
        plan = _plan(language, rng)
        if MIN_WORDS <= _count(plan) <= max_words:
            break
    phrases = [p for role, p in plan["phrases"].items()]
    rng.shuffle(phrases)
    adjectives = language.stems_of("adjective")
    for phrase in phrases:
        if adjectives and _count(plan) < max_words and rng.random() < 0.3:
            phrase.adjective = rng.choice(adjectives)
    return _realize(language, plan)


def _count(plan):
    return 1 + sum(1 + (p.adjective is not None) for p in plan["phrases"].values())


def _plan(language, rng):
    has = language.has
    first_second = [p for p in language.persons if p not in ("3SG", "3PL")]
    if first_second and rng.random() < 0.25:
        person = rng.choice(first_second)
    else:
        person = "3PL" if has("PL") and rng.random() < 0.3 else "3SG"
    frames = [("intransitive", 0.35), ("transitive", 0.5)]
    if has("DAT") and language.stems_of("ditransitive"):
        frames.append(("ditransitive", 0.15))
    frame = rng.choices([f for f, _ in frames], [w for _, w in frames])[0]
    definite = (lambda: rng.random() < 0.5) if has("DEF") else (lambda: False)
    plural = (lambda: rng.random() < 0.3) if has("PL") else (lambda: False)

    phrases, used = {}, set()

    def phrase(cls_list, case, is_plural=None):
        choices = [s for cls in cls_list for s in language.stems_of(cls)]
        # Two phrases share a noun only where the lexicon is too small for anything else.
        noun = rng.choice([s for s in choices if s not in used] or choices)
        used.add(noun)
        case = case if case and has(case) else None
        return _Phrase(noun, plural() if is_plural is None else is_plural, definite(), None, case)

    transitive = frame != "intransitive"
    if person in ("3SG", "3PL"):
        case = "ERG" if transitive and language.alignment == "ergative" else None
        phrases["S"] = phrase(["animate"], case, person == "3PL")
    if transitive:
        phrases["O"] = phrase(["animate", "place", "thing"], "ACC" if language.alignment == "accusative" else None)
    if frame == "ditransitive":
        phrases["IO"] = phrase(["animate"], "DAT")
    if has("LOC") and rng.random() < 0.3:
        phrases["LOC"] = phrase(["place"], "LOC")
    tense = rng.choices([None, "PST", "FUT"], [0.4, 0.4, 0.2])[0]
    return {
        "person": person,
        "verb": rng.choice(language.stems_of(frame)),
        "tense": tense if tense and has(tense) else None,
        "negative": has("NEG") and rng.random() < 0.2,
        "question": has("Q") and rng.random() < 0.15,
        "phrases": phrases,
    }


def _realize(language, plan):
    words = []
    for role in ORDERS[language.word_order]:
        if role == "V":
            clitics = ("Q",) if plan["question"] else ()
            words.append(verb_word(language, plan["verb"], plan["person"], plan["tense"], plan["negative"], clitics))
        elif role in plan["phrases"]:
            words += _phrase_words(language, plan["phrases"][role])
    surfaces = [w.surface(language) for w in words]
    end = "?" if plan["question"] else "."
    transcription = _capitalize(" ".join(surfaces)) + end
    return Sentence(
        transcription=transcription,
        segmentation=" ".join(w.segmentation for w in words),
        glosses=" ".join(w.glosses for w in words),
        translation=_capitalize(" ".join(_english(language, plan))) + end,
        words=tuple(zip(surfaces, words)),
    )


def _phrase_words(language, phrase):
    clitics = ("DEF",) if phrase.definite else ()
    noun_last = phrase.adjective is None or language.adjective_first
    noun = noun_word(language, phrase.noun, phrase.plural, phrase.case, clitics if noun_last else ())
    if phrase.adjective is None:
        return [noun]
    adjective = adjective_word(language, phrase.adjective, () if noun_last else clitics)
    return [adjective, noun] if language.adjective_first else [noun, adjective]


# --- English ---------------------------------------------------------------


def _english(language, plan):
    phrases, person = plan["phrases"], plan["person"]
    subject = _english_phrase(language, phrases["S"]) if "S" in phrases else [PRONOUNS[person]]
    base, third, past = plan["verb"].english
    tense, negative = plan["tense"], plan["negative"]
    do = {"PST": "did", "FUT": "will"}.get(tense) or ("does" if person == "3SG" else "do")
    not_ = ["not"] if negative else []
    if plan["question"]:
        clause = [do] + subject + not_ + [base]
    elif tense == "FUT" or negative:
        clause = subject + [do] + not_ + [base]
    else:
        clause = subject + [past if tense == "PST" else third if person == "3SG" else base]
    for role in ("O", "IO", "LOC"):
        if role in phrases:
            clause += ([PREPOSITIONS[role]] if role in PREPOSITIONS else []) + _english_phrase(language, phrases[role])
    return clause


def _english_phrase(language, phrase):
    words = [phrase.adjective.gloss] if phrase.adjective else []
    words.append(phrase.noun.english[1] if phrase.plural else phrase.noun.gloss)
    if phrase.definite or not language.has("DEF"):
        return ["the"] + words
    if phrase.plural:
        return words
    return ["an" if words[0][0] in "aeiou" else "a"] + words


def _capitalize(text):
    return text[:1].upper() + text[1:]


__all__ = ["Sentence", "Word", "generate_sentence"]
