"""training/results.py regenerates RESULTS.md from score files; the dated notes written by hand
at its top must survive `make -C training results`."""

import sys

import pytest

import conftest

sys.path.insert(0, str(conftest.ROOT / "training"))
results = pytest.importorskip("results")


def test_the_hand_written_notes_are_carried_over_markers_and_all():
    notes = [results.NOTES_BEGIN, "## 2026-12-06: a day's figures", "", "- MER 0.1", results.NOTES_END]
    page = "\n".join(["# Results", "generated text", *notes, "## Generated table", "| a |"])
    assert results.kept_notes(page) == notes
    assert results.kept_notes("# Results\nno notes yet\n") == []
    assert results.kept_notes(None) == []


def test_a_page_whose_notes_never_end_is_refused_rather_than_cut():
    with pytest.raises(SystemExit, match="no"):
        results.kept_notes("\n".join(["# Results", results.NOTES_BEGIN, "## notes", "## Generated table"]))


def test_the_committed_page_has_its_notes_between_the_markers():
    page = (conftest.ROOT / "training" / "RESULTS.md").read_text(encoding="utf-8")
    notes = results.kept_notes(page)
    assert notes and notes[0] == results.NOTES_BEGIN and notes[-1] == results.NOTES_END
    assert page.count(results.NOTES_BEGIN) == page.count(results.NOTES_END) == 1
