"""Demo corpora: distinct sentences as records, split, written as SIGMORPHON text, described.

Sentences are numbered by the index that seeded them; a sentence whose
transcription came earlier is skipped, so no two records (and no two splits)
share a transcription.
"""

from ..core.interleaved import make_label
from .phonology import describe_change
from .sentences import MAX_WORDS, generate_sentence

SOURCE = "igt-tools demo"
# Give up when this many sentences in a row were all seen before: the language is too small.
MAX_REPEATS = 2_000


class TooSmall(ValueError):
    """The language cannot give that many distinct sentences."""


def iter_sentences(language, n, max_words=MAX_WORDS):
    """Yield the first n distinct sentences of the language as (index, Sentence), one at a time."""
    seen, index, repeats = set(), 0, 0
    while len(seen) < n:
        sentence = generate_sentence(language, index, max_words)
        if sentence.transcription in seen:
            repeats += 1
            if repeats >= MAX_REPEATS:
                raise TooSmall(f"{language.name} gave only {len(seen)} distinct sentences of the {n} asked for")
        else:
            repeats = 0
            seen.add(sentence.transcription)
            yield index, sentence
        index += 1


def sentences(language, n, max_words=MAX_WORDS):
    """The first n distinct sentences of the language: [(index, Sentence)]."""
    return list(iter_sentences(language, n, max_words))


def record(language, index, sentence):
    """The canonical record of one sentence."""
    return {
        "id": f"{language.code}-{index:05d}",
        "transcription": sentence.transcription,
        "segmentation": sentence.segmentation,
        "glosses": sentence.glosses,
        "translation": sentence.translation,
        "language": language.name,
        "metalanguage": "English",
        "glottocode": language.code,
        "metalang_glottocode": "stan1293",
        "source": SOURCE,
    }


def records(language, n, max_words=MAX_WORDS):
    return [record(language, index, sentence) for index, sentence in sentences(language, n, max_words)]


def parse_split(spec):
    """'train:1600,dev:200,test:200' -> [('train', 1600), ('dev', 200), ('test', 200)]."""
    parts = []
    for item in spec.split(","):
        name, sep, count = item.strip().partition(":")
        if not sep or not name or not count.strip().isdigit() or int(count) == 0:
            raise ValueError(f"bad split {item!r}: expected NAME:COUNT (e.g. train:1600,dev:200,test:200)")
        if name in dict(parts):
            raise ValueError(f"split {name!r} named twice")
        parts.append((name, int(count)))
    return parts


def split(items, sizes):
    """Consecutive slices of items: {name: items} in the order of sizes."""
    out, start = {}, 0
    for name, count in sizes:
        out[name] = items[start : start + count]
        start += count
    return out


def sigmorphon_block(record):
    """One `\\t \\m \\g \\l` block, as in the SIGMORPHON 2023 shared task files."""
    return "\n".join(
        f"\\{marker} {record[field]}"
        for marker, field in (("t", "transcription"), ("m", "segmentation"), ("g", "glosses"), ("l", "translation"))
    )


def sigmorphon_text(records):
    return "".join(sigmorphon_block(r) + "\n\n" for r in records)


def statistics(language, sentences_):
    """Figures on a corpus: distinct morphemes, how often rules change a word, lengths."""
    morphemes, surfaces, changed, words, transcription_bytes, label_bytes, morphs = set(), set(), 0, 0, 0, 0, 0
    for _, sentence in sentences_:
        transcription_bytes += len(sentence.transcription.encode("utf-8"))
        label_bytes += len(make_label(sentence.segmentation, sentence.glosses).encode("utf-8"))
        for surface, word in sentence.words:
            words += 1
            morphs += len(word.morphs)
            morphemes.update((m.form, m.gloss) for m in word.morphs)
            surfaces.add(surface)
            changed += surface != "".join(m.form for m in word.morphs)
    n = len(sentences_)
    return {
        "language": language.name,
        "glottocode": language.code,
        "sentences": n,
        "stems": len(language.stems),
        "affixes": len(language.affixes),
        "distinct_morphemes": len(morphemes),
        "distinct_words": len(surfaces),
        "words_changed_by_phonology": round(changed / words, 4) if words else 0.0,
        "words_per_sentence": round(words / n, 3) if n else 0.0,
        "morphemes_per_word": round(morphs / words, 3) if words else 0.0,
        "transcription_bytes_per_sentence": round(transcription_bytes / n, 2) if n else 0.0,
        # The interleaved label (REFERENCE.md section 2): what a model has to write.
        "label_bytes_per_sentence": round(label_bytes / n, 2) if n else 0.0,
    }


def describe(language):
    """A short grammar sketch: what a linguist would want to know first."""
    kinds = {"prefix": "{}-", "suffix": "-{}", "clitic": "={}"}
    lines = [
        f"{language.name} ({language.code})"
        + (f", a {language.family} language (family seed {language.family_seed})" if language.family else ""),
        f"word order {language.word_order}, adjective {'before' if language.adjective_first else 'after'} the noun, "
        f"{language.alignment} alignment, vowel hiatus by {language.hiatus}",
        "affixes: " + ", ".join(f"{kinds[a.kind].format(a.form)} {a.tag}" for a in language.affixes.values()),
    ]
    if language.sound_changes:
        lines.append("sound changes from the proto-language: " + "; ".join(map(describe_change, language.sound_changes)))
    for pos in ("noun", "verb", "adj"):
        stems = [s for s in language.stems if s.pos == pos]
        lines.append(f"{pos}s: " + ", ".join(f"{s.form} '{s.gloss}'" for s in stems))
    return "\n".join(lines) + "\n"
