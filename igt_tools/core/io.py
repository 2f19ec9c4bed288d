"""The one I/O layer every command uses: inputs, JSONL records, output, bad records.

Inputs are files named on the command line or stdin (`-`). Lines are decoded
as strict UTF-8 one at a time, so memory stays flat and every error can name
its file and line.
"""

import json
import math
import re
import sys
from dataclasses import dataclass

from .errors import DataError, RecordError, quoted

STDIN_NAMES = (None, "", "-")


@dataclass(frozen=True)
class Location:
    source: str
    line: int

    def __str__(self):
        return f"{self.source}:{self.line}"


def source_name(path):
    return "<stdin>" if path in STDIN_NAMES else str(path)


def open_binary(path):
    """(binary stream, owned): the file, or stdin for `-`; a one-line DataError if it cannot be opened."""
    if path in STDIN_NAMES:
        stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        return stream, False
    try:
        return open(path, "rb"), True
    except OSError as err:
        raise DataError(f"cannot open: {err.strerror}", source_name(path)) from None


def read_raw_lines(path):
    """Yield (Location, bytes) for each line of one input, its line end included."""
    name = source_name(path)
    stream, owned = open_binary(path)
    try:
        for number, raw in enumerate(stream, start=1):
            yield Location(name, number), raw
    finally:
        if owned:
            stream.close()


def read_lines(path, encoding="utf-8", suggest_encoding=False):
    """Yield (Location, text) for each line of one input, without the newline.

    Text that is not in `encoding` is a one-line DataError; with
    `suggest_encoding` (formats that may come in other encodings) it says how to name one.
    """
    label = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    hint = "; name its encoding with --encoding, e.g. --encoding latin-1" if suggest_encoding else ""
    for location, raw in read_raw_lines(path):
        yield location, decode_line(location, raw, encoding, f"not valid {label}", hint)


def decode_line(location, raw, encoding="utf-8", what="not valid UTF-8", hint="", error=DataError):
    """One line's text, without its line end (nor a BOM on line 1); `error` naming the first bad byte."""
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        raise error(f"{what} (byte {err.start + 1} of the line){hint}", location.source, location.line) from None
    if location.line == 1 and text.startswith("\ufeff"):
        text = text[1:]
    return text.rstrip("\r\n")


# Deeper than this is no IGT record; Python's own limit (about 1,000) would end in a RecursionError.
MAX_JSON_DEPTH = 100
# An escaped surrogate (\ud800-\udfff): a pair makes one character, a lone one is not Unicode.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _NotStandard(ValueError):
    """JSON that Python would read but other languages' parsers refuse, or that would change meaning."""


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise _NotStandard(f"number {text[:20]}{'...' if len(text) > 20 else ''} is out of range (not a finite number)")
    return value


def _no_constant(name):
    raise _NotStandard(f"{name} is not a JSON number")


def _unique_keys(pairs):
    record = dict(pairs)
    if len(record) != len(pairs):
        seen = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise _NotStandard(f"duplicate key {quoted(duplicate)}")
    return record


# Strict JSON: standard numbers only, each key once; so what igt-tools writes is standard JSON too.
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_float=_finite_float, parse_constant=_no_constant)


def parse_json_record(location, text):
    """One JSONL line -> dict, or RecordError naming the problem."""
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as err:
        raise RecordError(f"invalid JSON: {err.msg} (column {err.colno})", location.source, location.line) from None
    except _NotStandard as err:
        raise RecordError(f"invalid JSON: {err}", location.source, location.line) from None
    except ValueError:  # int(): more digits than Python converts (4,300)
        raise RecordError("invalid JSON: a number too long to read", location.source, location.line) from None
    except RecursionError:
        raise RecordError(f"invalid JSON: nested more than {MAX_JSON_DEPTH} deep", location.source, location.line) from None
    if not isinstance(value, dict):
        raise RecordError(f"expected a JSON object, got {type(value).__name__}", location.source, location.line)
    # Cheap tests first: most records have neither brackets enough to be deep nor an escaped surrogate.
    if text.count("{") + text.count("[") > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
        raise RecordError(f"invalid JSON: nested more than {MAX_JSON_DEPTH} deep", location.source, location.line)
    if _ESCAPED_SURROGATE.search(text):
        lone = next((s for s in _strings(value) if _SURROGATE.search(s)), None)
        if lone is not None:
            code = ord(_SURROGATE.search(lone).group())
            raise RecordError(f"invalid JSON: a lone surrogate \\u{code:04x} (not a Unicode character)", location.source, location.line)
    return value


