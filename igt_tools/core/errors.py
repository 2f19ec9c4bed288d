"""Errors that commands turn into one-line messages and exit codes."""

import json

# Usage errors exit 2: click's own status.
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class DataError(Exception):
    """Bad input data; reported as `prog: file:line: message`, exit status 1."""

    def __init__(self, message, source=None, line=None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line

    def __str__(self):
        where = ""
        if self.source is not None:
            where = f"{self.source}:" + (f"{self.line}:" if self.line is not None else "") + " "
        return f"{where}{self.message}"


class RecordError(DataError):
    """A single record is unusable; `--skip-bad` may set it aside instead of stopping."""


class ModelError(DataError):
    """A model folder that cannot be used; reported as one line naming the folder."""


class OptionError(ValueError):
    """Options that do not go together, found by the library (a missing GPU, a preset that does
    not exist); the command reports it as a usage error, exit status 2."""


class MissingDependency(Exception):
    """A package the command needs is not installed; one line saying what to install, exit status 2."""


# Line breaks that JSON leaves as they are but str.splitlines() and some terminals break at.
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def quoted(value, most=80):
    """A value from the data, quoted for a one-line message: JSON, no line break, at most `most` characters."""
    if isinstance(value, str) and len(value) > most:
        return json.dumps(value[:most], ensure_ascii=False).translate(_LINE_BREAKS)[:-1] + '..."'
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKS)
