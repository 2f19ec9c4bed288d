"""training/arapaho_plot.py: Arapaho's curve read from the recipe's score files, and drawn."""

import json
import sys

import pytest

import conftest

sys.path.insert(0, str(conftest.ROOT / "training"))
import arapaho_plot  # noqa: E402  (matplotlib only when drawing: never skipped)


def _score(work, n, system, mer):
    path = work / "scores" / f"arapaho.{n}.{system}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"all": {"glossing": {"morphemes": {"error_rate": mer, "accuracy": {"micro": 1 - mer}}}}}))


def test_points_are_read_in_n_order_and_missing_files_are_left_out(tmp_path):
    _score(tmp_path, 400, "analogy", 0.48)
    _score(tmp_path, 50, "analogy", 0.68)
    _score(tmp_path, 100, "context", 0.6)
    _score(tmp_path, 77, "context", 0.1)  # not one of the curve's sizes

    found = arapaho_plot.points(tmp_path, arapaho_plot.SYSTEMS)

    assert found == {"analogy": [(50, 0.68), (400, 0.48)], "context": [(100, 0.6)]}
    assert arapaho_plot.points(tmp_path, arapaho_plot.CEILINGS) == {}


def test_without_any_score_file_it_says_what_to_run(tmp_path):
    with pytest.raises(SystemExit, match="make arapaho-context"):
        arapaho_plot.main([str(tmp_path), str(tmp_path / "out.png")])
    assert not (tmp_path / "out.png").exists()


def test_it_draws_a_png(tmp_path):
    pytest.importorskip("matplotlib")  # the [plot] extra
    for n, mer in ((50, 0.68), (100, 0.61)):
        _score(tmp_path, n, "analogy", mer)
        _score(tmp_path, n, "ceiling-knowable", mer - 0.2)

    arapaho_plot.main([str(tmp_path), str(tmp_path / "out.png")])

    assert (tmp_path / "out.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_table_shows_each_published_point_beside_its_nearest_size_with_its_own_n():
    import context_results
    sizes = (50, 100, 200, 400, 1000)
    cells = {n: context_results.published_cell(n, sizes) for n in sizes}
    assert cells == {50: "0.570", 100: "", 200: "", 400: "0.340 at N = 380", 1000: ""}
    # the figure draws the same points at their published N
    assert arapaho_plot.PUBLISHED == context_results.PUBLISHED_ARAPAHO
