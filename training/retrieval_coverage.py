"""What a context model's input shows of an unseen word's analysis, by how many similar
attested words it shows (K, examples/context.py's NEIGHBOURS).

    python training/retrieval_coverage.py LEXICON DEV... > coverage.tsv

For each word of the DEV records (igt-clean output) that LEXICON does not attest and whose
tiers pair up, the K attested words most like it (Evidence.neighbours, as igt-format and
igt-gloss find them), K = 1 to MAX_K, and what their analyses hold of the word's gold one:

    template  some neighbour's analysis has the gold grammatical template (its glosses,
              each stem gloss as *: `*-PL-TOP`), which a model can copy whole
    grams     the share of the gold analysis' grammatical glosses found in some
              neighbour's analysis
    stem      some neighbour's analysis has a gold stem gloss (a lexicon's stems
              rarely serve an unseen word: its stem is what is new)
    bytes     the mean model input, in bytes: what the encoder pays for K (its cost grows
              with the input's length; benchmarks/context_model_costs.py)

No model is trained or run: this says what more neighbours could offer and cost, not what
a model trained with them would make of it. Prints a tab-separated table: language, K,
unseen words, and the four figures.
"""

import argparse
from collections import defaultdict

from igt_tools.core import words
from igt_tools.core.io import iter_jsonl
from igt_tools.core.tokens import GLOSS_BOUNDARY
from igt_tools.examples import context
from igt_tools.glossing.lexicon import Lexicon
from igt_tools.glossing.stems import is_stem_gloss

MAX_K = 8


def template(glosses):
    """A gloss word with each stem gloss as `*`, its boundaries kept: `chair-PL-TOP` -> `*-PL-TOP`."""
    out, start = [], 0
    for boundary in GLOSS_BOUNDARY.finditer(glosses):
        piece = glosses[start: boundary.start()]
        out.extend(["*" if is_stem_gloss(piece) else piece, boundary.group()])
        start = boundary.end()
    piece = glosses[start:]
    out.append("*" if is_stem_gloss(piece) else piece)
    return "".join(out)


def morpheme_glosses(glosses):
    """The morpheme glosses of one gloss word, whatever they are (core/tags.py's drops a
    punctuation-only word, which a gold analysis may have)."""
    return [piece for piece in GLOSS_BOUNDARY.split(glosses) if piece]


def coverage(word_glosses, neighbour_glosses):
    """(template found, share of grams found, stem found) of one gold gloss word among its
    neighbours' gloss words."""
    gold = morpheme_glosses(word_glosses)
    grams = [g for g in gold if not is_stem_gloss(g)]
    stems = {g for g in gold if is_stem_gloss(g)}
    seen = {g for other in neighbour_glosses for g in morpheme_glosses(other)}
    found_template = template(word_glosses) in {template(other) for other in neighbour_glosses}
    share = sum(g in seen for g in grams) / len(grams) if grams else None
    return found_template, share, bool(stems & seen)


def measure(lexicon, records, max_k=MAX_K):
    """{(language, K): [words, templates found, gram share sum, grams counted, stems found, input bytes]}."""
    retrieval = context.Retrieval(lexicon)
    table = defaultdict(lambda: [0, 0, 0.0, 0, 0, 0])
    for record in records:
        paired = words.analysed_words(record)
        language = record.get("glottocode")
        evidence = retrieval.evidence(language)
        if paired is None or evidence is None:
            continue
        sentence = [word for word, _, _ in paired]
        for n, (word, _, gloss_word) in enumerate(paired):
            if lexicon.entry(language, word)[1] is not None:
                continue
            neighbours = evidence.neighbours(words.folded_key(word), limit=max_k)
            shown = [line for line in context.context_input(sentence, n, record, evidence).split("\n")
                     if not line.startswith("~ ")]
            base = len("\n".join(shown).encode("utf-8"))
            for k in range(1, max_k + 1):
                found_template, share, found_stem = coverage(gloss_word, [a[1] for _, a in neighbours[:k]])
                lines = sum(len(f"\n~ {key} {context.label_of(*a)}".encode("utf-8")) for key, a in neighbours[:k])
                for row in (table[language, k], table["all", k]):
                    row[0] += 1
                    row[1] += found_template
                    if share is not None:
                        row[2] += share
                        row[3] += 1
                    row[4] += found_stem
                    row[5] += base + lines
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lexicon")
    parser.add_argument("dev", nargs="+")
    args = parser.parse_args()
    lexicon = Lexicon.read([args.lexicon])
    records = (record for _, record in iter_jsonl(args.dev))
    table = measure(lexicon, records)
    print("language\tK\tunseen words\ttemplate\tgrams\tstem\tbytes")
    for (language, k), (count, templates, shares, grams, stems, size) in sorted(
            table.items(), key=lambda item: (item[0][0] == "all", item[0])):
        print(f"{language}\t{k}\t{count}\t{templates / count:.3f}\t{shares / max(grams, 1):.3f}\t"
              f"{stems / count:.3f}\t{size / count:.0f}")


if __name__ == "__main__":
    main()
