"""Quality estimates from perplexity: how good a model's glosses of a language will be.

Calibration fits each metric (MER, segmentation F1) against dev perplexity
over languages, one point a language, as a line: metric = intercept + slope
x perplexity, the published form (REFERENCE.md 4). The fit is stored in the
model folder in the published layout (regressions.csv: metric, slope,
intercept; lang_perplexities.csv: glottocode, language, perplexity and the
numbers of tokens, morphemes and words), which the published checkpoints'
own code reads, and in igt_tools.json with its r^2, number of languages
and perplexity range. A folder whose published tables have no such record
uses the published fit as it is (its r^2 not recorded).

A prediction is only as good as its fit: from fewer than MIN_LANGUAGES
languages, or with r^2 below MIN_R2, it is unreliable, and said so instead
of given as a number; outside the perplexities it was fitted on, it is
extrapolated. No torch here.
"""

import math
import os
from dataclasses import dataclass
from pathlib import Path

from ..metrics import ALL
from .metadata import PERPLEXITIES_CSV, REGRESSIONS_CSV, ModelMetadata

# metric name in regressions.csv -> where igt-score's figures of a group hold it
METRICS = {
    "morphemes_error_rate": ("glossing", "morphemes", "error_rate"),
    "segmentation_f1": ("segmentation", "f1"),
}
MER = "morphemes_error_rate"
MIN_LANGUAGES = 4
MIN_R2 = 0.5
OURS = "igt-score --calibrate"
PUBLISHED = "published"


@dataclass
class Fit:
    metric: str
    slope: float
    intercept: float
    r2: float = None  # None: not recorded (a published table), or undefined (no variance)
    languages: int = None
    low: float = None  # the perplexities fitted on
    high: float = None
    source: str = OURS

    @property
    def problem(self):
        """Why predictions from this fit are not to be trusted, or None."""
        if self.languages is None:
            return "fitted on an unknown number of languages"
        if self.languages < MIN_LANGUAGES:
            return f"fitted on {self.languages} language(s), fewer than {MIN_LANGUAGES}"
        if self.r2 is None and self.source == OURS:
            return "the languages' figures do not vary: no fit"
        if self.r2 is not None and self.r2 < MIN_R2:
            return f"a weak fit, r^2 {self.r2:.2f} < {MIN_R2}"
        return None

    def estimate(self, perplexity):
        """The prediction for data of this perplexity, with what it rests on."""
        raw = self.intercept + self.slope * perplexity
        extrapolated = self.low is not None and not self.low <= perplexity <= self.high
        return {"predicted": min(1.0, max(0.0, raw)), "r2": self.r2, "languages": self.languages,
                "reliable": self.problem is None, "problem": self.problem,
                "extrapolated": extrapolated, "source": self.source}

    def to_dict(self):
        return {"slope": self.slope, "intercept": self.intercept, "r2": self.r2, "languages": self.languages,
                "perplexity_range": [self.low, self.high]}


def fit_line(points):
    """(slope, intercept, r2) of the least-squares line through [(x, y)]; r2 None where y does not vary."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    syy = sum((y - mean_y) ** 2 for _, y in points)
    slope = sxy / sxx if sxx > 0 else 0.0
    intercept = mean_y - slope * mean_x
    residual = sum((y - intercept - slope * x) ** 2 for x, y in points)
    r2 = 1 - residual / syy if syy > 0 and sxx > 0 else None
    return slope, intercept, r2


def metric_value(group_figures, metric):
    value = group_figures
    for key in METRICS[metric]:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def calibrate(languages):
    """{metric: Fit} over languages {glottocode: {"perplexity", metric: value}}; metrics need 2 languages."""
    fits = {}
    for metric in METRICS:
        points = [(row["perplexity"], row[metric]) for row in languages.values()
                  if row.get(metric) is not None and row.get("perplexity") is not None
                  and math.isfinite(row["perplexity"])]
        if len(points) < 2:
            continue
        slope, intercept, r2 = fit_line(points)
        xs = [x for x, _ in points]
        fits[metric] = Fit(metric, slope, intercept, r2, len(points), min(xs), max(xs))
    return fits


def fits_of(metadata):
    """{metric: Fit} a model folder carries: regressions.csv, with igt_tools.json's record of it if ours."""
    table = metadata.regressions or {}
    recorded = ((metadata.calibration or {}).get("metrics") or {})
    published_languages = len(metadata.lang_perplexities) if metadata.lang_perplexities else None
    fits = {}
    for metric, (slope, intercept) in table.items():
        ours = recorded.get(metric)
        if ours and (ours.get("slope"), ours.get("intercept")) == (slope, intercept):
            low, high = ours.get("perplexity_range") or (None, None)
            fits[metric] = Fit(metric, slope, intercept, ours.get("r2"), ours.get("languages"), low, high, OURS)
        else:
            fits[metric] = Fit(metric, slope, intercept, None, published_languages, source=PUBLISHED)
    return fits


