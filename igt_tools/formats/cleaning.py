"""igt-clean's work: read IGT in any supported format, normalise it, audit it.

Normalisation (what "clean" means here):
- every canonical text field: Unicode NFC, any run of whitespace (tabs,
  newlines, no-break spaces) one space, no space at the ends; an empty field
  becomes null.
- the translation only: no space before `. , ; : ! ?` and closing brackets,
  none after opening brackets (`do .` -> `do.`, `( so )` -> `(so)`). The
  transcription, segmentation and glosses keep their word tokens exactly:
  alignment and the metrics depend on them.
- a missing `id` becomes PREFIX-N (N: the record's place in its file, so ids
  do not move when other records are dropped); missing language fields are
  filled from the defaults given, then from a language map.
- with a tag map, the user's tags in the glosses become the model's.

Audit: exact duplicates (same transcription, glosses and glottocode, after
normalisation) are dropped and counted; records whose segmentation and glosses
differ in word or morpheme counts get an `issues` entry, or are dropped and
counted with drop_misaligned.
"""

import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import DataError, RecordError
from ..core.interleaved import Misaligned, aligned_words
from ..core.io import STDIN_NAMES, source_name
from ..core.record import CANONICAL_FIELDS, TEXT_FIELDS
from .registry import EXTENSIONS, SNIFFED, guess_format, read_input

LANGUAGE_MAP_NAME = "language_map.json"
MISALIGNED = "misaligned: "
NO_LANGUAGE = "(unknown)"  # the audit's row of the records with neither glottocode nor language

_SPACE_BEFORE = re.compile(r" (?=[.,;:!?)\]}])")
_SPACE_AFTER = re.compile(r"(?<=[(\[{]) ")
_ISO = re.compile(r"[a-z]{2,3}")
# A word that might be punctuation only: no letter or digit (\w less `_`, which is punctuation).
_PUNCTUATION_WORD = re.compile(r"(?<!\S)(?:[^\w\s]|_)+(?!\S)")


# --- normalisation ---------------------------------------------------------------


def normalise_text(value):
    """NFC, whitespace collapsed, ends stripped; '' -> None."""
    # str.split() splits on the same Unicode whitespace as \s, and is faster than a regex.
    return " ".join(unicodedata.normalize("NFC", value).split()) or None


def tidy_translation(value):
    """No space before closing punctuation, none after opening brackets."""
    return _SPACE_AFTER.sub("", _SPACE_BEFORE.sub("", value))


def normalise(record):
    """The record's canonical text fields normalised in place (other fields untouched)."""
    for name in TEXT_FIELDS:
        value = record.get(name)
        if isinstance(value, str):
            value = normalise_text(value)
            if name == "translation" and value is not None:
                value = tidy_translation(value)
            record[name] = value
    if isinstance(record.get("id"), str):
        record["id"] = normalise_text(record["id"])
    return record


def alignment_issues(record):
    """['misaligned: ...'] when segmentation and glosses differ in word or morpheme counts, else []."""
    segmentation, glosses = record.get("segmentation"), record.get("glosses")
    if segmentation is None or glosses is None:
        return []
    if _plainly_aligned(segmentation, glosses):
        return []
    try:
        aligned_words(segmentation, glosses)
    except Misaligned as err:
        return [MISALIGNED + str(err)]
    return []


def _plainly_aligned(segmentation, glosses):
    """A fast yes for most records (the audit's hot spot): no punctuation-only word to drop,
    and the same number of words and of boundaries in each. No means: ask aligned_words."""
    if _PUNCTUATION_WORD.search(segmentation) or _PUNCTUATION_WORD.search(glosses):
        return False
    seg_words, gloss_words = segmentation.split(), glosses.split()
    if len(seg_words) != len(gloss_words):
        return False
    return all(s.count("-") + s.count("=") == g.count("-") + g.count("=") for s, g in zip(seg_words, gloss_words))


def check_issues(record, location):
    """`issues` is igt-clean's own field: a list, or absent."""
    if not isinstance(record.get("issues") or [], list):
        raise RecordError('field "issues" must be a list', location.source, location.line)


def canonical_order(record):
    """Canonical fields first (null when missing), then the others as they came, `issues` last."""
    out = {name: record.get(name) for name in CANONICAL_FIELDS}
    for name, value in record.items():
        if name not in out and name != "issues":
            out[name] = value
    if record.get("issues"):
        out["issues"] = record["issues"]
    return out


# --- languages -------------------------------------------------------------------


