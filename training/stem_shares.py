"""A metalanguage's stem shares: how often each translation word glosses a stem, over many
languages' glossed records (igt_tools/glossing/stems.py uses them beside a lexicon's own).

    python stem_shares.py --metalanguage English RECORDS... > ../igt_tools/glossing/stem_shares/English.tsv

Counts the records whose `metalanguage` is the one named, or names none (ODIN's records name
none; their translations are English): for each word of their translations (lower-cased), in how
many records' translations it stands, and in how many of those it is also a word of a stem gloss.
Words in fewer than --min-records translations are left out: the share of a rare word says little,
and glossing gives a word the table lacks the lexicon's own share alone.

make -C training stem-shares writes the shipped table from the six SIGMORPHON 2023 training
sets and ODIN (no dev set, no Arapaho record: ODIN holds none).
"""

import argparse
import json

from igt_tools.glossing.stems import count_translation_words


def count(paths, metalanguage):
    """(records with the word in the translation, of which it glosses a stem), word by word."""
    return count_translation_words(_glossed_translations(paths, metalanguage))


def _glossed_translations(paths, metalanguage):
    """(glosses, translation) of each record in the metalanguage, or naming none, that has both."""
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                translation, glosses = record.get("translation"), record.get("glosses")
                if record.get("metalanguage") in (None, metalanguage) and isinstance(translation, str) and glosses:
                    yield glosses, translation


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="+", help="JSONL records (igt-clean's)")
    parser.add_argument("--metalanguage", default="English")
    parser.add_argument("--min-records", type=int, default=5)
    args = parser.parse_args()
    in_translation, as_stem = count(args.records, args.metalanguage)
    kept = sorted((word for word, n in in_translation.items() if n >= args.min_records),
                  key=lambda word: (-in_translation[word], word))
    print(f"# {args.metalanguage} translation words: records whose translation has the word, of which "
          f"a stem gloss has it (training/stem_shares.py, --min-records {args.min_records})")
    for word in kept:
        print(f"{word}\t{in_translation[word]}\t{as_stem[word]}")


if __name__ == "__main__":
    main()