def estimates(metadata, perplexity):
    """{metric: estimate} for data of this perplexity by the folder's fits ({} without any)."""
    if perplexity is None or not math.isfinite(perplexity):
        return {}
    return {metric: fit.estimate(perplexity) for metric, fit in fits_of(metadata).items()}


def has_published_tables(metadata):
    """Tables a calibration would overwrite that it did not write."""
    return bool(metadata.regressions) and any(fit.source == PUBLISHED for fit in fits_of(metadata).values())


def write_calibration(folder, languages, fits):
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
    metadata.write(folder)


def describe(metric, estimate):
    """One line for stderr: the prediction, or why there is none to trust."""
    name = "MER" if metric == MER else metric.replace("_", " ")
    if not estimate["reliable"]:
        return f"predicted {name}: unreliable ({estimate['problem']})"
    r2 = "r^2 not recorded" if estimate["r2"] is None else f"r^2 {estimate['r2']:.2f}"
    line = f"predicted {name} {estimate['predicted']:.3f} ({r2}, {estimate['languages']} languages"
    if estimate["source"] == PUBLISHED:
        line += ", the published fit"
    line += ")"
    if estimate["extrapolated"]:
        line += "; extrapolated beyond the perplexities it was fitted on"
    return line


def _cell(text):
    """A cell the published code's plain split(",") reads: no commas, quotes or line breaks."""
    return " ".join(str(text).replace(",", " ").replace('"', "").split())


def _write_text(path, text):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# -- igt-score --model ---------------------------------------------------------

TABLE_COLUMNS = ("ppl", "pred MER")
PERPLEXITY_BATCH_TOKENS = {"cpu": 16384, "cuda": 131072}


def add_model_figures(figures, records, model_name, adapter=None, calibrate_folder=None):
    """Put the model's figures into igt-score's, per group: {"model": {perplexity, ..., "estimates"}}.

    `records`: the gold [(group or None, record)]. With `calibrate_folder`
    (the model's own folder), first fit and store a calibration from these
    groups. Returns notes for stderr.
    """
    import torch

    from .loading import load_model
    from .perplexity import gold_perplexities

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model, tokenizer, metadata = load_model(model_name, device=device, adapter=adapter)
    per_group = gold_perplexities(model, tokenizer, metadata, records, PERPLEXITY_BATCH_TOKENS[device], device)
    for name, group in figures.items():
        group["model"] = per_group[name]
    notes = []
    calibrated = metadata.base or metadata  # an adapter's estimates come from its model's calibration
    if calibrate_folder is not None:
        notes += _calibrate(figures, records, calibrated, calibrate_folder)
        calibrated = ModelMetadata.read(calibrate_folder)
    for group in figures.values():
        group["model"]["estimates"] = estimates(calibrated, group["model"]["perplexity"])
    return notes + _estimate_notes(figures, model_name)


def _calibrate(figures, records, metadata, folder):
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
    write_calibration(folder, languages, fits)
    notes = []
    for metric, fit in fits.items():
        r2 = "r^2 undefined" if fit.r2 is None else f"r^2 {fit.r2:.3f}"
        sign = "-" if fit.slope < 0 else "+"
        notes.append(f"calibration: {metric} = {fit.intercept:.4f} {sign} {abs(fit.slope):.4f} x perplexity ({r2}, "
                     f"{fit.languages} languages) written to {Path(folder) / REGRESSIONS_CSV}")
    return notes


class CalibrationRefused(ValueError):
    """A calibration that cannot be made or stored; the command says it as a usage error."""


def _estimate_notes(figures, model_name):
    overall = figures[ALL]["model"]["estimates"]
    if MER not in overall:
        if figures[ALL]["model"]["perplexity"] is None:
            return ["no perplexity: no gold record gave the model a label"]
        return [f"no predicted MER: {model_name} has no calibration (igt-score --model {model_name} --calibrate, on "
                "dev data of several languages, makes one)"]
    estimate = overall[MER]
    if not estimate["reliable"]:
        return [f"predicted MER unreliable: {estimate['problem']}"]
    r2 = "r^2 not recorded" if estimate["r2"] is None else f"r^2 {estimate['r2']:.2f}"
    notes = [f"pred MER: predicted from perplexity by a fit on {estimate['languages']} languages ({r2})"]
    if any(g["model"]["estimates"].get(MER, {}).get("extrapolated") for g in figures.values()):
        notes.append("pred MER *: extrapolated beyond the perplexities the fit was made on")
    return notes


def table_cells(group):
    """The model's cells of igt-score's table for one group: perplexity and predicted MER."""
    model = group.get("model") or {}
    perplexity = "-" if model.get("perplexity") is None else f"{model['perplexity']:.3f}"
    estimate = (model.get("estimates") or {}).get(MER)
    if estimate is None:
        return perplexity, "-"
    if not estimate["reliable"]:
        return perplexity, "unreliable"
    return perplexity, f"{estimate['predicted']:.3f}" + ("*" if estimate["extrapolated"] else "")
