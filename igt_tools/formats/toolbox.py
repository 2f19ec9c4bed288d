"""Toolbox/Shoebox interlinear text (SFM), as Toolbox saves and exports it.

    \\_sh v3.0  400  Text
    \\id Kaka_01
    \\ref Kaka_01.001
    \\tx kamwali       ekoni.
    \\mb ka-  mwali    e-  koni
    \\ge 3SG- house    PL- tree
    \\ft his house, the trees.

What the reader copes with:
- the markers: those named (--markers), else the standard set the file uses,
  Toolbox's `\\tx \\mb \\ge \\ft` or Shoebox's `\\t \\m \\g` with `\\ft`, `\\fe`
  or `\\f`; a file with neither gets a one-line error proposing a --markers line.
- records start at the record marker (`\\ref`, or `\\rf`), whose value becomes `id`.
  `\\id` names the text (field `text_id`), or, where no `\\ref` follows it
  before the tiers, is itself the record marker and key. Files with neither
  are split at blank lines. `\\_sh` and other `\\_` header lines are skipped,
  and so is text after them before the first marker. A database whose first
  marker is none of these (`\\ti` in a TextBankis) starts each text's header
  with it: that header is no part of the record before it.
- lines end at LF, CRLF or (classic Mac OS) CR; damaged UTF-8 lines are read
  and reported (see sfm.marker_lines).
- a long record wraps into several interlinear bundles (`\\tx \\mb \\ge`
  again, often after a blank line): they are joined into one record.
- a line without a marker continues the field above it.
- Toolbox puts each morpheme in its own column, with the boundary on the
  affix (`ka-`, `-na`, `=ri`): morphemes are grouped into words by the columns
  of the transcription words, or, where the columns do not line up (edited
  by hand), by their boundary symbols. Each gloss belongs to the morpheme in
  whose column it starts; a gloss of several words (`come out`) becomes one
  token joined by `.` (the Leipzig convention), so counts stay honest; so
  does a bracketed gloss (`[place name]`). A boundary in a column of its own
  (`wa - mea`, `back - upside`) joins the token after it, in both tiers.
  Morphemes written without boundaries (`asina m` under `asina-m`) are
  grouped by the transcription words they spell.
- any other marker `\\xx` becomes a field `xx` (repeats joined by a space): so
  do the gloss tiers not picked by the markers (`\\gr`, `\\gf` beside `\\ge`).
- files in another encoding than UTF-8 (Latin-1) are read with `encoding`.
Records with none of the tier markers (text headers) are not examples and
yield nothing.
"""

import re
from dataclasses import dataclass

from ..core.errors import DataError, RecordError
from ..core.io import STDIN_NAMES, source_name
from ..core.tokens import is_punctuation
from .morphemes import BOUNDARIES, attach_affixes, glue_morphemes, is_detached
from .sfm import marker_line, marker_lines, raw_lines, raw_text, split_marker

TIERS = ("transcription", "segmentation", "glosses", "translation")
DEFAULT_MARKERS = {"transcription": "tx", "segmentation": "mb", "glosses": "ge", "translation": "ft"}
# Shoebox's older set; the free translation sits in \ft, \fe or \f (the first the file has).
SHOEBOX_MARKERS = {"transcription": "t", "segmentation": "m", "glosses": "g"}
SHOEBOX_TRANSLATIONS = ("ft", "fe", "f")
RECORD_MARKER = "ref"
RECORD_MARKERS = (RECORD_MARKER, "rf")  # \rf: the short form some databases use (TextBankis)
TEXT_MARKER = "id"
_TOKEN = re.compile(r"\S+")
_PUNCTUATION = ".,;:!?\"'()[]«»“”‘’¿¡…"
_MARKER_NAME = re.compile(rb"\\([^\s\\]+)")