def _containers(value):
    """(depth, value) of every list and dict in value, without recursion."""
    stack = [(1, value)]
    while stack:
        depth, item = stack.pop()
        yield depth, item
        children = item.values() if isinstance(item, dict) else item
        stack.extend((depth + 1, child) for child in children if isinstance(child, (dict, list)))


def _depth(value):
    return max(depth for depth, _ in _containers(value))


def _strings(value):
    """Every string in value, keys included."""
    for _, item in _containers(value):
        if isinstance(item, dict):
            yield from item.keys()
            yield from (v for v in item.values() if isinstance(v, str))
        else:
            yield from (v for v in item if isinstance(v, str))


class BadRecords:
    """What to do with a record that cannot be used: stop (default), or report and keep it aside.

    With `skip=True` each bad record is reported as one warning line on stderr,
    counted, and (with `aside` set) its raw text is written to that file, so
    nothing is lost. The file is opened at once: one that cannot be written
    is an error before any input is read, and a clean run leaves it empty.
    """

    def __init__(self, prog, skip=False, aside=None):
        self.prog = prog
        self.skip = skip or aside is not None
        self.aside_path = aside
        self._aside = None
        self.count = 0
        if aside is not None:
            try:
                self._aside = open(aside, "wb")
            except OSError as err:
                raise DataError(f"cannot write --bad-out: {err.strerror}", str(aside)) from None

    def handle(self, error, raw_text=None):
        """Stop with `error`, or report it and set `raw_text` (the line's text, or its bytes as read) aside."""
        if not self.skip:
            raise error
        self.count += 1
        warn(self.prog, f"skipped: {error}")
        if self._aside is not None and raw_text is not None:
            raw = raw_text if isinstance(raw_text, bytes) else raw_text.encode("utf-8")
            self._aside.write(raw + b"\n")

    def close(self):
        if self._aside is not None:
            self._aside.close()


def iter_jsonl(paths, bad=None, validate=None, allow_empty=False):
    """Yield (Location, record) from JSONL inputs, in order.

    A line that is not UTF-8, not JSON or not an object is a bad record; so is
    one that `validate(record, location)` refuses with a RecordError. With
    `bad` set to skip, bad records are reported and set aside (the line's bytes
    as they were), otherwise the error stops the run. Blank lines are ignored.
    No records at all is an error unless `allow_empty`.
    """
    for location, _, record in iter_jsonl_offsets(paths, bad, validate, allow_empty):
        yield location, record


def iter_jsonl_offsets(paths, bad=None, validate=None, allow_empty=False):
    """As iter_jsonl, yielding (Location, the byte offset of the record's line in its input, record):
    a record in a regular file can be read again from there (read_record_at)."""
    paths = list(paths) or ["-"]
    seen = 0
    for path in paths:
        offset = 0
        for location, raw in read_raw_lines(path):
            start, offset = offset, offset + len(raw)
            try:
                record = parse_line(location, raw, validate)
            except RecordError as err:
                if bad is None:
                    raise
                bad.handle(err, _without_line_end(location, raw))
                continue
            if record is None:
                continue
            seen += 1
            yield location, start, record
    if seen == 0 and not allow_empty and (bad is None or bad.count == 0):
        raise DataError("empty input: no records", ", ".join(source_name(p) for p in paths))


def parse_line(location, raw, validate=None):
    """One JSONL line's bytes -> its record, None for a blank line; a RecordError if it is no record
    (not UTF-8, not a JSON object, or refused by `validate(record, location)`)."""
    text = decode_line(location, raw, error=RecordError)
    if not text.strip():
        return None
    record = parse_json_record(location, text)
    if validate is not None:
        validate(record, location)
    return record


def read_record_at(stream, offset, location, validate=None):
    """The record whose line starts at `offset` in a seekable binary stream (found by iter_jsonl_offsets)."""
    stream.seek(offset)
    return parse_line(location, stream.readline(), validate)


def _without_line_end(location, raw):
    raw = raw.rstrip(b"\r\n")
    return raw[3:] if location.line == 1 and raw.startswith(b"\xef\xbb\xbf") else raw


class JsonlWriter:
    """Writes one JSON object per line to stdout (UTF-8, not ASCII-escaped)."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stdout
        self.count = 0

    def write(self, record):
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1

    def flush(self):
        self.stream.flush()


def warn(prog, message):
    print(f"{prog}: {message}", file=sys.stderr)


def stderr_is_terminal():
    return hasattr(sys.stderr, "isatty") and sys.stderr.isatty()


def select_shard(records, shard):
    """Every N-th record from the I-th, counting the records of the input (after bad ones are skipped)."""
    if shard is None:
        yield from records
        return
    index, count = shard
    for number, item in enumerate(records):
        if number % count == index:
            yield item


def chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
