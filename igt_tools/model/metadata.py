"""What a model folder says about itself: `igt_tools.json`, plus the published quality tables.

A folder that igt-train wrote carries `igt_tools.json` (task format, prompt
set, languages seen, dev loss and perplexity per language, training data
digest). A published checkpoint has none: it defaults to the interleaved task
with the PolyGloss prompts. Published folders may also carry
`lang_perplexities.csv` and `regressions.csv` (REFERENCE.md section 4), which
are read as they are, for quality estimates.

No torch here: reading metadata must stay cheap.
"""

import csv
import functools
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..core.errors import DataError
from ..examples.context import Settings as RetrievalSettings
from ..metrics.calibration import perplexity

FILENAME = "igt_tools.json"
PERPLEXITIES_CSV = "lang_perplexities.csv"
REGRESSIONS_CSV = "regressions.csv"
FORMAT_VERSION = 1

# ModelMetadata fields that igt_tools.json does not hold
NOT_STORED = ("from_file", "tables_folder", "extra", "weights_digest", "base")

DEFAULT_TASK = "interleaved"
DEFAULT_PROMPTS = "polygloss"


@dataclass
class LanguageScore:
    """Dev-set figures for one language (glottocode)."""

    examples: int
    tokens: int
    loss: float

    @property
    def perplexity(self):
        return perplexity(self.loss)


