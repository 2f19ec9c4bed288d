"""Where a glossed file's wrong words come from: per language, by provenance, and for the
lexicon's words whether the right analysis was there to choose.

    python training/error_sources.py GOLD GLOSSED LEXICON

GOLD: the dev records (igt-clean output); GLOSSED: igt-gloss's output for them (with its
`provenance`); LEXICON: the records igt-gloss was given as --lexicon. A word is wrong when its
gloss word differs from the gold one; records whose tiers do not pair word for word are left
out (and counted). A lexicon word that is wrong is one of:

    choice   the word has several attested analyses and the right one is among them
    absent   the right analysis is not attested for the word (no choice could give it)

Prints a tab-separated table: language, provenance, words, wrong, and for the lexicon the
`choice` and `absent` counts.
"""

import argparse
import json
from collections import Counter

from igt_tools.core.io import iter_jsonl
from igt_tools.glossing.lexicon import Lexicon


def sources(gold_records, glossed_records, lexicon):
    """(Counter of (language, provenance, kind), records left out); kind: 'words', 'wrong',
    and for wrong lexicon words 'choice' or 'absent'."""
    counts, left_out = Counter(), 0
    for gold, glossed in zip(gold_records, glossed_records, strict=True):
        language = gold.get("glottocode")
        sentence = (gold.get("transcription") or "").split()
        right = (gold.get("glosses") or "").split()
        given = (glossed.get("glosses") or "").split()
        provenance = glossed.get("provenance") or []
        if not (len(sentence) == len(right) == len(given) == len(provenance)):
            left_out += 1
            continue
        for word, expected, found, source in zip(sentence, right, given, provenance):
            counts[language, source, "words"] += 1
            if expected == found:
                continue
            counts[language, source, "wrong"] += 1
            if source == "lexicon":
                _, entry = lexicon.entry(language, word)
                attested = {gloss for _, gloss in entry} if entry else set()
                counts[language, source, "choice" if expected in attested else "absent"] += 1
    return counts, left_out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold")
    parser.add_argument("glossed")
    parser.add_argument("lexicon")
    args = parser.parse_args()
    records = lambda path: (record for _, record in iter_jsonl([path]))  # noqa: E731
    counts, left_out = sources(records(args.gold), records(args.glossed), Lexicon.read([args.lexicon]))
    print("language\tprovenance\twords\twrong\tchoice\tabsent")
    for language, source in sorted({(language, source) for language, source, _ in counts}, key=str):
        row = [counts[language, source, kind] for kind in ("words", "wrong", "choice", "absent")]
        print("\t".join([language or "-", source, *map(str, row)]))
    if left_out:
        print(f"# {left_out} records left out: their tiers do not pair word for word")


if __name__ == "__main__":
    main()
