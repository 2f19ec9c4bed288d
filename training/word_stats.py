"""How words of each SIGMORPHON dev set relate to the training data: the facts the lexicon's
matching and the analyser were chosen from. Prints one JSON object (language -> figures).

    make -C training runs/real/scores/word-stats.json     # python word_stats.py --work WORK --data DATA

Per dev set, over word tokens whose tiers pair up (igt_tools.core.words):
  unseen             the word's key is not in the training lexicon of its language
  ambiguous_wrong    attested, but the most frequent attested analysis is not the gold one
  canonical          the segmentation without boundaries differs from the transcription word
                     (edge punctuation stripped, case folded): the tier writes canonical forms
  punctuation_words  the tiers keep punctuation-only words of their own (`,` / `,` / `,`)
  decomposed         share of raw transcriptions (the files as shipped) not in NFC
"""

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from igt_tools.core import tokens, words
from igt_tools.glossing.lexicon import Lexicon

# training/languages.tsv, the one table of the SIGMORPHON 2023 languages: [language, file prefix,
# glottocode, metalanguage, "yes" if it has a training split], in its order.
ROWS = [line.split("\t") for line in (Path(__file__).resolve().parent / "languages.tsv").read_text(encoding="utf-8")
        .splitlines() if line and not line.startswith(("#", "language\t"))]
LANGUAGES = [language for language, _, _, _, train in ROWS if train == "yes"]


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def raw_decomposed(path):
    """Share of `\\t` lines of a raw SIGMORPHON file that are not NFC."""
    lines = [line[3:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("\\t ")]
    return sum(not unicodedata.is_normalized("NFC", t) for t in lines) / max(1, len(lines))


def figures(language, work, data):
    records = work / "records"
    lexicon = Lexicon.read([records / f"{language}.train.jsonl"])
    tokens_, unseen, wrong, canonical, punctuation = 0, 0, 0, 0, 0
    for record in read(records / f"{language}.dev.jsonl"):
        paired = words.analysed_words(record)
        for word, seg_word, gloss_word in paired or ():
            if tokens.is_punctuation(word):
                punctuation += 1
                continue
            tokens_ += 1
            analyses = lexicon.analyses(record.get("glottocode"), word)
            if not analyses:
                unseen += 1
            elif analyses[0] != (seg_word, gloss_word):
                wrong += 1
            canonical += seg_word.replace("-", "").replace("=", "").casefold() != words.folded_key(word)
    raw = sorted((data / "sigmorphon2023" / language).glob("*-dev-track2-uncovered"))
    return {
        "word_tokens": tokens_,
        "unseen": unseen / tokens_,
        "ambiguous_wrong": wrong / tokens_,
        "canonical": canonical / tokens_,
        "punctuation_words": punctuation,
        "decomposed": raw_decomposed(raw[0]) if raw else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="the Makefile's WORK folder")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared" / "data")
    args = parser.parse_args()
    json.dump({language: figures(language, args.work, args.data) for language in LANGUAGES}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
