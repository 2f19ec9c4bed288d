"""Quality estimates: igt-score --model (perplexity per group), --calibrate, predictions and their caveats."""

import json

import pytest
from click.testing import CliRunner

from igt_tools.metrics import calibration
from igt_tools.metrics.calibration import perplexity
from igt_tools.model import quality
from igt_tools.model.metadata import ModelMetadata

# -- the fit (no model) --------------------------------------------------------


def test_a_line_is_fitted_exactly_and_its_r2_is_one():
    slope, intercept, r2 = calibration.fit_line([(1.0, 0.1), (2.0, 0.3), (3.0, 0.5)])
    assert (slope, intercept, r2) == (pytest.approx(0.2), pytest.approx(-0.1), pytest.approx(1.0))
    assert calibration.fit_line([(1.0, 0.2), (2.0, 0.2)])[2] is None  # nothing to explain


def languages(*points):
    return {f"lang{i:04d}": {"perplexity": x, "morphemes_error_rate": y, "segmentation_f1": None}
            for i, (x, y) in enumerate(points)}


def test_predictions_say_when_they_cannot_be_trusted():
    good = calibration.calibrate(languages((1.1, 0.1), (1.5, 0.3), (2.0, 0.5), (3.0, 0.95)))
    assert "segmentation_f1" not in good  # no language has the figure
    estimate = good[calibration.MER].estimate(1.8)
    assert estimate["reliable"] and not estimate["extrapolated"] and estimate["languages"] == 4
    assert estimate["predicted"] == pytest.approx(good[calibration.MER].intercept + 1.8 * good[calibration.MER].slope)
    assert good[calibration.MER].estimate(9.0)["extrapolated"] and good[calibration.MER].estimate(9.0)["predicted"] == 1.0
    assert calibration.describe(calibration.MER, estimate).startswith("predicted MER 0.")

    few = calibration.calibrate(languages((1.1, 0.1), (1.5, 0.3), (2.0, 0.5)))[calibration.MER].estimate(1.8)
    assert not few["reliable"] and "fewer than 4" in few["problem"]
    assert calibration.describe(calibration.MER, few) == "predicted MER: unreliable (fitted on 3 language(s), fewer than 4)"
    weak = calibration.calibrate(languages((1.0, 0.5), (1.1, 0.1), (1.2, 0.6), (1.3, 0.2)))[calibration.MER]
    assert weak.r2 < 0.5 and "weak fit" in weak.estimate(1.1)["problem"]


def test_a_calibration_is_stored_in_the_published_layout_and_read_back(tmp_path):
    ModelMetadata(task="interleaved").write(tmp_path)
    rows = languages((1.1, 0.1), (1.5, 0.3), (2.0, 0.5), (3.0, 0.9))
    for code, row in rows.items():
        row.update(language="Tere, the old one", tokens=100, morphemes=20, words=9)
    fits = calibration.calibrate(rows)
    quality.write_calibration(tmp_path, rows, fits)

    # the published checkpoints' own code splits these lines on commas: 3 and 6 fields
    regressions = (tmp_path / "regressions.csv").read_text().splitlines()
    assert regressions[0] == "metric,slope,intercept" and all(len(line.split(",")) == 3 for line in regressions)
    perplexities = (tmp_path / "lang_perplexities.csv").read_text().splitlines()
    assert all(len(line.split(",")) == 6 for line in perplexities)
    assert perplexities[1] == "lang0000,Tere the old one,1.1,100,20,9"

    meta = ModelMetadata.read(tmp_path)
    read = calibration.fits_of(meta)[calibration.MER]
    assert (read.source, read.languages, read.r2) == (calibration.OURS, 4, pytest.approx(fits[calibration.MER].r2))
    assert meta.predict(calibration.MER, 2.0) == pytest.approx(fits[calibration.MER].estimate(2.0)["predicted"])
    assert not calibration.has_published_tables(meta)


def test_igt_lora_predicts_nothing_from_a_calibration_fitted_with_a_lexicon(tmp_path):
    import math

    from igt_tools.model.metadata import LanguageScore

    rows = languages((1.1, 0.1), (1.5, 0.3), (2.0, 0.5), (3.0, 0.9))
    for row in rows.values():
        row.update(language=None, tokens=100, morphemes=20, words=9)
    fits = calibration.calibrate(rows)
    adapter = ModelMetadata(dev_languages={"lang0001": LanguageScore(6, 100, math.log(1.8))})
    # None: not a context model's calibration; a context model's is fitted with --lexicon or without
    for lexicon, predicts in ((None, True), (False, False), (True, False)):
        folder = tmp_path / str(lexicon)
        folder.mkdir()
        ModelMetadata(task="interleaved", unit="context").write(folder)
        quality.write_calibration(folder, rows, fits, lexicon=lexicon)
        (note,) = quality.adapter_notes(ModelMetadata.read(folder), adapter)
        assert ("predicted MER 0." in note) == predicts, note
        assert ("fitted on perplexities measured as igt-score measures them" in note) == (not predicts), note


def test_published_tables_are_used_as_they_are(tmp_path):
    (tmp_path / "lang_perplexities.csv").write_text(
        "glottocode,language,perplexity,num_tokens,num_morphemes,num_words\n"
        + "".join(f"lang{i:04d},L{i},1.{i},100,20,9\n" for i in range(5)))
    (tmp_path / "regressions.csv").write_text("metric,slope,intercept\nmorphemes_error_rate,0.5,-0.5\n")
    meta = ModelMetadata.read(tmp_path)
    estimate = calibration.estimates(meta, 1.5)[calibration.MER]
    assert estimate == {"predicted": pytest.approx(0.25), "r2": None, "languages": 5, "reliable": True,
                        "problem": None, "extrapolated": False, "source": calibration.PUBLISHED}
    assert "r^2 not recorded" in calibration.describe(calibration.MER, estimate)
    assert calibration.has_published_tables(meta)


