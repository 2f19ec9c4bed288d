"""igt-score --model: a model's perplexity on gold records per group, the MER its calibration
predicts from it, and --calibrate, which fits that calibration and stores it in the model folder
in the published layout (regressions.csv: metric, slope, intercept; lang_perplexities.csv:
glottocode, language, perplexity and the numbers of tokens, morphemes and words), which the
published checkpoints' own code reads, and in igt_tools.json. The arithmetic is in
metrics/calibration.py.
"""

import os
from pathlib import Path

from ..examples.context import UNIT as CONTEXT_UNIT
from ..metrics import ALL
from ..metrics.calibration import (
    MER, METRICS, CalibrationRefused, calibrate, describe, estimate_notes, estimates, has_published_tables,
    metric_value, perplexity,
)
from .metadata import PERPLEXITIES_CSV, REGRESSIONS_CSV, ModelMetadata


def add_model_figures(figures, records, model_name, adapter=None, calibrate_folder=None, retrieval=None):
    """Put the model's figures into igt-score's, per group: {"model": {perplexity, ..., "estimates"}}.

    `records`: the gold [(group or None, record)]. `retrieval`: a lexicon's
    (examples.context.Retrieval), where a context model looks its words up.
    With `calibrate_folder` (the model's own folder), first fit and store a
    calibration from these groups. Returns notes for stderr.
    """
    from .device import batch_tokens, resolve_device
    from .loading import load_model
    from .perplexity import gold_perplexities

    device = resolve_device("auto")
    model, tokenizer, metadata = load_model(model_name, device=device, adapter=adapter)
    per_group = gold_perplexities(model, tokenizer, metadata, records, batch_tokens(device), device, retrieval)
    for name, group in figures.items():
        group["model"] = per_group[name]
    notes = []
    calibrated = metadata.base or metadata  # an adapter's estimates come from its model's calibration
    with_lexicon = retrieval is not None
    if calibrate_folder is not None:
        notes += _calibrate(figures, records, calibrated, calibrate_folder, with_lexicon)
        calibrated = ModelMetadata.read(calibrate_folder)
    for group in figures.values():
        group["model"]["estimates"] = estimates(calibrated, group["model"]["perplexity"])
    if metadata.unit == CONTEXT_UNIT and not with_lexicon:
        notes.append(f"{model_name} is a context model measured without a lexicon's evidence, which igt-gloss -l "
                     "gives it: --lexicon FILE measures it as it is used")
    return notes + estimate_notes(figures, model_name) + _evidence_notes(calibrated, with_lexicon)


def _evidence_notes(calibrated, with_lexicon):
    """A warning where a context model's calibration was fitted on perplexities measured with a
    lexicon and these without, or the other way round: a word's own attested analyses in its input
    lower the perplexity several times over, so the fit does not carry across."""
    fitted = _fitted_with_lexicon(calibrated)
    if fitted is None or fitted == with_lexicon:
        return []
    return [f"pred MER: the calibration was fitted {'with' if fitted else 'without'} --lexicon and these "
            f"perplexities are {'with' if with_lexicon else 'without'} it: the predictions do not apply"]


def _fitted_with_lexicon(metadata):
    """Whether a context model's calibration was fitted on perplexities measured with --lexicon;
    None where the calibration is not a context model's (or there is none)."""
    return (metadata.calibration or {}).get("lexicon")


def _calibrate(figures, records, metadata, folder, with_lexicon=False):
    if has_published_tables(metadata):
        raise CalibrationRefused(f"{folder} carries published quality tables ({REGRESSIONS_CSV}): --calibrate "
                                 "would replace them; calibrate a copy of the folder")
    names = {}
    for group, record in records:
        if group is not None and record.get("language"):
            names.setdefault(group, record["language"])
    languages = {}
    for name, group in figures.items():
        model = group["model"]
        if name == ALL or model["perplexity"] is None:
            continue
        languages[name] = {"language": names.get(name), "perplexity": model["perplexity"], "tokens": model["tokens"],
                           "morphemes": model["morphemes"], "words": model["words"],
                           **{metric: metric_value(group, metric) for metric in METRICS}}
    fits = calibrate(languages)
    if not fits:
        raise CalibrationRefused("--calibrate needs the figures of at least 2 languages (groups --by glottocode)")
    # Only a context model reads a lexicon; whether its fit did is what its later estimates must match.
    write_calibration(folder, languages, fits, lexicon=with_lexicon if metadata.unit == CONTEXT_UNIT else None)
    notes = []
    for metric, fit in fits.items():
        r2 = "r^2 undefined" if fit.r2 is None else f"r^2 {fit.r2:.3f}"
        sign = "-" if fit.slope < 0 else "+"
        notes.append(f"calibration: {metric} = {fit.intercept:.4f} {sign} {abs(fit.slope):.4f} x perplexity ({r2}, "
                     f"{fit.languages} languages) written to {Path(folder) / REGRESSIONS_CSV}")
    return notes