def parse_markers(spec=None):
    """Markers for the four tiers: None (the defaults), a dict {tier: marker},
    'tx,mb,ge,ft' (in tier order; an empty place means no such tier) or
    'transcription=tx,glosses=ge' (unnamed tiers keep their defaults).

    Raises ValueError with a message fit for a usage error.
    """
    if spec is None:
        return dict(DEFAULT_MARKERS)
    if isinstance(spec, str):
        parts = [p.strip() for p in spec.split(",")]
        if any("=" in p for p in parts):
            pairs = [p.split("=", 1) for p in parts if p]
            if any(len(p) != 2 for p in pairs):
                raise ValueError(f"cannot read markers {spec!r}: use TIER=MARKER pairs or tx,mb,ge,ft")
            spec = dict(DEFAULT_MARKERS, **{k.strip(): v.strip() for k, v in pairs})
        else:
            if len(parts) > len(TIERS):
                raise ValueError(f"at most {len(TIERS)} markers ({','.join(TIERS)}), got {len(parts)}")
            spec = dict(zip(TIERS, parts))
    unknown = set(spec) - set(TIERS)
    if unknown:
        raise ValueError(f"unknown tier {sorted(unknown)[0]!r}; tiers are {', '.join(TIERS)}")
    markers = {tier: marker.lstrip("\\") for tier, marker in spec.items() if marker and marker.lstrip("\\")}
    names = list(markers.values())
    if len(set(names)) != len(names):
        raise ValueError("two tiers cannot share one marker")
    if {*RECORD_MARKERS, TEXT_MARKER} & set(names):
        raise ValueError(" ".join("\\" + m for m in (*RECORD_MARKERS, TEXT_MARKER)) + " are record markers, not tiers")
    return markers


# --- reading --------------------------------------------------------------------


def file_markers(path, markers=None):
    """The markers to read a file with: those named, else the standard set the file uses
    (Toolbox's \\tx \\mb \\ge \\ft, or Shoebox's \\t \\m \\g with \\ft, \\fe or \\f), found
    by a first pass over a named file (stdin: Toolbox's)."""
    if markers is not None or path in STDIN_NAMES:
        return parse_markers(markers)
    names = set()
    for _, raw in raw_lines(path):
        match = _MARKER_NAME.match(raw)
        if match is not None:
            names.add(match.group(1).decode("latin-1"))  # marker names are ASCII
    return _standard_markers(names) or parse_markers(None)


def _standard_markers(names):
    """Shoebox's marker set where a file's marker `names` are its, else None (Toolbox's is the default)."""
    if "tx" not in names and "t" in names and names & {"m", "g", *SHOEBOX_TRANSLATIONS}:
        translation = next((m for m in SHOEBOX_TRANSLATIONS if m in names), SHOEBOX_TRANSLATIONS[-1])
        return dict(SHOEBOX_MARKERS, translation=translation)
    return None


def read_toolbox(path, markers=None, bad=None, encoding="utf-8"):
    """Yield (Location, record) for each record of one Toolbox file (or '-' for stdin).

    A file with markers but none of the tier markers is an error (wrong --markers), not empty.
    """
    for location, record, _ in read_records(path, markers, bad, encoding):
        yield location, record


