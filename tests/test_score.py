"""igt-score: joining, grouping, output, errors; through click's runner and real processes."""

import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import glossing
import pytest

from conftest import jsonl, run_command, write_jsonl
from igt_tools.cli.score_table import plain_table
from igt_tools.commands.score import command
from igt_tools.core.errors import DataError
from igt_tools.core.io import Location, read_record_at
from igt_tools.metrics import scoring
from igt_tools.metrics.compare import differences
from igt_tools.metrics.scoring import _GoldStream

BIN = Path(sys.executable).parent

GOLD = [
    {"id": "u1", "glottocode": "uspa1245", "segmentation": "o sey x-tok", "glosses": "CONJ sea COM-buscar"},
    {"id": "u2", "glottocode": "uspa1245", "segmentation": "r-ixoqiil", "glosses": "E3S-esposa"},
    {"id": 3, "glottocode": "arap1274", "glosses": "okay FUT-then-do.thus-3PL", "source": "dev"},
]
PREDICTIONS = [
    {"id": 3, "glosses": "okay FUT-then-3PL", "segmentation": "wohei heet-ne'-3i'"},
    {"id": "u1", "glosses": "CONJ sea COM-buscar", "segmentation": "o sey x-tok"},
    {"id": "u2", "glosses": "E3S-wife", "segmentation": "rixoqiil"},
]


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(jsonl(*GOLD), encoding="utf-8")
    return path


def score(gold_file, predictions, *options):
    result = run_command(command, [*options, gold_file], records=predictions)
    return result


