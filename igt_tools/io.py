"""The one I/O layer every command uses: inputs, JSONL records, output, bad records.

Inputs are files named on the command line or stdin (`-`). Lines are decoded
as strict UTF-8 one at a time, so memory stays flat and every error can name
its file and line.
"""

import json
import sys
from dataclasses import dataclass

from .errors import DataError, RecordError

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


def read_lines(path, encoding="utf-8", suggest_encoding=False):
    """Yield (Location, text) for each line of one input, without the newline.

    Text that is not in `encoding` is a one-line DataError; with
    `suggest_encoding` (formats that may come in other encodings) it says how to name one.
    """
    name = source_name(path)
    stream, owned = open_binary(path)
    label = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    hint = "; name its encoding with --encoding, e.g. --encoding latin-1" if suggest_encoding else ""
    try:
        for number, raw in enumerate(stream, start=1):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as err:
                raise DataError(f"not valid {label} (byte {err.start + 1} of the line){hint}", name, number) from None
            if number == 1 and text.startswith("\ufeff"):
                text = text[1:]
            yield Location(name, number), text.rstrip("\r\n")
    finally:
        if owned:
            stream.close()


def parse_json_record(location, text):
    """One JSONL line -> dict, or RecordError naming the problem."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise RecordError(f"invalid JSON: {err.msg} (column {err.colno})", location.source, location.line) from None
    if not isinstance(value, dict):
        raise RecordError(f"expected a JSON object, got {type(value).__name__}", location.source, location.line)
    return value


class BadRecords:
    """What to do with a record that cannot be used: stop (default), or report and keep it aside.

    With `skip=True` each bad record is reported as one warning line on stderr,
    counted, and (with `aside` set) its raw text is written to that file, so
    nothing is lost.
    """

    def __init__(self, prog, skip=False, aside=None):
        self.prog = prog
        self.skip = skip or aside is not None
        self.aside_path = aside
        self._aside = None
        self.count = 0

    def handle(self, error, raw_text=None):
        if not self.skip:
            raise error
        self.count += 1
        warn(self.prog, f"skipped: {error}")
        if self.aside_path is not None and raw_text is not None:
            if self._aside is None:
                self._aside = open(self.aside_path, "w", encoding="utf-8")
            self._aside.write(raw_text + "\n")

    def close(self):
        if self._aside is not None:
            self._aside.close()


def iter_jsonl(paths, bad=None, validate=None, allow_empty=False):
    """Yield (Location, record) from JSONL inputs, in order.

    `validate(record, location)` may raise RecordError; with `bad` set to skip,
    such records are reported and left out, otherwise the error stops the run.
    Blank lines are ignored. No records at all is an error unless `allow_empty`.
    """
    paths = list(paths) or ["-"]
    seen = 0
    for path in paths:
        for location, text in read_lines(path):
            if not text.strip():
                continue
            try:
                record = parse_json_record(location, text)
                if validate is not None:
                    validate(record, location)
            except RecordError as err:
                if bad is None:
                    raise
                bad.handle(err, text)
                continue
            seen += 1
            yield location, record
    if seen == 0 and not allow_empty and (bad is None or bad.count == 0):
        raise DataError("empty input: no records", ", ".join(source_name(p) for p in paths))


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