def read_records(path, markers=None, bad=None, encoding="utf-8"):
    """Yield (Location, record, lines) for each record: `lines`, its [(Location, text)], are for writers that patch the file."""
    markers = file_markers(path, markers)
    text_id, record_lines, by_ref = None, [], False
    # After an \id, until a \ref or a tier says which: is it a text's name or (no \ref) the record's key?
    pending_id = keyed_id = None
    yielded, seen = 0, set()
    tiers = set(markers.values())
    # The first marker of a database (after its \_sh header) starts each of its records (\ti in a TextBankis):
    # where it is no tier nor \ref or \id, it starts a text's header, as \id does.
    header_marker = None
    first_record, refs = [], 0  # the markers of the first \ref record, to propose --markers

    def finish():
        if not record_lines:
            return None
        try:
            record = _record(record_lines, markers)
        except RecordError as err:
            if bad is None:
                raise
            bad.handle(err, raw_text(record_lines))
            return None
        if record is not None and keyed_id is not None:
            record.setdefault("id", keyed_id)
        elif record is not None and text_id is not None:
            record.setdefault("text_id", text_id)
        return record

    for location, text in marker_lines(path, encoding):
        parsed = split_marker(text)
        name = parsed[0] if parsed else None
        if name is not None and name.startswith("_"):
            continue  # file header: \_sh v3.0 400 Text, \_DateStampHasFourDigitYear
        if not seen and name is None:
            continue  # text after the \_sh header, before any marker: Toolbox keeps it there, and so does a merge
        if name is not None:
            if not seen and name not in tiers | {*RECORD_MARKERS, TEXT_MARKER}:
                header_marker = name
            seen.add(name)
            refs += name in RECORD_MARKERS
            if refs == 1:
                first_record.append(name)
        if pending_id is not None and name in tiers:
            keyed_id, pending_id = pending_id, None
        blank_splits = not (by_ref or pending_id is not None or keyed_id is not None)
        starts = name in (*RECORD_MARKERS, TEXT_MARKER) or (name is not None and name == header_marker)
        if starts or (not text.strip() and blank_splits):
            record = finish()
            if record is not None:
                yielded += 1
                yield record_lines[0][0], record, record_lines
            record_lines = []
            if name == TEXT_MARKER:
                text_id = pending_id = parsed[1].strip() or None
                keyed_id = None
                continue
            if name in RECORD_MARKERS:
                by_ref, pending_id, keyed_id = True, None, None
            elif name is not None and name == header_marker:
                text_id = pending_id = keyed_id = None  # a new text: the last one's \id is not its name
        if text.strip():
            record_lines.append((location, text))
    record = finish()
    if record is not None:
        yielded += 1
        yield record_lines[0][0], record, record_lines
    if not yielded and seen - {*RECORD_MARKERS, TEXT_MARKER}:
        # Markers, but none of the tiers': other markers, not an empty file. Say so, and what to type.
        raise DataError(
            "no records with the tier markers " + " ".join(f"\\{m}" for m in markers.values())
            + "; the file has " + " ".join(f"\\{m}" for m in sorted(seen))
            + f" (name them with --markers, e.g. --markers {_proposed_markers(first_record, seen)})",
            source_name(path),
        )


def _proposed_markers(first_record, seen):
    """A --markers line for a file without the standard tiers: its records' first two fields as
    transcription and translation, Toolbox's \\mb and \\ge for the analysis to come."""
    standard = _standard_markers(seen)
    if standard is not None:  # Shoebox's, on stdin (a named file's are found by themselves)
        return ",".join(standard[tier] for tier in TIERS)
    fields = [m for m in first_record if m not in (*RECORD_MARKERS, TEXT_MARKER)]
    fields = fields or sorted(seen - {*RECORD_MARKERS, TEXT_MARKER})
    transcription = fields[0]
    translation = fields[1] if len(fields) > 1 else ""
    return ",".join([transcription, DEFAULT_MARKERS["segmentation"], DEFAULT_MARKERS["glosses"], translation]).rstrip(",")


@dataclass
class Field:
    """One marker's line and the lines without a marker that continue it."""

    name: str
    value: str
    column: int  # where the value starts on its marker line
    lines: list  # [(index in the record's lines, text)], the marker line first

    def entry(self, interlinear):
        """[(text, column)] per physical line, for the tier readers: columns only on the marker line of a tier."""
        first = (self.lines[0][1], self.column) if interlinear else (self.value, None)
        return [first] + [(text, None) for _, text in self.lines[1:]]