def load_language_map(path):
    """ISO 639-3 -> glottocode, from a JSON object or a `glottocode,isocode` CSV."""
    import csv

    name = str(path)
    try:
        with open(path, encoding="utf-8") as stream:
            if name.endswith(".csv"):
                return {row["isocode"]: row["glottocode"] for row in csv.DictReader(stream) if row.get("isocode")}
            mapping = json.load(stream)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError) as err:
        raise DataError(f"cannot read the language map: {err}", name) from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise DataError("the language map must be a JSON object of ISO code -> glottocode", name)
    return mapping


def file_glottocode(path, mapping):
    """The glottocode a file's name gives: `abk.txt` (ODIN), `ddo-dev-track2-uncovered` (shared task),
    or `aer-are.txt` when every code in it maps to the same glottocode; else None."""
    stem = _stem(path)
    if stem in mapping:
        return mapping[stem]
    parts = stem.split("-")
    if all(_ISO.fullmatch(p) for p in parts):
        found = {mapping.get(p) for p in parts}
        return found.pop() if len(found) == 1 else None
    return mapping.get(parts[0])


def _stem(path):
    name = Path(path).name
    suffix = Path(name).suffix
    known = suffix.lower() in EXTENSIONS or suffix.lower() in SNIFFED
    return name[: -len(suffix)] if suffix and known else name


def default_id_prefix(path):
    return "stdin" if path in STDIN_NAMES else _stem(path)


def numbered_id(prefix, number):
    """The id of a record without one: PREFIX-N, N its place in its file (from 1)."""
    return f"{prefix}-{number}"


def assigned_id(record, default):
    """The id igt-clean gives a record: its own (whitespace normalised), else `default`."""
    own = record.get("id")
    if isinstance(own, str):
        own = normalise_text(own)
    return own if own is not None else default


# --- the cleaner -----------------------------------------------------------------


@dataclass
class Options:
    fmt: str = None  # None: guessed per file
    markers: object = None  # Toolbox markers (see formats.toolbox.parse_markers)
    encoding: str = None  # of marker text and CLDF tables; None: UTF-8 (CLDF: as its metadata says)
    id_prefix: str = None
    language: str = None
    glottocode: str = None
    metalanguage: str = None
    source: str = None
    language_map: str = None  # path; None: language_map.json beside each input, if any
    drop_misaligned: bool = False
    tagmap: str = None  # path of a model -> user tag map, applied backwards (user tags -> the model's)


@dataclass
class Audit:
    """What happened to the records, overall and per language."""

    read: int = 0
    written: int = 0
    duplicates: int = 0
    misaligned: int = 0  # flagged and kept
    dropped_misaligned: int = 0
    bad: int = 0
    untiered: int = 0  # written without segmentation or glosses: text or translation only
    by_language: dict = field(default_factory=lambda: defaultdict(Counter))

    def count(self, record, what):
        setattr(self, what, getattr(self, what) + 1)
        key = record.get("glottocode") or record.get("language") or NO_LANGUAGE
        self.by_language[key][what] += 1


