"""Patching a file's bytes: the few places that change, everything between them copied as it was."""

from ...core.io import open_binary


def read_bytes(path):
    """The whole file (or stdin for '-'), as bytes."""
    stream, owned = open_binary(path)
    try:
        return stream.read()
    finally:
        if owned:
            stream.close()


def apply_edits(data, edits):
    """`data` with each (start, end, replacement) applied; the edits must not overlap."""
    out, position = [], 0
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        if start < position:
            raise ValueError(f"overlapping edits at byte {start}")
        out += [data[position:start], replacement]
        position = end
    out.append(data[position:])
    return type(data)().join(out)


def line_end(data):
    """The line end a file uses (its first one; LF for a file of one line)."""
    newline = b"\r\n" if isinstance(data, bytes) else "\r\n"
    first = data.find(newline[-1:])
    if first > 0 and data[first - 1:first] == newline[:1]:
        return "\r\n"
    return "\n"