def fields(lines):
    """The record's lines as Fields; text before the first marker (or after \\ref) is a RecordError."""
    out, last = [], None
    for index, (location, text) in enumerate(lines):
        parsed = split_marker(text)
        if parsed is None:
            if last is None:
                raise RecordError("text before the first \\marker of the record", location.source, location.line)
            last.lines.append((index, text))  # a wrapped line: its columns say nothing
            continue
        name, value, column = parsed
        field = Field(name, value, column, [(index, text)])
        out.append(field)
        last = None if name in RECORD_MARKERS else field
    return out


def interlinear_bundles(record_fields, markers):
    """[{marker: Field}]: the interlinear line sets, a new one wherever a tier marker comes again."""
    interlinear = {markers[t] for t in ("transcription", "segmentation", "glosses") if t in markers}
    bundles = []
    for field in record_fields:
        if field.name in interlinear:
            if not bundles or field.name in bundles[-1]:
                bundles.append({})
            bundles[-1][field.name] = field
    return bundles


def _record(lines, markers):
    """One record's lines -> record dict, or None when it holds no tier."""
    tier_of = {marker: tier for tier, marker in markers.items()}
    record_fields = fields(lines)
    bundles = [{name: field.entry(True) for name, field in b.items()} for b in interlinear_bundles(record_fields, markers)]
    interlinear = {name for b in bundles for name in b}
    record, extras = {}, {}
    for field in record_fields:
        if field.name in RECORD_MARKERS:
            if field.value.strip():
                record["id"] = field.value.strip()
        elif field.name not in interlinear:
            extras.setdefault(field.name, []).append(field.entry(False))
    if not bundles and not any(m in extras for m in tier_of):
        return None
    record.update(_join_bundles(bundles, markers))
    for name, entries in extras.items():
        value = " ".join(_plain(entry) for entry in entries).strip()
        record[tier_of.get(name, name)] = value
    return record


def _plain(entry):
    """A field's text over its physical lines, whitespace collapsed."""
    return " ".join(" ".join(_line_value(text, column).split()) for text, column in entry).strip()


def _line_value(text, column):
    return text if column is None else text[column:]


def _tokens(entry):
    """[(column or None, token)] of one tier in one bundle; columns only for a single physical line."""
    if entry is None:
        return []
    single = len(entry) == 1
    out = []
    for text, column in entry:
        start = column or 0
        for match in _TOKEN.finditer(text, start):
            out.append((match.start() if single else None, match.group()))
    return out


def bundle_word_counts(bundles, markers, total):
    """How many of a record's `total` words each line set ({marker: Field}) holds: as the reader
    counts them (its morpheme line's words; a line set without one, its transcription's, unless the
    record's other line sets are analysed), else by the transcription's words (punctuation left out)."""
    analysed, spoken = [], []
    for bundle in bundles:
        entries = {t: bundle[markers[t]].entry(True) if markers.get(t) in bundle else None for t in ("transcription", "segmentation", "glosses")}
        words, _ = _bundle_words(*(_tokens(entries[t]) for t in ("transcription", "segmentation", "glosses")))
        analysed.append(len(words))
        spoken.append(sum(not is_punctuation(t) for _, t in _tokens(entries["transcription"])))
    read = [a or s for a, s in zip(analysed, spoken)]
    return next((counts for counts in (analysed, read, spoken) if sum(counts) == total and any(counts)), read)


def _join_bundles(bundles, markers):
    parts = {tier: [] for tier in ("transcription", "segmentation", "glosses")}
    present = set()
    for bundle in bundles:
        entries = {tier: bundle.get(markers.get(tier)) for tier in parts}
        present.update(tier for tier, entry in entries.items() if entry is not None)
        words, glosses = _bundle_words(*(_tokens(entries[t]) for t in parts))
        parts["transcription"].extend(t for _, t in _tokens(entries["transcription"]))
        parts["segmentation"].extend(words)
        parts["glosses"].extend(glosses)
    return {tier: " ".join(parts[tier]) for tier in parts if tier in present}