def scores(gold_file, predictions, *options):
    result = score(gold_file, predictions, "--quiet", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- output ---------------------------------------------------------------------------------


def test_one_json_object_with_a_key_per_group_and_all(gold_file):
    result = score(gold_file, PREDICTIONS, "--quiet")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1  # one line
    figures = json.loads(result.stdout)
    assert list(figures) == ["arap1274", "uspa1245", "all"]
    for group in figures.values():
        assert set(group) == {"glossing", "segmentation", "alignment", "counts"}
        assert set(group["glossing"]) == {"words", "morphemes", "characters"}
        assert set(group["glossing"]["words"]) == {"accuracy", "bleu", "error_rate"}
        assert set(group["glossing"]["words"]["accuracy"]) == {"macro", "micro"}
        assert set(group["glossing"]["morphemes"]) == {"accuracy", "classes", "bleu", "error_rate"}
        assert set(group["glossing"]["morphemes"]["classes"]) == {"stem", "gram"}
        assert set(group["glossing"]["morphemes"]["classes"]["stem"]) == {"prec", "rec", "f1"}
        assert set(group["glossing"]["characters"]) == {"error_rate"}
        assert set(group["segmentation"]) == {"accuracy", "precision", "recall", "f1", "edit_distance"}


def assert_reference_figures(predicted, gold, figures):
    """The `glossing` package is the oracle: igt-score's figures equal its evaluate_glosses to 1e-9."""
    assert differences(glossing.evaluate_glosses(predicted, gold), figures, 1e-9) == []


def test_glossing_figures_per_group_are_the_reference_figures(gold_file):
    figures = scores(gold_file, PREDICTIONS)
    by_id = {p["id"]: p["glosses"] for p in PREDICTIONS}
    for group, ids in (("uspa1245", ["u1", "u2"]), ("arap1274", [3]), ("all", ["u1", "u2", 3])):
        gold = [g["glosses"] for i in ids for g in GOLD if g["id"] == i]
        assert_reference_figures([by_id[i] for i in ids], gold, figures[group]["glossing"])


def test_segmentation_is_null_where_the_gold_has_none(gold_file):
    figures = scores(gold_file, PREDICTIONS)
    # Arapaho's gold has no segmentation: no segmentation figures, but the prediction's alignment.
    assert figures["arap1274"]["segmentation"] == dict.fromkeys(
        ["accuracy", "precision", "recall", "f1", "edit_distance"]
    )
    assert figures["arap1274"]["alignment"] == 1.0
    assert figures["uspa1245"]["segmentation"]["accuracy"] == 0.5
    assert figures["all"]["counts"] == {"sentences": 3, "segmentation": 2, "alignment": 3, "missing_predictions": 0}


def test_by_another_field(gold_file):
    result = score(gold_file, PREDICTIONS, "--by", "source")
    assert result.exit_code == 0
    assert list(json.loads(result.stdout)) == ["dev", "all"]
    assert '2 gold record(s) without "source": counted in "all" only' in result.stderr


def test_blank_group_values_count_as_missing(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(jsonl(dict(GOLD[0], glottocode=" "), GOLD[1]), encoding="utf-8")
    result = score(gold, PREDICTIONS[1:])
    assert list(json.loads(result.stdout)) == ["uspa1245", "all"]
    assert '1 gold record(s) without "glottocode"' in result.stderr


def test_no_groups_when_no_record_has_the_field(gold_file):
    result = score(gold_file, PREDICTIONS, "--by", "nothing")
    assert list(json.loads(result.stdout)) == ["all"]
    assert "all: segmentation scored on 2 of 3 sentences" in result.stderr


def test_a_group_partly_segmented_is_noted(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(jsonl(GOLD[0], dict(GOLD[1], segmentation=None)), encoding="utf-8")
    result = score(gold, PREDICTIONS[1:])
    assert "igt-score: uspa1245: segmentation scored on 1 of 2 sentences" in result.stderr


def test_table_on_stderr_and_quiet(gold_file):
    result = score(gold_file, PREDICTIONS)
    lines = result.stderr.splitlines()
    assert len(lines) == 4
    assert lines[0].split() == ["group", "sentences", "MER", "morph", "acc", "seg", "F1", "alignment"]
    assert [line.split()[0] for line in lines[1:]] == ["arap1274", "uspa1245", "all"]
    assert lines[1].split()[4] == "-"  # no segmentation F1 for Arapaho
    assert score(gold_file, PREDICTIONS, "--quiet").stderr == ""


def test_plain_table_aligns_columns():
    table = plain_table(
        [("a", "1", "0.100", "0.900", "-", "1.000"), ("longer", "10", "0.200", "0.800", "0.500", "0.950")]
    )
    lines = table.splitlines()
    assert len({len(line) for line in lines}) == 1
    assert lines[1].startswith("a       ")


def test_indent(gold_file):
    result = score(gold_file, PREDICTIONS, "--quiet", "--indent", "2")
    assert result.stdout.startswith('{\n  "arap1274": {')


def test_sacrebleu_figures_on_request(gold_file):
    figures = scores(gold_file, PREDICTIONS, "--sacrebleu")
    extra = figures["all"]["sacrebleu"]
    assert set(extra) == {"bleu", "chrf", "signature"}
    assert 0 <= extra["bleu"] <= 100 and 0 < extra["chrf"] < 100
    assert "tok:13a" in extra["signature"]["bleu"]
    assert "sacrebleu" not in scores(gold_file, PREDICTIONS)["all"]


# --- joining --------------------------------------------------------------------------------


def assert_one_line_error(result, *fragments, status=1):
    assert result.exit_code == status, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_unknown_ids_are_listed(gold_file):
    predictions = PREDICTIONS + [{"id": "x9", "glosses": "a"}, {"id": "x8", "glosses": "b"}]
    result = score(gold_file, predictions)
    assert_one_line_error(result, "<stdin>:4:", "2 prediction id(s) not in", '"x9", "x8"')
    assert result.stdout == ""


def test_missing_ids_are_listed(gold_file):
    result = score(gold_file, PREDICTIONS[:1])
    assert_one_line_error(result, f"{gold_file}:1:", '2 gold id(s) without a prediction: "u1", "u2"', "--missing empty")


def test_many_ids_are_shortened(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(jsonl(*({"id": i, "glosses": "a"} for i in range(12))), encoding="utf-8")
    result = score(gold, [{"id": 0, "glosses": "a"}])
    assert_one_line_error(result, "11 gold id(s) without a prediction: 1, 2, 3, 4, 5 and 6 more")


def test_missing_empty_scores_missing_predictions_as_empty(gold_file):
    figures = scores(gold_file, PREDICTIONS[1:2], "--missing", "empty")
    assert figures["all"]["counts"]["missing_predictions"] == 2
    gold = [g["glosses"] for g in GOLD]
    assert_reference_figures(["CONJ sea COM-buscar", "", ""], gold, figures["all"]["glossing"])
    # An empty segmentation scores 0, where the gold has a segmentation.
    assert figures["uspa1245"]["segmentation"]["f1"] == 0.5


def test_missing_empty_with_no_predictions_at_all(gold_file):
    figures = scores(gold_file, [], "--missing", "empty")
    assert figures["all"]["glossing"]["morphemes"]["accuracy"] == {"macro": 0.0, "micro": 0.0}
    assert figures["all"]["glossing"]["words"]["bleu"] == 0.0  # where the reference divides by zero


def test_repeated_prediction_id(gold_file):
    result = score(gold_file, PREDICTIONS + PREDICTIONS[:1])
    assert_one_line_error(result, "<stdin>:4:", "id 3 repeated (first at line 1)")


def test_repeated_gold_id(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(jsonl(GOLD[0], GOLD[1], GOLD[0]), encoding="utf-8")
    assert_one_line_error(score(gold, PREDICTIONS), f"{gold}:3:", 'id "u1" repeated (first at line 1)')


def test_ids_of_different_types_do_not_join(gold_file):
    predictions = [dict(PREDICTIONS[0], id="3")] + PREDICTIONS[1:]
    assert_one_line_error(score(gold_file, predictions), "not in", '"3"')


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("gold_glosses", ["", " . ,", "[SEP]"])
def test_empty_gold_glosses_name_the_gold_line(tmp_path, gold_glosses):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(jsonl(GOLD[0], dict(GOLD[1], glosses=gold_glosses)), encoding="utf-8")
    assert_one_line_error(score(gold, PREDICTIONS[1:]), f"{gold}:2:", "no token to score")


@pytest.mark.parametrize(
    "record, message",
    [
        ({"glosses": "a"}, 'missing field "id"'),
        ({"id": "u1"}, 'missing field "glosses"'),
        ({"id": "u1", "glosses": None}, 'missing field "glosses"'),
        ({"id": "u1", "glosses": "a", "segmentation": 5}, 'field "segmentation" must be a string or null'),
        ({"id": ["u1"], "glosses": "a"}, 'field "id" must be a string or null'),
    ],
)
def test_bad_prediction_records(gold_file, record, message):
    assert_one_line_error(score(gold_file, [record]), "<stdin>:1:", message)


def test_group_field_must_be_a_scalar(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(jsonl(dict(GOLD[0], tags=["a"])), encoding="utf-8")
    assert_one_line_error(score(gold, PREDICTIONS[1:2], "--by", "tags"), f"{gold}:1:", "to group by")


def test_a_group_named_all(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(jsonl(dict(GOLD[0], glottocode="all")), encoding="utf-8")
    assert_one_line_error(score(gold, PREDICTIONS[1:2]), f"{gold}:1:", 'a group is named "all"')


def test_missing_gold_file(tmp_path):
    assert_one_line_error(score(tmp_path / "nope.jsonl", PREDICTIONS), "nope.jsonl", "cannot open")


def test_empty_gold_file(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("", encoding="utf-8")
    assert_one_line_error(score(gold, PREDICTIONS), "empty input")


@pytest.mark.parametrize(
    "arguments",
    [[], ["-", "-"], ["--missing", "maybe", "g.jsonl"], ["--indent", "-1", "g.jsonl"], ["a", "b", "c"]],
)
def test_usage_errors_exit_2(arguments):
    result = run_command(command, arguments, "")
    assert result.exit_code == 2, result.output


# --- real processes -------------------------------------------------------------------------


def run(*arguments, stdin=""):
    """igt-score as a real process (pipes and files as a shell gives them)."""
    return subprocess.run([str(BIN / "igt-score"), *arguments], input=stdin.encode(), capture_output=True)


def test_pipe_predictions_on_stdin(gold_file):
    done = run("--quiet", str(gold_file), stdin=jsonl(*PREDICTIONS))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["all"]["counts"]["sentences"] == 3


def test_predictions_as_a_file_gold_on_stdin(tmp_path, gold_file):
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(jsonl(*PREDICTIONS), encoding="utf-8")
    done = run("-", str(predictions), stdin=gold_file.read_text(encoding="utf-8"))
    assert done.returncode == 0, done.stderr
    assert list(json.loads(done.stdout)) == ["arap1274", "uspa1245", "all"]
    assert b"MER" in done.stderr and b"\x1b[" not in done.stderr  # plain table: stderr is no terminal


def test_errors_have_no_traceback(gold_file):
    done = run(str(gold_file), stdin=jsonl(*PREDICTIONS[:1]))
    assert done.returncode == 1
    assert done.stderr.decode().startswith(f"igt-score: {gold_file}:1: 2 gold id(s) without a prediction")
    assert b"Traceback" not in done.stderr


def test_help_imports_nothing_heavy():
    code = (
        "import sys; from igt_tools.commands.score import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sacrebleu', 'rich', 'torch', 'transformers', 'jsonlines'}), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Usage: igt-score" in done.stdout
    assert done.stderr.strip() == "[]"


def test_rich_table_when_stderr_is_a_terminal(monkeypatch, capsys):
    from igt_tools.cli import score_table

    monkeypatch.setattr(score_table, "stderr_is_terminal", lambda: True)
    score_table.print_table([("uspa1245", "2", "0.250", "0.750", "0.500", "1.000")])
    err = capsys.readouterr().err
    assert "uspa1245" in err and "MER" in err and "seg F1" in err
    assert "─" in err or "━" in err  # drawn by rich, not the plain table


def test_a_record_igt_gloss_could_not_gloss_scores_as_empty(tmp_path):
    """igt-gloss | igt-score must not die on one record that got an `error` instead of glosses."""
    import json as _json
    import subprocess as _subprocess
    import sys as _sys
    from pathlib import Path as _Path

    gold = tmp_path / "gold.jsonl"
    gold.write_text(_json.dumps({"id": "a", "glosses": "dog-PL"}) + "\n" + _json.dumps({"id": "b", "glosses": "cat"}) + "\n")
    predictions = _json.dumps({"id": "a", "glosses": "dog-PL"}) + "\n" + _json.dumps({"id": "b", "error": "input too long"}) + "\n"
    igt_score = _Path(_sys.executable).parent / "igt-score"
    result = _subprocess.run([str(igt_score), "--quiet", str(gold)], input=predictions.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    figures = _json.loads(result.stdout)["all"]
    assert figures["counts"]["missing_predictions"] == 1
    assert figures["glossing"]["morphemes"]["accuracy"]["macro"] == 0.5


# --- memory: the join streams ---------------------------------------------------------------


def _numbered_gold(tmp_path, count=200):
    return write_jsonl(tmp_path / "gold.jsonl", ({"id": f"g{i}", "glosses": f"w{i}"} for i in range(count)))


def test_predictions_in_gold_order_hold_no_gold_record(tmp_path):
    """igt-score's memory must not grow with the text of its inputs (it once took 394 MB for 200 MB):
    with predictions in gold order, no gold record waits, and the file is read once."""
    stream = _GoldStream(_numbered_gold(tmp_path), "glottocode")
    for i in range(200):
        assert stream.find(f"g{i}", Location("<stdin>", i + 1)).glosses == f"w{i}"
        assert stream._waiting == 0
    assert list(stream.rest()) == []
    assert stream._reread is None


def test_records_read_ahead_from_a_file_are_read_again_not_held(tmp_path, monkeypatch):
    """Out of order, a gold file's records read ahead of their predictions are kept as where their
    lines start, and read again from there: memory holds the ids, whatever the order."""
    gold = _numbered_gold(tmp_path)
    reread = []
    monkeypatch.setattr(scoring, "read_record_at", lambda *a: reread.append(a[2].line) or read_record_at(*a))
    stream = _GoldStream(gold, "glottocode")
    assert stream._held is None  # a regular file: nothing is held
    assert stream.find("g2", Location("<stdin>", 1)).glosses == "w2"
    assert stream._waiting == 2 and reread == []
    found = stream.find("g0", Location("<stdin>", 2))
    assert (found.id, found.glosses, str(found.location)) == ("g0", "w0", f"{gold}:1")
    assert reread == [1]
    rest = list(stream.rest())
    assert [r.id for r in rest] == ["g1", *(f"g{i}" for i in range(3, 200))]
    assert [r.glosses for r in rest[:2]] == ["w1", "w3"] and str(rest[0].location) == f"{gold}:2"
    assert reread == [1, 2]  # g1 waited; g3 on were read in turn, once
    stream.close()


def test_records_read_ahead_from_stdin_are_held(tmp_path, monkeypatch):
    """stdin (or a pipe) cannot be read again: there the records read ahead wait in memory."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(_numbered_gold(tmp_path).read_bytes())))
    stream = _GoldStream("-", "glottocode")
    assert stream.find("g2", Location("p.jsonl", 1)).glosses == "w2"
    assert list(stream._held) == ["g0", "g1"]
    assert stream.find("g0", Location("p.jsonl", 2)).glosses == "w0"
    assert [r.id for r in stream.rest()][:3] == ["g1", "g3", "g4"]
    assert stream._reread is None
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert not scoring._rereadable(fifo) and not scoring._rereadable("-")  # a pipe, like stdin


def test_a_gold_file_changed_while_read_is_one_line(tmp_path):
    gold = _numbered_gold(tmp_path, 3)
    stream = _GoldStream(gold, "glottocode")
    stream.find("g2", Location("<stdin>", 1))
    gold.write_text(jsonl({"id": "x", "glosses": "y"}), encoding="utf-8")
    with pytest.raises(DataError, match="changed while igt-score read it"):
        stream.find("g0", Location("<stdin>", 2))


def _gold_and_predictions(tmp_path, count=300):
    """A gold file of `count` records in three languages, and predictions of all but a few, shuffled."""
    rng = random.Random(19)
    words = ["dog-PL", "cat", "see-PST", "3SG=Q", "house", "go-FUT"]
    gold = [{"id": i if i % 2 else f"s{i}", "glottocode": ["aaaa1111", "bbbb2222", None][i % 3],
             "glosses": " ".join(rng.choices(words, k=rng.randint(1, 6)))} for i in range(count)]
    for record in gold[::4]:
        record["segmentation"] = record["glosses"].lower()
    predictions = [{"id": g["id"], "glosses": " ".join(rng.sample(g["glosses"].split(), k=len(g["glosses"].split()))),
                    **({"segmentation": g["segmentation"]} if "segmentation" in g and rng.random() < 0.5 else {})}
                   for g in gold if rng.random() < 0.95]
    shuffled = rng.sample(predictions, k=len(predictions))
    return write_jsonl(tmp_path / "gold.jsonl", gold), predictions, shuffled


def _flat(figures, prefix=""):
    """{path: number} of nested figures, to compare with a tolerance (sums in another order may
    differ in the last bit)."""
    if isinstance(figures, dict):
        return {k: v for key, value in figures.items() for k, v in _flat(value, f"{prefix}/{key}").items()}
    return {prefix: figures}


def test_shuffled_predictions_score_as_ordered_ones(tmp_path):
    gold, ordered, shuffled = _gold_and_predictions(tmp_path)
    in_order = _flat(scores(gold, ordered, "--missing", "empty"))
    assert in_order["/all/counts/missing_predictions"] > 0  # the test covers left-out records
    assert _flat(scores(gold, shuffled, "--missing", "empty")) == pytest.approx(in_order, rel=1e-12)


def test_gold_from_a_file_and_from_stdin_score_alike(tmp_path):
    """The file (read again at offsets) and stdin (held) give the same figures, the same notes and the
    same errors: the same join."""
    gold, _, shuffled = _gold_and_predictions(tmp_path)
    predictions = write_jsonl(tmp_path / "predictions.jsonl", shuffled)
    gold_text = gold.read_text(encoding="utf-8")

    def both(*options, predictions=predictions):
        from_file = run_command(command, [*options, gold, predictions])
        from_stdin = run_command(command, [*options, "-", predictions], gold_text)
        assert from_file.exit_code == from_stdin.exit_code
        return from_file, from_stdin.stdout, from_stdin.stderr.replace("<stdin>", str(gold))

    from_file, stdout, stderr = both("--missing", "empty")
    assert (from_file.exit_code, from_file.stdout, from_file.stderr) == (0, stdout, stderr)
    assert "counted in \"all\" only" in stderr
    from_file, _, stderr = both()  # --missing error: the left-out ids listed, the first one's gold line named
    assert_one_line_error(from_file, f"{gold}:", "gold id(s) without a prediction")
    assert from_file.stderr == stderr
    repeated = write_jsonl(tmp_path / "repeated.jsonl", [*shuffled, shuffled[len(shuffled) // 2]])
    from_file, _, stderr = both(predictions=repeated)
    assert_one_line_error(from_file, f"repeated (first at line {len(shuffled) // 2 + 1})")
    assert from_file.stderr == stderr


def test_the_order_of_the_predictions_changes_no_figure(gold_file):
    in_order = scores(gold_file, [PREDICTIONS[1], PREDICTIONS[2], PREDICTIONS[0]])
    assert scores(gold_file, PREDICTIONS[::-1]) == in_order == scores(gold_file, PREDICTIONS)


def test_an_error_record_without_an_id_is_one_line(gold_file):
    """Found by tests/test_filters_property.py: it was a KeyError traceback."""
    assert_one_line_error(score(gold_file, [{"error": "input too long"}]), "<stdin>:1:", 'missing field "id"')


# --- figures per source (igt-gloss's provenance) ----------------------------------------------


def test_words_are_scored_per_source_when_predictions_have_provenance(gold_file):
    sources = {3: ["lexicon", "model"], "u1": ["lexicon", "lexicon", "analogy"], "u2": ["model"]}
    predictions = [dict(record, provenance=sources[record["id"]]) for record in PREDICTIONS]
    figures = scores(gold_file, predictions)
    # over all: lexicon okay, CONJ, sea right (3 of 3); analogy COM-buscar right; model FUT-then-3PL and E3S-wife wrong
    assert figures["all"]["provenance"] == {
        "analogy": {"words": 1, "gloss_accuracy": 1.0, "segmentation_accuracy": 1.0},
        "lexicon": {"words": 3, "gloss_accuracy": 1.0, "segmentation_accuracy": 1.0},
        "model": {"words": 2, "gloss_accuracy": 0.0, "segmentation_accuracy": 0.0},
    }
    # Arapaho's gold has no segmentation: its words count for the glosses only
    assert figures["arap1274"]["provenance"] == {
        "lexicon": {"words": 1, "gloss_accuracy": 1.0, "segmentation_accuracy": None},
        "model": {"words": 1, "gloss_accuracy": 0.0, "segmentation_accuracy": None},
    }
    assert figures["uspa1245"]["provenance"]["model"] == {"words": 1, "gloss_accuracy": 0.0,
                                                          "segmentation_accuracy": 0.0}


def test_no_provenance_figures_without_provenance(gold_file):
    assert all("provenance" not in group for group in scores(gold_file, PREDICTIONS).values())


@pytest.mark.parametrize("provenance", ["fieldwork 2019", ["lexicon"], ["lexicon", 3], ["lexicon", ""]])
def test_a_provenance_that_is_not_one_source_per_word_is_left_out_and_noted(gold_file, provenance):
    predictions = [dict(PREDICTIONS[0], provenance=provenance), *PREDICTIONS[1:]]
    result = score(gold_file, predictions)
    assert result.exit_code == 0, result.output
    assert "provenance" not in json.loads(result.stdout)["all"]
    assert '1 prediction(s) with a "provenance" that is not one source per gloss word' in result.stderr


def test_the_words_per_source_line_on_stderr(gold_file):
    predictions = [dict(record, provenance=["lexicon"] * len(record["glosses"].split())) for record in PREDICTIONS]
    result = score(gold_file, predictions)
    assert "words by source, over all: lexicon 6 words, 66.7% glossed right" in result.stderr
    assert "words by source" not in score(gold_file, predictions, "--quiet").stderr
