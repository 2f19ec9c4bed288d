"""training/ceilings.py: what a perfect analyser of unseen words could reach with the lexicon's evidence."""

import sys

import conftest
from igt_tools.glossing.lexicon import Lexicon

sys.path.insert(0, str(conftest.ROOT / "training"))
import ceilings  # noqa: E402

LANGUAGE = "test1234"


def _record(transcription, segmentation, glosses, translation="the cats sleep"):
    return {"id": "s", "transcription": transcription, "segmentation": segmentation, "glosses": glosses,
            "glottocode": LANGUAGE, "translation": translation}


def _lexicon(*records):
    lexicon = Lexicon()
    for record in records:
        lexicon.add(record)
    return lexicon


def _oracle(kind, lexicon, record):
    from igt_tools.glossing.analogy import Analogy

    return ceilings.oracle(record, lexicon, kind, Analogy(lexicon), {})


def test_knowable_keeps_a_gloss_only_where_its_morpheme_is_attested_or_the_translation_has_it():
    lexicon = _lexicon(_record("cats", "cat-s", "cat-PL"), _record("dogs", "dog-s", "hound-PL"))
    # ratsu: the stem rat is attested nowhere and its gloss is no translation word; -su is not -s
    # mice: the gloss "mouse" is in the translation; dogu: dog is attested, but as "hound"
    gold = _record("ratsu mice dogu", "rat-su mice dog-u", "rat-PL mouse dog-DU", "the mouse sleeps")
    predicted = _oracle("knowable", lexicon, gold)
    assert predicted["segmentation"] == "rat-su mice dog-u"
    assert predicted["glosses"] == "???-??? mouse ???-???"
    assert predicted["provenance"] == ["model", "model", "model"]


def test_knowable_leaves_attested_words_to_the_lexicon():
    lexicon = _lexicon(_record("cats", "cat-s", "cat-PL"))
    predicted = _oracle("knowable", lexicon, _record("cats catu", "cat-s cat-u", "feline-PL cat-DU"))
    # cats is attested (as cat-PL): the lexicon's analysis stands, not the gold one
    assert predicted["glosses"].split()[0] == "cat-PL"
    assert predicted["provenance"][0] == "lexicon"
    assert predicted["glosses"].split()[1] == "cat-???"


def test_segmented_glosses_each_gold_morpheme_with_its_forms_most_frequent_gloss():
    lexicon = _lexicon(_record("cats cats dogs", "cat-s cat-s dog-s", "cat-PL cat-PL dog-PL"),
                       _record("bus", "bu-s", "bus-3SG"))
    # -s is PL twice as often as 3SG, whatever the gold says; "rat" is attested nowhere
    predicted = _oracle("segmented", lexicon, _record("rats dogsu", "rat-s dog-su", "rat-3SG dog-PL"))
    assert predicted["glosses"] == "???-PL dog-???"
    assert predicted["segmentation"] == "rat-s dog-su"


def test_a_gold_analysis_whose_tiers_do_not_pair_up_knows_nothing():
    assert ceilings.morphemes("cat-s", "cat") == []
    assert ceilings.segmented_glosses("cat-s", "cat", {"cat": "cat"}) == "???"
    # unpaired, a gloss is known only from the translation: no form to look up
    assert ceilings.knowable_glosses("cats", "cat-PL", {("cat", "cat"): 1}, set()) == "???-???"
    assert ceilings.knowable_glosses("cats", "cat-PL", {}, {"cat"}) == "cat-???"