def write_calibration(folder, languages, fits, lexicon=None):
    """Store a calibration in a model folder: the two published tables and igt_tools.json's record."""
    folder = Path(folder)
    lines = ["metric,slope,intercept"] + [f"{m},{fit.slope!r},{fit.intercept!r}" for m, fit in fits.items()]
    _write_text(folder / REGRESSIONS_CSV, "\n".join(lines) + "\n")
    lines = ["glottocode,language,perplexity,num_tokens,num_morphemes,num_words"]
    for code, row in sorted(languages.items()):
        lines.append(",".join([_cell(code), _cell(row.get("language") or ""), repr(row["perplexity"]),
                               str(row["tokens"]), str(row["morphemes"]), str(row["words"])]))
    _write_text(folder / PERPLEXITIES_CSV, "\n".join(lines) + "\n")
    metadata = ModelMetadata.read(folder)
    metadata.calibration = {"metrics": {m: fit.to_dict() for m, fit in fits.items()},
                            "languages": {code: dict(row) for code, row in sorted(languages.items())}}
    if lexicon is not None:
        metadata.calibration["lexicon"] = lexicon
    metadata.write(folder)


def _cell(text):
    """A cell the published code's plain split(",") reads: no commas, quotes or line breaks."""
    return " ".join(str(text).replace(",", " ").replace('"', "").split())


def _write_text(path, text):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# -- igt-lora --dev -----------------------------------------------------------------

NO_GAIN = 0.01  # a smaller relative drop in dev loss than this is no sign that the adapter helps


def adapter_notes(base, metadata):
    """Lines for stderr, per dev language of an adapter (`metadata`) of the model `base`: perplexity
    before and after adapting, what it predicts, and a warning when the adapter did not beat the
    model alone (more data, or none, would serve better)."""
    notes = []
    before = (metadata.adapter or {}).get("base_dev_languages") or {}
    for code, score in sorted(metadata.dev_languages.items()):
        if code in before:
            line = f"{code}: dev perplexity {perplexity(before[code]):.3f} before adapting, {score.perplexity:.3f} after"
        else:
            line = f"{code}: dev perplexity {score.perplexity:.3f}"
        found = estimates(base, score.perplexity)
        if MER not in found:
            notes.append(f"{line}; no MER prediction: the model has no calibration (igt-score --model MODEL "
                 "--calibrate on its dev data makes one)")
        elif _fitted_with_lexicon(base) is not None:
            # A context model's calibration is fitted on igt-score's perplexities, its words looked up
            # in a lexicon or in nothing; igt-lora looks each dev sentence's words up in the other dev
            # sentences, a third way, so neither fit applies here.
            notes.append(f"{line}; no MER prediction: the model's calibration is fitted on perplexities measured "
                 "as igt-score measures them (igt-score --model MODEL --adapter ADAPTER [--lexicon FILE] predicts one)")
        else:
            if code in before:
                was = estimates(base, perplexity(before[code])).get(MER)
                if was and was["reliable"]:
                    line += f"; predicted MER {was['predicted']:.3f} before"
            notes.append(f"{line}; " + describe(MER, found[MER]))
        if code in before and score.loss > before[code] * (1 - NO_GAIN):
            notes.append(f"{code}: the adapter lowers dev loss by less than {NO_GAIN:.0%} ({score.loss:.4f} against "
                 f"the model's own {before[code]:.4f}): expect little or no gain from it")
    return notes
