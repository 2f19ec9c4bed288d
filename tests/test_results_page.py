"""training/results.py regenerates RESULTS.md from score files; the dated notes written by hand
at its top must survive `make -C training results`."""

import json
import sys

import pytest

import conftest

sys.path.insert(0, str(conftest.ROOT / "training"))
import results  # noqa: E402  (the standard library and igt_tools only: never skipped)


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


def _page_with_a_gpu_section(gpu_lines):
    return "\n".join(["# Results", results.NOTES_BEGIN, "## On a GPU: a note's heading, not the section",
                      "- noted", results.NOTES_END, "## Morpheme error rate", "| generated |", "",
                      *gpu_lines, "", "## The words of the dev sets", "| words |"])


def test_a_long_runs_section_the_new_page_cannot_make_is_carried_over_marked_once():
    gpu = ["## On a GPU (training/gpu.sh on one H200)", "", "### Training speed", "| 24.0 TFLOP/s |"]
    previous = results.previous_sections(_page_with_a_gpu_section(gpu))
    assert set(previous) == {"## Morpheme error rate", "## On a GPU (training/gpu.sh on one H200)",
                             "## The words of the dev sets"}
    carried = results.section_or_carried([], "## On a GPU", previous)
    assert carried[0] == gpu[0] and carried[-2:] == gpu[-2:]
    assert carried.count(results.CARRIED) == 1
    # carried again from a page that already carried it: still marked once, nothing else added
    again = results.previous_sections(_page_with_a_gpu_section(carried))
    assert results.section_or_carried([], "## On a GPU", again) == carried


def test_a_section_made_afresh_replaces_the_previous_pages_and_none_is_invented():
    previous = results.previous_sections(_page_with_a_gpu_section(["## On a GPU (old)", "| old |"]))
    assert results.section_or_carried(["## On a GPU (new)", "| new |"], "## On a GPU", previous) == \
        ["## On a GPU (new)", "| new |"]
    assert results.section_or_carried([], "## The context model:", previous) == []
    assert results.section_or_carried([], "## On a GPU", {}) == []


def _context_folder(folder, init, loss):
    import json
    folder.mkdir(parents=True)
    (folder / "igt_tools.json").write_text(json.dumps({
        "unit": "context", "init": str(init), "dev_loss": loss, "retrieval": {"neighbours": 3},
        "training": {"examples_seen": 10, "seconds": 60, "steps": 2, "options": {"lr": 1e-4}}}), encoding="utf-8")
    return folder


def test_the_context_model_stages_are_read_back_along_their_starting_points(tmp_path):
    import context_results
    first = _context_folder(tmp_path / "first", "models/word", 0.2)
    second = _context_folder(tmp_path / "second", first, 0.1)
    lines = context_results.training_lines(second)
    assert len(lines) == 2
    assert "best dev loss 0.200, starting from `models/word`" in lines[0]
    assert f"best dev loss 0.100, starting from `{tmp_path.name}/first`" in lines[1]


def test_a_stage_shipped_into_the_folder_it_started_from_is_read_once(tmp_path):
    # models/sigmorphon's last stage was trained from the folder it was then shipped into
    import context_results
    folder = tmp_path / "shipped"
    _context_folder(folder, folder, 0.13)
    lines = context_results.training_lines(folder)
    assert len(lines) == 1 and "best dev loss 0.130" in lines[0]


def _scores(work, language, system, mer):
    import json
    (work / "scores").mkdir(parents=True, exist_ok=True)
    (work / "scores" / f"{language}.{system}.json").write_text(json.dumps(
        {"all": {"glossing": {"morphemes": {"error_rate": mer, "accuracy": {"micro": 1 - mer}}}}}), encoding="utf-8")


