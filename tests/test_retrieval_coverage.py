"""training/retrieval_coverage.py: what the K most similar attested words show of an unseen word's analysis."""

import sys

import conftest
from igt_tools.glossing.lexicon import Lexicon

sys.path.insert(0, str(conftest.ROOT / "training"))
import retrieval_coverage  # noqa: E402

LANGUAGE = "test1234"


def _record(transcription, segmentation, glosses):
    return {"transcription": transcription, "segmentation": segmentation, "glosses": glosses,
            "glottocode": LANGUAGE, "translation": "the cats"}


def test_a_template_keeps_the_grammatical_glosses_and_the_boundaries():
    assert retrieval_coverage.template("chair-PL-TOP") == "*-PL-TOP"
    assert retrieval_coverage.template("1SG=go.away-PST") == "1SG=*-PST"
    assert retrieval_coverage.template("ERG") == "ERG"


def test_only_unseen_words_are_counted_and_their_neighbours_analyses_are_compared_with_the_gold():
    lexicon = Lexicon()
    lexicon.add(_record("cats", "cat-s", "cat-PL"))
    lexicon.add(_record("catnip", "catnip", "herb"))
    dev = [_record("rats cats", "rat-s cat-s", "rat-PL cat-PL"),  # cats is attested: not counted
           _record("catsu", "cat-su", "cat-DU")]
    table = retrieval_coverage.measure(lexicon, dev, max_k=2)
    words, templates, shares, grams, stems, _ = table[LANGUAGE, 1]
    assert words == 2
    # rats: its one neighbour (cats, by the ending "ats") has *-PL and PL, not the stem rat;
    # catsu: its first neighbour is cats (the beginning "cats"), with the stem cat but not DU
    assert templates == 1 and stems == 1
    assert grams == 2 and shares == 1.0
    words2, templates2, _, _, stems2, size2 = table[LANGUAGE, 2]
    assert words2 == 2 and templates2 == 1 and stems2 == 1
    # a second neighbour (catnip, for catsu) makes the input longer
    assert size2 > table[LANGUAGE, 1][5]
    assert table["all", 1] == table[LANGUAGE, 1]
