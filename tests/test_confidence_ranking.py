"""How well a confidence ranks errors (igt_tools.metrics.confidence, benchmarks/confidence_ranking.py):
its figures on records whose answer is known."""

import json
import subprocess
import sys

from conftest import ROOT, jsonl
from igt_tools.metrics.confidence import figures, ranks, sentence_rows, spearman


def _ranked_perfectly():
    """Ten sentences; the two least confident are the only wrong ones, their first word wrong and least sure."""
    gold, glossed = [], []
    for i in range(10):
        gold.append({"id": i, "glosses": "dog-PL eat", "glottocode": "toya1234"})
        wrong = i < 2
        glossed.append({"id": i, "glosses": "cat-PL eat" if wrong else "dog-PL eat", "confidence": -1.0 + i / 10,
                        "word_confidence": [-2.0 if wrong else -0.1, -0.1]})
    return glossed, gold


def test_a_confidence_that_ranks_every_error_first_scores_perfectly():
    glossed, gold = _ranked_perfectly()
    result = figures(sentence_rows(glossed, gold, "glottocode"), 0.2, doubtful=-0.5)
    assert result["errors_in_lowest"] == 1.0
    assert -1.0 <= result["spearman"] < -0.5
    assert result["word_error_rate"] == 0.1 and result["word_error_rate_in_lowest"] == 0.5  # 2 of 4 doubtful
    # under -0.5: exactly the two wrong words
    assert (result["doubtful_share"], result["word_error_rate_doubtful"], result["word_error_rate_not_doubtful"]) == (
        0.1, 1.0, 0.0)
    assert ranks([3, 1, 3, 2]) == [3.5, 1.0, 3.5, 2.0]
    assert spearman([1, 2, 3], [3, 2, 1]) == -1.0 and spearman([1, 1, 1], [3, 2, 1]) is None


def test_the_script_prints_a_table_and_the_figures_over_all(tmp_path):
    glossed, gold = _ranked_perfectly()
    (tmp_path / "glossed.jsonl").write_text(jsonl(*glossed))
    (tmp_path / "gold.jsonl").write_text(jsonl(*gold))
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "confidence_ranking.py"),
                           str(tmp_path / "glossed.jsonl"), str(tmp_path / "gold.jsonl")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:3]] == ["toya1234", "all"]
    assert json.loads(lines[-1])["errors_in_lowest"] == 1.0
