"""What a perfect word analyser could add to the plain lexicon: three oracles.

    python training/ceilings.py unseen LEXICON GOLD > predictions.jsonl
    python training/ceilings.py choice LEXICON GOLD > predictions.jsonl
    python training/ceilings.py candidates LEXICON GOLD > predictions.jsonl
    python training/ceilings.py knowable LEXICON GOLD > predictions.jsonl
    python training/ceilings.py segmented LEXICON GOLD > predictions.jsonl

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
    knowable  as `igt-gloss --lexicon LEXICON` glosses, every unseen word taking its gold
            segmentation, each morpheme with its gold gloss where the lexicon attests that
            morpheme (form and gloss, in any word of the language) or the gloss is a word of
            the sentence's translation, else UNKNOWN_GLOSS: the best an analyser could do
            whose only evidence is the lexicon and the sentence (a language no model was
            trained on, such as Arapaho here, where a stem no word attests cannot be known).
    segmented  the same, each unseen word's morphemes (its gold segmentation) glossed instead
            with their form's most frequent gloss in the lexicon (UNKNOWN_GLOSS for a form it
            does not attest): a perfect segmenter that does not choose among a form's glosses.
"""

import json
import re
import sys
from collections import Counter

from igt_tools.core import interleaved, words
from igt_tools.core.io import iter_jsonl
from igt_tools.glossing import analyses as wa
from igt_tools.glossing.analogy import Analogy
from igt_tools.glossing.analyses import UNKNOWN_GLOSS
from igt_tools.glossing.lexicon import Lexicon

KINDS = ("unseen", "choice", "candidates", "knowable", "segmented")
IN_CONTEXT = ("candidates", "knowable", "segmented")  # glossed as igt-gloss --lexicon glosses, analogy behind
_TRANSLATION_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def gold_queue(record):
    """[(folded key, (segmentation, glosses))] of a record's paired words, in order."""
    paired = words.analysed_words(record) or []
    return [(words.folded_key(word), (seg, gloss)) for word, seg, gloss in paired]


def attested_morphemes(lexicon, glottocode, known):
    """({(form, gloss): count}, {form: its most frequent gloss}) of the morphemes the lexicon
    attests for a language, forms lower-cased; cached in `known`."""
    if glottocode not in known:
        counts = Counter()
        for scope in lexicon.scopes(glottocode):
            for entry in lexicon.folded_entries(scope).values():
                for (segmentation, glosses), count in entry.items():
                    for morpheme in morphemes(segmentation, glosses):
                        counts[morpheme] += count
        frequent = {}
        for (form, gloss), count in counts.items():  # ties to the first attested
            if form not in frequent or count > counts[(form, frequent[form])]:
                frequent[form] = gloss
        known[glottocode] = counts, frequent
    return known[glottocode]


def morphemes(segmentation, glosses):
    """[(form, gloss)] of one word's analysis, forms lower-cased ([] when the two do not pair up)."""
    forms, glosses = interleaved.split_keep(segmentation)[0], interleaved.split_keep(glosses)[0]
    return list(zip((form.lower() for form in forms), glosses)) if len(forms) == len(glosses) else []


def segmented_glosses(segmentation, glosses, frequent):
    """A word's gold glosses, each replaced by its form's most frequent gloss (UNKNOWN_GLOSS if none)."""
    (pieces, separators), forms = interleaved.split_keep(glosses), interleaved.split_keep(segmentation)[0]
    if len(forms) != len(pieces):
        return UNKNOWN_GLOSS
    return interleaved.join_keep([frequent.get(form.lower(), UNKNOWN_GLOSS) for form in forms], separators)


def knowable_glosses(segmentation, glosses, attested, translation):
    """A word's gold glosses, each one neither attested with its form nor a translation word UNKNOWN_GLOSS."""
    pieces, separators = interleaved.split_keep(glosses)
    pairs = morphemes(segmentation, glosses) or [(None, gloss) for gloss in pieces]
    return interleaved.join_keep([gloss if (form, gloss) in attested or gloss.lower() in translation else UNKNOWN_GLOSS
                    for form, gloss in pairs], separators)


def oracle(record, lexicon, kind, analogy=None, known=None):
    glottocode = record.get("glottocode")
    analyses = wa.from_lexicon(record, lexicon, "context" if kind in IN_CONTEXT else "frequent")
    if kind in ("knowable", "segmented"):
        attested, frequent = attested_morphemes(lexicon, glottocode, known)
        translation = {w.lower() for w in _TRANSLATION_WORD.findall(record.get("translation") or "")}
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
        elif kind == "knowable" and item.provenance is None:
            item.set(gold[0], knowable_glosses(*gold, attested, translation), "model")
        elif kind == "segmented" and item.provenance is None:
            item.set(gold[0], segmented_glosses(*gold, frequent), "model")
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
    analogy = Analogy(lexicon) if kind in IN_CONTEXT else None
    known = {}
    for _, record in iter_jsonl([gold_path]):
        print(json.dumps(oracle(record, lexicon, kind, analogy, known), ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