# -- igt-score --model (a micro model) -------------------------------------------

GLOTTOCODES = ("toya1234", "toyb1234", "toyc1234", "toyd1234")


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """(base, gold, predictions): four languages, predictions wrong in a different share of each."""
    from conftest import import_installed

    import_installed("torch")
    import_installed("transformers")
    from test_lora import new_base, toy_records, write_jsonl

    folder = tmp_path_factory.mktemp("quality")
    base = new_base(folder / "base")
    gold, predictions = [], []
    for n, code in enumerate(GLOTTOCODES):
        records = toy_records(6, seed=n, glottocode=code)
        for i, record in enumerate(records):
            record["language"] = f"Toy {code[3]}"
            predicted = dict(record)
            if i < n + 1:  # more errors in each language
                predicted["glosses"] = " ".join("x" for _ in record["glosses"].split())
            gold.append(record)
            predictions.append(predicted)
    return base, write_jsonl(folder / "gold.jsonl", gold), write_jsonl(folder / "predictions.jsonl", predictions)


def igt_score(*args):
    from igt_tools.commands.score import command

    return CliRunner().invoke(command, list(map(str, args)))


def test_perplexity_per_group_is_the_dev_loss_igt_lora_measures(scored, tmp_path):
    from test_lora import lora

    base, gold, predictions = scored
    adapter = tmp_path / "adapter"
    assert lora(["--model", str(base), "--out", str(adapter), "--dev", str(gold), "--max-steps", "1",
                 str(gold)]).exit_code == 0
    result = igt_score("--model", base, "--adapter", adapter, gold, predictions)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    meta = ModelMetadata.read(adapter)
    for code in GLOTTOCODES:
        model = figures[code]["model"]
        assert model["perplexity"] == pytest.approx(meta.dev_languages[code].perplexity, rel=1e-9)
        assert model["tokens"] == meta.dev_languages[code].tokens and model["examples"] == 6
    assert figures["toya1234"]["model"]["words"] == sum(
        len(json.loads(line)["glosses"].split()) for line in gold.read_text().splitlines()[:6])
    assert figures["all"]["model"]["perplexity"] == pytest.approx(meta.dev_perplexity, rel=1e-9)
    assert "no predicted MER" in result.output and "ppl" in result.output

    # igt-lora's "before adapting" figures are the model's own, as igt-score measures them without the adapter
    alone = json.loads(igt_score("--model", base, gold, predictions).stdout)
    for code in GLOTTOCODES:
        assert alone[code]["model"]["perplexity"] == pytest.approx(
            perplexity(meta.adapter["base_dev_languages"][code]), rel=1e-9)
    assert alone["all"]["model"]["perplexity"] == pytest.approx(perplexity(meta.adapter["base_dev_loss"]), rel=1e-9)
    assert alone["all"]["model"]["perplexity"] != pytest.approx(figures["all"]["model"]["perplexity"], rel=1e-9)


def test_calibrate_then_predict_with_r2_and_n(scored, tmp_path):
    import shutil

    base, gold, predictions = scored
    model = tmp_path / "model"
    shutil.copytree(base, model)
    result = igt_score("--model", model, "--calibrate", gold, predictions)
    assert result.exit_code == 0, result.output
    assert "calibration: morphemes_error_rate = " in result.output
    assert (model / "regressions.csv").is_file() and (model / "lang_perplexities.csv").is_file()

    figures = json.loads(igt_score("--model", model, gold, predictions).stdout)
    points = [(figures[c]["model"]["perplexity"], figures[c]["glossing"]["morphemes"]["error_rate"])
              for c in GLOTTOCODES]
    slope, intercept, r2 = calibration.fit_line(points)
    for code, (perplexity, _) in zip(GLOTTOCODES, points):
        estimate = figures[code]["model"]["estimates"][calibration.MER]
        assert estimate["languages"] == 4 and estimate["r2"] == pytest.approx(r2)
        assert estimate["predicted"] == pytest.approx(min(1, max(0, intercept + slope * perplexity)))
        assert estimate["reliable"] == (r2 >= calibration.MIN_R2)

    three = tmp_path / "three"
    shutil.copytree(base, three)
    subset = tmp_path / "gold3.jsonl"
    subset.write_text("".join(line + "\n" for line in gold.read_text().splitlines()[:18]))
    preds3 = tmp_path / "pred3.jsonl"
    preds3.write_text("".join(line + "\n" for line in predictions.read_text().splitlines()[:18]))
    result = igt_score("--model", three, "--calibrate", subset, preds3)
    assert result.exit_code == 0, result.output
    assert "predicted MER unreliable: fitted on 3 language(s), fewer than 4" in result.output
    assert "unreliable" in result.output.splitlines()[-1]


def test_published_tables_are_not_overwritten_and_options_go_together(scored, tmp_path):
    import shutil

    base, gold, predictions = scored
    model = tmp_path / "published"
    shutil.copytree(base, model)
    (model / "regressions.csv").write_text("metric,slope,intercept\nmorphemes_error_rate,0.5,-0.5\n")
    refused = igt_score("--model", model, "--calibrate", gold, predictions)
    assert refused.exit_code == 2 and "published quality tables" in refused.output
    assert igt_score("--calibrate", gold, predictions).exit_code == 2
    assert igt_score("--model", model, "--calibrate", "--by", "source", gold, predictions).exit_code == 2
    with_published = json.loads(igt_score("--model", model, gold, predictions).stdout)
    assert with_published["all"]["model"]["estimates"][calibration.MER]["source"] == calibration.PUBLISHED
