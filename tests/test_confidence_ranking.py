"""benchmarks/confidence_ranking.py: its figures on records whose answer is known."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "confidence_ranking.py"
spec = importlib.util.spec_from_file_location("confidence_ranking", SCRIPT)
ranking = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ranking)


def test_a_confidence_that_ranks_every_error_first_scores_perfectly():
    gold, glossed = [], []
    for i in range(10):
        gold.append({"id": i, "glosses": "dog-PL eat", "glottocode": "toya1234"})
        wrong = i < 2  # the two least confident sentences are the only wrong ones
        glossed.append({"id": i, "glosses": "cat-PL eat" if wrong else "dog-PL eat", "confidence": -1.0 + i / 10,
                        "word_confidence": [-2.0 if wrong else -0.1, -0.1]})
    figures = ranking.figures(ranking.sentence_rows(glossed, gold, "glottocode"), 0.2)
    assert figures["errors_in_lowest"] == 1.0
    assert -1.0 <= figures["spearman"] < -0.5
    assert figures["word_error_rate"] == 0.1 and figures["word_error_rate_in_lowest"] == 0.5  # 2 of 4 doubtful
    assert ranking.ranks([3, 1, 3, 2]) == [3.5, 1.0, 3.5, 2.0]
    assert ranking.spearman([1, 2, 3], [3, 2, 1]) == -1.0
