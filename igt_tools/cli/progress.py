"""igt-gloss's progress on stderr: a bar on a terminal, a line per chunk otherwise."""

import time

from ..core.io import stderr_is_terminal, warn
from ..glossing import analyses as wa

PROG = "igt-gloss"


class Progress:
    """Progress on stderr: a rich bar on a terminal, a line per chunk otherwise; nothing with --quiet."""

    def __init__(self, quiet):
        self.quiet = quiet
        self.start = time.monotonic()
        self.bar = None
        if not quiet and stderr_is_terminal():
            from rich.console import Console
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = RichProgress(
                SpinnerColumn(),
                TextColumn("glossing"),
                TextColumn("{task.completed:.0f} inputs"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("glossing", total=None, rate="")
            self.bar.start()
        self.inputs = 0

    def advance(self, count):
        self.inputs += count
        if self.bar is not None:
            elapsed = max(time.monotonic() - self.start, 1e-9)
            self.bar.update(self.task, advance=count, rate=f"{self.inputs / elapsed:.1f}/s")

    def chunk_done(self, counts):
        if self.quiet or self.bar is not None:
            return
        elapsed = max(time.monotonic() - self.start, 1e-9)
        warn(PROG, f"{counts['records']} records done ({counts['records'] / elapsed:.1f} records/s)")

    def close(self):
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def summary(self, counts, stats):
        if self.quiet:
            return
        elapsed = time.monotonic() - self.start
        line = f"{counts['glossed']} of {counts['records']} records glossed in {elapsed:.1f} s"
        if counts["records"]:
            line += f" ({counts['records'] / max(elapsed, 1e-9):.1f} records/s)"
        if counts["errors"]:
            line += f"; {counts['errors']} could not be glossed (see the warnings)"
        if counts["malformed_records"]:
            line += f"; {counts['malformed_records']} with malformed output ({counts['malformed_pieces']} pieces)"
        words = counts["words"]
        if sum(words.values()):
            line += f"; {sum(words.values())} words ({sum(words.values()) / max(elapsed, 1e-9):.1f} words/s: "
            line += ", ".join(f"{words[name]} {name}" for name in wa.PROVENANCES) + ")"
        if stats is not None and stats.padded_input_tokens:
            line += f"; padding {1 - stats.input_tokens / stats.padded_input_tokens:.1%} of input tokens"
        warn(PROG, line)