def _bundle_words(text_tokens, morph_tokens, gloss_tokens):
    """(segmentation words, gloss words) of one bundle."""
    morph_tokens = _bare_boundaries_joined(morph_tokens)
    gloss_tokens = _bare_boundaries_joined(_brackets_joined(gloss_tokens))
    if not morph_tokens:
        return [], attach_affixes([g for _, g in gloss_tokens])
    groups = None
    if not any(is_detached(m) for _, m in morph_tokens):
        groups = _groups_by_text(text_tokens, morph_tokens)
        if groups is None:
            # Whole words in the morpheme line: nothing to group.
            glosses = [g for _, g in gloss_tokens]
            return [m for _, m in morph_tokens], (attach_affixes(glosses) if any(map(is_detached, glosses)) else glosses)
    groups = groups or _groups_by_column(text_tokens, morph_tokens) or _groups_by_boundary(morph_tokens)
    per_morph = _glosses_by_column(morph_tokens, gloss_tokens)
    if per_morph is None and len(gloss_tokens) == len(morph_tokens) and not any(is_detached(g) for _, g in gloss_tokens):
        per_morph = [g for _, g in gloss_tokens]  # one gloss a morpheme, in order, where the columns say nothing
    words, glosses = [], []
    for group in groups:
        word, seps = glue_morphemes([morph_tokens[i][1] for i in group])
        words.append(word)
        if per_morph is not None:
            pieces = [per_morph[i] for i in group]
            if len(pieces) > 1:
                pieces = [p.strip("".join(BOUNDARIES)) for p in pieces]
            glosses.append(pieces[0] + "".join(s + p for s, p in zip(seps, pieces[1:])))
    if per_morph is None:
        glosses = attach_affixes([g for _, g in gloss_tokens])
    return words, glosses


def _bare_boundaries_joined(tokens):
    """A boundary symbol written as a column of its own (`wa - mea`, `back - upside`) joins the token
    after it, at its own column (`-mea`), so that both tiers keep one token a morpheme."""
    out = []
    for i, (column, token) in enumerate(tokens):
        if token in BOUNDARIES and i + 1 < len(tokens) and not tokens[i + 1][1].startswith(BOUNDARIES):
            continue  # taken by the next token
        if i and tokens[i - 1][1] in BOUNDARIES and not token.startswith(BOUNDARIES):
            token = tokens[i - 1][1] + token
            column = tokens[i - 1][0]
        elif token in BOUNDARIES and out and not out[-1][1].endswith(BOUNDARIES):
            out[-1] = (out[-1][0], out[-1][1] + token)  # at the end, or before an affix: closes the token before
            continue
        out.append((column, token))
    return out


def _brackets_joined(tokens):
    """A bracketed gloss of several words (`[place name]`) as one token joined by `.` (`[place.name]`)."""
    out, open_at = [], None
    for column, token in tokens:
        if open_at is not None:
            out[open_at] = (out[open_at][0], out[open_at][1] + "." + token)
            if "]" in token:
                open_at = None
            continue
        out.append((column, token))
        if token.startswith("[") and "]" not in token:
            open_at = len(out) - 1
    if open_at is not None:  # never closed: leave the tokens as they were
        return list(tokens)
    return out


def _groups_by_text(text_tokens, morph_tokens):
    """Morpheme indices per transcription word, where the morphemes (written without boundaries,
    `asina m` under `asina-m`) spell out its words one after another; else None."""
    strip = "".join(BOUNDARIES)
    words = ["".join(c for c in t if c not in strip) for _, t in text_tokens if not is_punctuation(t)]
    groups, m = [], 0
    for word in words:
        word = word.strip(_PUNCTUATION)
        if not word:
            continue
        spelled, group = "", []
        while m < len(morph_tokens) and len(spelled) < len(word):
            spelled += morph_tokens[m][1].strip(strip)
            group.append(m)
            m += 1
        if spelled.casefold() != word.casefold():
            return None
        groups.append(group)
    if m != len(morph_tokens) or all(len(group) == 1 for group in groups):
        return None
    return groups