class Cleaner:
    """Cleans the inputs one after another; duplicates are found across all of them."""

    def __init__(self, options, bad=None):
        self.options = options
        self.bad = bad
        self.audit = Audit()
        self._seen = set()  # 16-byte digests: memory stays small on big corpora
        self._shared_number = 0  # with one --id-prefix for all inputs, numbers run on
        self._maps = {}
        self.tagmap = None
        if options.tagmap is not None:
            from ..core.tagmap import TagMap

            self.tagmap = TagMap.load(options.tagmap, reverse=True)

    def run(self, paths):
        """Yield clean records from all inputs, in order; an input with no records at all is an error."""
        paths = list(paths) or ["-"]
        for path in paths:
            yield from self.clean_input(path)
        if self.bad is not None:
            self.audit.bad = self.bad.count
        if self.audit.read == 0 and self.audit.bad == 0:
            raise DataError("empty input: no records", ", ".join(source_name(p) for p in paths))

    def clean_input(self, path):
        fmt = self.options.fmt or guess_format(path)
        prefix = self.options.id_prefix or default_id_prefix(path)
        defaults = {
            "language": self.options.language,
            "glottocode": self.options.glottocode or self._mapped_glottocode(path),
            "metalanguage": self.options.metalanguage,
            "source": self.options.source or (None if path in STDIN_NAMES else Path(path).name),
        }
        bad_before = self.bad.count if self.bad is not None else 0
        records = read_input(path, fmt, self.bad, self.options.markers, self.options.encoding, self.options.metalanguage)
        for number, (location, record) in enumerate(records, 1):
            # Records skipped as bad keep their place, so ids do not move when the file is fixed.
            number += (self.bad.count - bad_before) if self.bad is not None else 0
            if self.options.id_prefix:
                self._shared_number += 1
                number = self._shared_number
            try:
                check_issues(record, location)
            except RecordError as err:
                if self.bad is None:
                    raise
                self.bad.handle(err, json.dumps(record, ensure_ascii=False))
                continue
            cleaned = self.clean(record, numbered_id(prefix, number), defaults)
            if cleaned is not None:
                yield cleaned

    def clean(self, record, default_id, defaults):
        """The clean record, or None when the audit drops it (counted)."""
        normalise(record)
        record["id"] = assigned_id(record, default_id)
        if self.tagmap is not None:
            self.tagmap.map_record(record)
        for name, value in defaults.items():
            if record.get(name) is None and value is not None:
                record[name] = value
        self.audit.count(record, "read")
        record = self._flag(record)
        misaligned = any(isinstance(i, str) and i.startswith(MISALIGNED) for i in record.get("issues") or ())
        # Dropped misaligned records leave no hash, so a well-aligned copy of them still gets through.
        if misaligned and self.options.drop_misaligned:
            self.audit.count(record, "dropped_misaligned")
            return None
        if self._is_duplicate(record):
            self.audit.count(record, "duplicates")
            return None
        if misaligned:
            self.audit.count(record, "misaligned")
        self.audit.count(record, "written")
        if record.get("segmentation") is None and record.get("glosses") is None:
            self.audit.untiered += 1
        return canonical_order(record)

    def _flag(self, record):
        """Refresh the record's misalignment issue (a record cleaned twice gets it once)."""
        issues = [i for i in record.get("issues") or [] if not (isinstance(i, str) and i.startswith(MISALIGNED))]
        issues += alignment_issues(record)
        if issues:
            record["issues"] = issues
        else:
            record.pop("issues", None)
        return record

    def _is_duplicate(self, record):
        transcription, glosses = record.get("transcription"), record.get("glosses")
        if transcription is None and glosses is None:
            return False  # nothing to compare: not a copy of anything
        # \x00 separates the fields and \x01 stands for null: neither occurs in glossed text.
        key = "\x00".join("\x01" if v is None else v for v in (transcription, glosses, record.get("glottocode")))
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
        if digest in self._seen:
            return True
        self._seen.add(digest)
        return False

    def _mapped_glottocode(self, path):
        if self.options.language_map is not None:
            map_path = Path(self.options.language_map)
        elif path in STDIN_NAMES:
            return None
        else:
            map_path = Path(path).parent / LANGUAGE_MAP_NAME
            if not map_path.is_file():
                return None
        if map_path not in self._maps:
            self._maps[map_path] = load_language_map(map_path)
        return None if path in STDIN_NAMES else file_glottocode(path, self._maps[map_path])


# --- the summary -----------------------------------------------------------------

COLUMNS = ("read", "written", "duplicates", "misaligned", "dropped_misaligned")
HEADINGS = ("read", "written", "duplicates", "misaligned (kept)", "misaligned (dropped)")


def summary_lines(audit, most=None):
    """The plain-text summary: totals, then one line per language (the `most` largest)."""
    lines = [
        f"read {audit.read:,} records, wrote {audit.written:,}; "
        f"dropped {audit.duplicates:,} duplicates, {audit.dropped_misaligned:,} misaligned, {audit.bad:,} bad; "
        f"{audit.misaligned:,} misaligned kept (see their \"issues\")"
        + (f"; {audit.untiered:,} without segmentation or glosses (text or translation only)" if audit.untiered else "")
    ]
    rows = language_rows(audit)
    shown = rows if most is None else rows[:most]
    if shown:
        width = max(len("language"), *(len(r[0]) for r in shown))
        widths = [max(len(h), *(len(f"{r[i]:,}") for r in shown)) for i, h in enumerate(HEADINGS, 1)]
        lines.append(f"{'language':<{width}}  " + "  ".join(f"{h:>{w}}" for h, w in zip(HEADINGS, widths)))
        for name, *counts in shown:
            lines.append(f"{name:<{width}}  " + "  ".join(f"{c:>{w},}" for c, w in zip(counts, widths)))
    if len(shown) < len(rows):
        lines.append(f"... and {len(rows) - len(shown):,} more languages (--all-languages lists them)")
    return lines


def language_rows(audit):
    """[(language, read, written, ...)], the largest first."""
    rows = [(name, *(c[k] for k in COLUMNS)) for name, c in audit.by_language.items()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))
