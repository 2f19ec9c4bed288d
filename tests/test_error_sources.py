"""training/error_sources.py: a glossed file's wrong words by provenance, and for the lexicon's
words whether the right analysis was attested (a choice) or not (absent)."""

import sys

import conftest
from igt_tools.glossing.lexicon import Lexicon

sys.path.insert(0, str(conftest.ROOT / "training"))
import error_sources  # noqa: E402

LANGUAGE = "test1234"


def _record(transcription, glosses, segmentation=None, provenance=None):
    record = {"transcription": transcription, "glosses": glosses, "glottocode": LANGUAGE,
              "segmentation": segmentation or transcription}
    if provenance:
        record["provenance"] = provenance
    return record


def test_wrong_words_are_counted_by_provenance_and_a_lexicon_error_by_whether_a_choice_could_fix_it():
    lexicon = Lexicon()
    lexicon.add(_record("ran ran dog", "run.PST run.PTCP dog"))
    gold = [_record("ran dog cat", "run.PTCP hound cat"), _record("ran", "run.PST extra")]
    glossed = [_record("ran dog cat", "run.PST dog CAT", provenance=["lexicon", "lexicon", "analogy"]),
               _record("ran", "run.PST", provenance=["lexicon"])]
    counts, left_out = error_sources.sources(gold, glossed, lexicon)
    assert left_out == 1  # the second gold record has two glosses for one word
    assert counts[LANGUAGE, "lexicon", "words"] == 2 and counts[LANGUAGE, "lexicon", "wrong"] == 2
    assert counts[LANGUAGE, "lexicon", "choice"] == 1  # ran: run.PTCP was attested, not chosen
    assert counts[LANGUAGE, "lexicon", "absent"] == 1  # dog: hound never attested
    assert counts[LANGUAGE, "analogy", "wrong"] == 1 and counts[LANGUAGE, "analogy", "choice"] == 0