def _groups_by_column(text_tokens, morph_tokens):
    """Morpheme indices per transcription word, when every word starts over a morpheme; else None."""
    # Toolbox gives punctuation no morpheme column.
    starts = [c for c, t in text_tokens if not is_punctuation(t)]
    morph_starts = [c for c, _ in morph_tokens]
    if not starts or None in starts or None in morph_starts:
        return None
    if starts[0] != morph_starts[0] or not set(starts) <= set(morph_starts):
        return None
    groups = []
    for i, column in enumerate(morph_starts):
        if column in starts or not groups:
            groups.append([])
        groups[-1].append(i)
    # Columns that cut an affix from its host line up by chance (hand-edited spacing).
    for group in groups:
        if morph_tokens[group[0]][1].startswith(BOUNDARIES) or morph_tokens[group[-1]][1].endswith(BOUNDARIES):
            return None
    return groups


def _groups_by_boundary(morph_tokens):
    """Morpheme indices per word, joining affixes to their host by their boundary symbols."""
    groups = []
    for i, (_, token) in enumerate(morph_tokens):
        if groups and (morph_tokens[groups[-1][-1]][1].endswith(BOUNDARIES) or token.startswith(BOUNDARIES)):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _glosses_by_column(morph_tokens, gloss_tokens):
    """One gloss per morpheme when each morpheme has a gloss starting in its column; else None."""
    morph_starts = [c for c, _ in morph_tokens]
    gloss_starts = [c for c, _ in gloss_tokens]
    if not gloss_tokens or None in morph_starts or None in gloss_starts:
        return None
    if gloss_starts[0] != morph_starts[0] or not set(morph_starts) <= set(gloss_starts):
        return None
    per_morph, m = [[] for _ in morph_tokens], -1
    for column, gloss in gloss_tokens:
        while m + 1 < len(morph_starts) and morph_starts[m + 1] <= column:
            m += 1
        per_morph[m].append(gloss)
    return [".".join(pieces) for pieces in per_morph]


# --- writing --------------------------------------------------------------------


def write_toolbox(record, markers=None):
    """One Toolbox record (no trailing blank line): `\\ref` from `id`, the tiers, the
    segmentation and glosses words (and the transcription's, when their counts
    agree) padded into shared columns as Toolbox shows them."""
    markers = parse_markers(markers)
    # Always a record marker: without one, a reader cannot tell where the record ends.
    lines = [marker_line(RECORD_MARKER, "" if record.get("id") is None else str(record["id"]))]
    values = {tier: record.get(tier) for tier in TIERS if tier in markers and record.get(tier) is not None}
    values = {tier: str(value) for tier, value in values.items()}
    columns = _aligned_columns(values)
    width = max((len(markers[t]) for t in columns), default=0)
    for tier in TIERS:
        if tier not in values:
            continue
        marker = markers[tier]
        if tier in columns:
            padding = " " * (width - len(marker))
            lines.append(f"\\{marker} {padding}{columns[tier]}".rstrip())
        else:
            lines.append(marker_line(marker, values[tier]))
    return "\n".join(lines)


def _aligned_columns(values):
    """{tier: padded line} for the interlinear tiers whose word counts agree."""
    split = {t: values[t].split() for t in ("transcription", "segmentation", "glosses") if t in values}
    if "segmentation" not in split or "glosses" not in split:
        return {}
    if len(split["segmentation"]) != len(split["glosses"]) or not split["segmentation"]:
        return {}
    tiers = [t for t in split if len(split[t]) == len(split["segmentation"])]
    widths = [max(len(split[t][i]) for t in tiers) for i in range(len(split["segmentation"]))]
    return {t: " ".join(w.ljust(n) for w, n in zip(split[t], widths)) for t in tiers}