def test_the_default_model_speaks_for_igt_tools_where_it_was_measured(tmp_path):
    for language, mer in (("six", 0.30), ("Tsez", 0.30), ("Natugu", 0.30)):
        _scores(tmp_path, language, "lexicon-frequent", mer)
    for language, mer in (("six", 0.18), ("Tsez", 0.16), ("Natugu", 0.10)):
        _scores(tmp_path, language, "hybrid", mer)
    assert results.best_system(tmp_path) == "hybrid"
    assert "- Tsez: 0.160 against PolyGloss's 0.072" in results.behind_lines(tmp_path)
    assert not any(line.startswith("- Natugu") for line in results.behind_lines(tmp_path))
    for language, mer in (("six", 0.15), ("Tsez", 0.12), ("Natugu", 0.15)):
        _scores(tmp_path, language, "default", mer)
    assert results.best_system(tmp_path) == "default"
    behind = results.behind_lines(tmp_path)
    assert "(`default`)" in behind[0]
    assert "- Tsez: 0.120 against PolyGloss's 0.072" in behind
    assert "- Natugu: 0.150 against PolyGloss's 0.142" in behind
    ratios = results.ratio_lines(tmp_path)
    assert "`default`" in ratios[0] and "- six: 0.150 / 0.300 = 0.50x" in ratios


def test_without_scores_there_is_no_best_system_to_write_about(tmp_path):
    assert results.best_system(tmp_path) is None
    assert results.behind_lines(tmp_path) == [] and results.ratio_lines(tmp_path) == []
    assert results.default_model_lines(None) == []


def test_a_shipped_model_whose_earlier_stages_are_gone_is_read_from_the_logs_it_keeps(tmp_path):
    import json
    import context_results
    folder = _context_folder(tmp_path / "shipped", tmp_path / "renamed-since", 0.13)
    for stage, (loss, examples) in enumerate([((0.30, 0.20, 0.25), 500), ((0.18, 0.15), 900)], start=1):
        entries = [{"step": 10 * n, "examples": examples, "elapsed_s": 600.0 * stage, "dev_loss": value}
                   for n, value in enumerate(loss, start=1)]
        (folder / f"log-{stage}.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    lines = context_results.training_lines(folder)
    assert lines[0] == "- 500 examples seen in 10 minutes (30 steps), best dev loss 0.200 (its log: `log-1.jsonl`)"
    assert lines[1] == "- 900 examples seen in 20 minutes (20 steps), best dev loss 0.150 (its log: `log-2.jsonl`)"
    assert "best dev loss 0.130" in lines[2] and "(a folder not in this checkout)" in lines[2]
    assert len(lines) == 3


def test_confidence_lines_show_each_measured_system_in_both_tables(tmp_path):
    assert results.confidence_lines(tmp_path) == ["Not measured (`make -C training confidence`)."]
    (tmp_path / "scores").mkdir()
    figures = {"mer": 0.25, "errors_in_lowest": 0.4, "spearman": -0.3, "model_words": 12, "word_error_rate": 0.5,
               "word_error_rate_in_lowest": 0.75, "doubtful_share": 0.1, "word_error_rate_doubtful": 0.9,
               "word_error_rate_not_doubtful": 0.2}
    # the script's progress lines come first; its figures are the last line
    (tmp_path / "scores" / "confidence.hybrid.txt").write_text(f"progress\n{json.dumps(figures)}\n", encoding="utf-8")
    lines = results.confidence_lines(tmp_path)
    name = results.SYSTEMS["hybrid"]
    assert [line for line in lines if line.startswith(f"| {name} ")] == [
        f"| {name} | 0.250 | 40% | -0.300 | 12 | 50% | 75% |", f"| {name} | 10% | 90% | 20% |"]
    assert not any(results.SYSTEMS["model"] in line for line in lines)  # not measured: no row


def test_a_section_made_from_some_runs_keeps_the_previous_pages_subsections_for_the_others():
    previous = ["## Adapting", "", "### Family (family.sh)", "", "family figures", "",
                "### Arapaho (arapaho.sh)", "", "old Arapaho figures", "", "### Perplexity", "", "old fit"]
    made = ["## Adapting", "", "### Arapaho (arapaho.sh, again)", "", "new Arapaho figures", "",
            "### Perplexity", "", "new fit"]
    page = results.with_missing_subsections(made, previous)
    assert page == ["## Adapting", "", "### Family (family.sh)", "", results.CARRIED, "", "family figures", "",
                    "### Arapaho (arapaho.sh, again)", "", "new Arapaho figures", "", "### Perplexity", "", "new fit"]
    # carried twice, marked once; and a page made from every run is left as made
    assert results.with_missing_subsections(made, page).count(results.CARRIED) == 1
    assert results.with_missing_subsections(previous, made) == previous