@dataclass
class ModelMetadata:
    task: str = DEFAULT_TASK
    prompts: str = DEFAULT_PROMPTS
    # "sentence" (one example per record; published checkpoints), "word" (igt-format --unit word)
    # or "context" (--unit context: a word with its neighbours and the lexicon's evidence)
    unit: str = "sentence"
    # A context model's input settings (examples/context.py's Settings: format, neighbours, ...), as trained
    retrieval: dict = None
    # glottocode -> training examples seen (per epoch)
    languages: dict = field(default_factory=dict)
    dev_loss: float = None
    # glottocode -> LanguageScore
    dev_languages: dict = field(default_factory=dict)
    data_digest: str = None
    version: str = None
    # preset name ("tiny", "small", "base") or the model it was fine-tuned from
    init: str = None
    max_input_tokens: int = 1024
    max_label_tokens: int = 1024
    # free-form facts about the run: steps, epochs, seconds, options
    training: dict = field(default_factory=dict)
    # An igt-lora adapter folder's: {base, base_digest, rank, alpha, dropout, target_modules, ...}
    adapter: dict = None
    # What igt-score --calibrate fitted: {"metrics": {metric: {slope, intercept, r2, languages,
    # perplexity_range}}, "languages": {glottocode: {perplexity, tokens, metric values}}}
    calibration: dict = None
    # Not stored in igt_tools.json: whether that file existed, and the folder of the published
    # tables, read only when asked for (a broken table must not stop a run that does not use it).
    from_file: bool = field(default=False, compare=False)
    tables_folder: Path = field(default=None, compare=False, repr=False)
    # Set by loading when asked: the digest of the weights; and, for an adapter, its base's metadata.
    weights_digest: str = field(default=None, compare=False, repr=False)
    base: "ModelMetadata" = field(default=None, compare=False, repr=False)
    # keys of igt_tools.json this version does not know, kept on rewrite
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def retrieval_settings(self):
        """A context model's input settings as examples/context.py's Settings (the defaults where
        none are recorded); ValueError where the recorded ones are malformed (read() checks)."""
        return RetrievalSettings.from_dict(self.retrieval)

    @property
    def dev_perplexity(self):
        return perplexity(self.dev_loss)

    @property
    def trained_examples(self):
        """glottocode -> training examples, an adapter's base model's and its own together."""
        counts = Counter()
        for trained in (self.base, self):
            if trained is not None:
                counts.update(trained.languages or {})
        return dict(counts)

    # -- reading and writing -------------------------------------------------

    @classmethod
    def read(cls, folder):
        """The folder's metadata; defaults where there is no igt_tools.json."""
        folder = Path(folder)
        path = folder / FILENAME
        meta = cls()
        if path.is_file():
            meta = cls.from_dict(_read_json(path))
            meta.from_file = True
            try:
                meta.retrieval_settings  # checked once here, so that every command's error is one line
            except ValueError as err:
                raise DataError(f"retrieval: {err}", str(path)) from None
        meta.tables_folder = folder
        return meta

    @classmethod
    def from_dict(cls, data, source=FILENAME):
        if not isinstance(data, dict):
            raise DataError("expected a JSON object", source)
        known = {f.name for f in fields(cls)} - set(NOT_STORED)
        values = {k: v for k, v in data.items() if k in known}
        values["dev_languages"] = {
            code: LanguageScore(int(s["examples"]), int(s["tokens"]), float(s["loss"]))
            for code, s in (data.get("dev_languages") or {}).items()
        }
        extra = {k: v for k, v in data.items() if k not in known and k not in ("format_version", "dev_perplexity")}
        return cls(**values, extra=extra)

    def to_dict(self):
        data = {"format_version": FORMAT_VERSION}
        for f in fields(self):
            if f.name in NOT_STORED + ("dev_languages",):
                continue
            if f.name in ("adapter", "calibration") and getattr(self, f.name) is None:
                continue  # a model folder's file says nothing of what it is not
            data[f.name] = getattr(self, f.name)
        data["dev_perplexity"] = self.dev_perplexity
        data["dev_languages"] = {
            code: {**asdict(score), "perplexity": score.perplexity}
            for code, score in sorted(self.dev_languages.items())
        }
        data.update(self.extra)
        return data

    def write(self, folder):
        """Write igt_tools.json into `folder` (atomically: a reader never sees half a file)."""
        path = Path(folder) / FILENAME
        tmp = path.with_suffix(".json.tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(self.to_dict(), out, ensure_ascii=False, indent=2, sort_keys=False)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename: igt_tools.json last marks a published model
        os.replace(tmp, path)

    # -- published quality estimates -----------------------------------------

    @functools.cached_property
    def lang_perplexities(self):
        """Rows of the folder's lang_perplexities.csv, or None."""
        path = self.tables_folder and Path(self.tables_folder) / PERPLEXITIES_CSV
        return read_perplexities(path) if path and path.is_file() else None

    @functools.cached_property
    def regressions(self):
        """{metric: (slope, intercept)} from the folder's regressions.csv, or None."""
        path = self.tables_folder and Path(self.tables_folder) / REGRESSIONS_CSV
        return read_regressions(path) if path and path.is_file() else None

    def predict(self, metric, perplexity_value):
        """A metric predicted from perplexity by the published regression, or None."""
        if not self.regressions or metric not in self.regressions or perplexity_value is None:
            return None
        slope, intercept = self.regressions[metric]
        return intercept + slope * perplexity_value


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read: {err}", str(path)) from None
    except json.JSONDecodeError as err:
        raise DataError(f"invalid JSON: {err.msg}", str(path), err.lineno) from None


def _number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return text
    return int(value) if value.is_integer() and "." not in str(text) and "e" not in str(text).lower() else value


def read_perplexities(path):
    """Rows of lang_perplexities.csv as dicts, numbers converted; columns as published."""
    with open(path, encoding="utf-8", newline="") as f:
        return [{k.strip(): _number(v) for k, v in row.items() if k} for row in csv.DictReader(f)]


def read_regressions(path):
    """regressions.csv -> {metric: (slope, intercept)}."""
    table = {}
    with open(path, encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                table[row["metric"].strip()] = (float(row["slope"]), float(row["intercept"]))
            except (KeyError, TypeError, ValueError, AttributeError):
                raise DataError("expected columns metric,slope,intercept with numbers", str(path), line) from None
    return table
