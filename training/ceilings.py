"""What a perfect word analyser could add to the plain lexicon: three oracles.

    python training/ceilings.py unseen LEXICON GOLD > predictions.jsonl
    python training/ceilings.py choice LEXICON GOLD > predictions.jsonl
    python training/ceilings.py candidates LEXICON GOLD > predictions.jsonl

Each gold record is glossed as `igt-gloss --lexicon LEXICON --choose frequent
--no-guess` glosses it (attested words take their most frequent analysis,
unseen ones none), then one kind of word is given its gold analysis:

    unseen  every word the lexicon does not attest (a perfect analysis of new words);
    choice  every attested word whose gold analysis is among its attested ones
            (a perfect choice among the analyses the lexicon has).

Scored with igt-score against GOLD, the two give the MER a perfect model of
each kind would reach behind the lexicon (RESULTS.md, "Ceilings").

    candidates  as `igt-gloss --lexicon LEXICON` glosses (lexicon + analogy, the
            neighbour chooser, translation stems), every unseen word whose gold
            analysis is among analogy's candidates (Analogy.candidates) taking it:
            what a perfect choice among them (igt-gloss --rerank) would reach.
"""

import json
import sys

from igt_tools.core import words
from igt_tools.core.io import iter_jsonl
from igt_tools.glossing import analyses as wa
from igt_tools.glossing.analogy import Analogy
from igt_tools.glossing.lexicon import Lexicon

KINDS = ("unseen", "choice", "candidates")


def gold_queue(record):
    """[(folded key, (segmentation, glosses))] of a record's paired words, in order."""
    paired = words.analysed_words(record) or []
    return [(words.folded_key(word), (seg, gloss)) for word, seg, gloss in paired]


def oracle(record, lexicon, kind, analogy=None):
    glottocode = record.get("glottocode")
    analyses = wa.from_lexicon(record, lexicon, "context" if kind == "candidates" else "frequent")
    queue, at = gold_queue(record), 0
    for item in analyses:
        key = words.folded_key(item.word)
        found = next((n for n in range(at, len(queue)) if queue[n][0] == key), None)
        if found is None:
            continue
        at, gold = found + 1, queue[found][1]
        if kind == "unseen" and item.provenance is None:
            item.set(*gold, "model")
        elif kind == "choice" and item.provenance == "lexicon" and gold in lexicon.analyses(glottocode, item.word):
            item.set(*gold, "lexicon")
        elif kind == "candidates" and item.provenance is None and gold in analogy.candidates(glottocode, item.word):
            item.set(*gold, "analogy")
    if analogy is not None:
        wa.guess_unseen(analyses, analogy, glottocode)
        analogy.gloss_unknown_stems(analyses, record)
    wa.fill_unknown(analyses)
    segmentation, glosses, provenance = wa.assemble(analyses)
    return {**record, "segmentation": segmentation, "glosses": glosses, "provenance": provenance}


def main(kind, lexicon_path, gold_path):
    if kind not in KINDS:
        sys.exit(f"ceilings.py: unknown oracle {kind!r}; choose one of {', '.join(KINDS)}")
    lexicon = Lexicon.read([lexicon_path])
    analogy = Analogy(lexicon) if kind == "candidates" else None
    for _, record in iter_jsonl([gold_path]):
        print(json.dumps(oracle(record, lexicon, kind, analogy), ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
