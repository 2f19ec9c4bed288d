"""Comparing two nested dictionaries of figures, as igt-score and the `glossing` package print them."""


def flatten(figures, prefix=""):
    """Yield ("words.accuracy.macro", value) for every leaf of a nested dictionary."""
    for key, value in figures.items():
        if isinstance(value, dict):
            yield from flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def differences(expected, actual, tolerance=1e-9):
    """Lines naming every figure that is missing on one side or differs by more than `tolerance`."""
    expected, actual = dict(flatten(expected)), dict(flatten(actual))
    lines = [f"{key}: only in one of them" for key in sorted(expected.keys() ^ actual.keys())]
    for key in expected.keys() & actual.keys():
        a, b = expected[key], actual[key]
        if (a is None) != (b is None) or (a is not None and abs(a - b) > tolerance):
            lines.append(f"{key}: {a!r} != {b!r}")
    return sorted(lines)
