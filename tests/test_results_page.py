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


def _context_folder(folder, init, loss):
    import json
    folder.mkdir(parents=True)
    (folder / "igt_tools.json").write_text(json.dumps({
        "unit": "context", "init": str(init), "dev_loss": loss, "retrieval": {"neighbours": 3},
        "training": {"examples_seen": 10, "seconds": 60, "steps": 2, "options": {"lr": 1e-4}}}), encoding="utf-8")
    return folder


def test_the_context_model_stages_are_read_back_along_their_starting_points(tmp_path):
    context_results = pytest.importorskip("context_results")
    first = _context_folder(tmp_path / "first", "models/word", 0.2)
    second = _context_folder(tmp_path / "second", first, 0.1)
    lines = context_results.training_lines(second)
    assert len(lines) == 2
    assert "best dev loss 0.200, starting from `models/word`" in lines[0]
    assert f"best dev loss 0.100, starting from `{tmp_path.name}/first`" in lines[1]


def test_a_stage_shipped_into_the_folder_it_started_from_is_read_once(tmp_path):
    # models/sigmorphon's last stage was trained from the folder it was then shipped into
    context_results = pytest.importorskip("context_results")
    folder = tmp_path / "shipped"
    _context_folder(folder, folder, 0.13)
    lines = context_results.training_lines(folder)
    assert len(lines) == 1 and "best dev loss 0.130" in lines[0]
