"""igt-score's table on stderr: the headline figures per group (and the model's, with --model);
a rich table on a terminal, plain columns otherwise."""

import sys

from ..core.io import stderr_is_terminal
from ..metrics.calibration import TABLE_COLUMNS, table_cells

COLUMNS = ("group", "sentences", "MER", "morph acc", "seg F1", "alignment")


def headline(figures):
    """(columns, rows) of the table: the headline figures, and the model's with --model."""
    rows = headline_rows(figures)
    if not all("model" in group for group in figures.values()):
        return COLUMNS, rows
    return COLUMNS + TABLE_COLUMNS, [row + table_cells(figures[row[0]]) for row in rows]


def headline_rows(figures):
    """One row of strings per group: the paper's headline figures."""
    rows = []
    for name, group in figures.items():
        morphemes = group["glossing"]["morphemes"]
        rows.append(
            (
                name,
                str(group["counts"]["sentences"]),
                _number(morphemes["error_rate"]),
                _number(morphemes["accuracy"]["micro"]),
                _number(group["segmentation"]["f1"]),
                _number(group["alignment"]),
            )
        )
    return rows


def _number(value):
    return "-" if value is None else f"{value:.3f}"


def plain_table(rows, columns=COLUMNS):
    widths = [max(len(row[i]) for row in [columns] + rows) for i in range(len(columns))]
    lines = []
    for row in [columns] + rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def print_table(rows, columns=COLUMNS):
    if stderr_is_terminal():
        from rich.console import Console
        from rich.table import Table

        table = Table(title="igt-score (MER: morpheme error rate, lower is better; morph acc: micro)")
        for index, name in enumerate(columns):
            table.add_column(name, justify="left" if index == 0 else "right")
        for row in rows:
            table.add_row(*row)
        Console(stderr=True).print(table)
    else:
        print(plain_table(rows, columns), file=sys.stderr)
