"""Quality estimates from perplexity: how good a model's glosses of a language will be.

Calibration fits each metric (MER, segmentation F1) against dev perplexity
over languages, one point a language, as a line: metric = intercept + slope
x perplexity, the published form (REFERENCE.md 4). A model folder stores the
fit (model/quality.py writes it) in the published layout and in
igt_tools.json with its r^2, number of languages and perplexity range. A
folder whose published tables have no such record uses the published fit as
it is (its r^2 not recorded).

A prediction is only as good as its fit: from fewer than MIN_LANGUAGES
languages, or with r^2 below MIN_R2, it is unreliable, and said so instead
of given as a number; outside the perplexities it was fitted on, it is
extrapolated. Plain arithmetic: no torch, no model folder read here (the
folder's tables come in as a ModelMetadata).
"""

import math
from dataclasses import dataclass

from .corpus import ALL

# exp() overflows past a loss of 709: a larger loss (a model that has learnt
# nothing) gets the perplexity of 700, so that the figure stays a finite JSON number.
LARGEST_LOSS = 700


def perplexity(loss):
    """The perplexity of a mean per-token loss (natural log), or None without one."""
    if loss is None:
        return None
    return math.exp(min(loss, LARGEST_LOSS))


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
    """{metric: Fit} a model folder carries (its ModelMetadata): regressions.csv, with igt_tools.json's
    record of it if ours."""
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


class CalibrationRefused(ValueError):
    """A calibration that cannot be made or stored; the command says it as a usage error."""


def estimate_notes(figures, model_name):
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


TABLE_COLUMNS = ("ppl", "pred MER")


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
