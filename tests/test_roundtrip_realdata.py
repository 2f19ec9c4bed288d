"""The interleaved label round-trips on all of ../shared/data, or fails for a reported reason.

For every record (SIGMORPHON 2023 train and dev, ODIN) whose label can be
built, parse(make_label(segmentation, glosses)) must give back both tiers
(punctuation-only words dropped, as the label drops them), unless the record
falls in one of the classes the format cannot represent; each class is
checked here from the tiers themselves, not taken on the parser's word.
benchmarks/roundtrip_report.py prints the counts and examples.
"""

import collections

import pytest

from igt_tools import interleaved, tokens
from igt_tools.formats.sigmorphon import read_sigmorphon

# Measured (benchmarks/roundtrip_report.py): 63,310 of 63,484 labels round-trip, 174 do not.
# A change to the format that loses more than this is a regression.
MAX_FAILURES = {"sigmorphon2023": 0, "odin": 174}


def corpus_files(data_dir):
    return {
        "sigmorphon2023": sorted(data_dir.glob("sigmorphon2023/*/*-track2-uncovered")),
        "odin": sorted(data_dir.glob("odin/*.txt")),
    }


def boundaries_differ(segmentation, glosses):
    seg_words, gloss_words = tokens.words(segmentation), tokens.words(glosses)
    return any(
        [c for c in s if c in "-="] != [c for c in g if c in "-="] for s, g in zip(seg_words, gloss_words)
    )


def has_unbalanced_piece(segmentation, glosses):
    pieces = [t for morphs, gl, _ in interleaved.aligned_words(segmentation, glosses) for t in morphs + gl]
    return any(_depth_ok(t) is False for t in pieces)


def _depth_ok(text):
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("corpus", ["sigmorphon2023", "odin"])
def test_every_label_round_trips_or_is_a_reported_class(data_dir, corpus):
    files = corpus_files(data_dir)[corpus]
    assert files, f"no {corpus} files under {data_dir}"
    outcomes = collections.Counter()
    for path in files:
        for location, record in read_sigmorphon(str(path)):
            segmentation, glosses = record.get("segmentation") or "", record.get("glosses") or ""
            if not segmentation.strip() or not glosses.strip():
                outcomes["no tiers"] += 1
                continue
            try:
                label = interleaved.make_label(segmentation, glosses)
            except interleaved.Misaligned:
                outcomes["misaligned"] += 1
                continue
            back = interleaved.parse(label)
            expected = (" ".join(tokens.words(segmentation)), " ".join(tokens.words(glosses)))
            ok, why = interleaved.representable(segmentation, glosses)
            assert ok == ((back.segmentation, back.glosses) == expected), location
            if ok:
                outcomes["round-trip"] += 1
                continue
            outcomes["fail"] += 1
            # The reasons given must hold, and be one of the reported classes (never "unexplained").
            reasons = set(why.split("+"))
            assert reasons <= set(interleaved.UNREPRESENTABLE), (location, why)
            differ, unbalanced = boundaries_differ(segmentation, glosses), has_unbalanced_piece(segmentation, glosses)
            assert (interleaved.BOUNDARY_MISMATCH in reasons) == differ, location
            assert (interleaved.UNBALANCED_PARENTHESES in reasons) == unbalanced, location
            if not unbalanced:
                # Boundary symbols are all that is lost: the label keeps the glosses' ones.
                gloss_seps = [interleaved.split_keep(w)[1] for w in expected[1].split(" ")]
                seg_words = [interleaved.split_keep(w)[0] for w in expected[0].split(" ")]
                relabelled = " ".join(interleaved._join(m, s) for m, s in zip(seg_words, gloss_seps))
                assert (back.segmentation, back.glosses) == (relabelled, expected[1]), location
    assert outcomes["round-trip"] > 0
    assert outcomes["fail"] <= MAX_FAILURES[corpus], outcomes
