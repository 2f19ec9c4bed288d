"""Write the man pages of the igt-* commands, rendered from their help texts.

    python -m igt_tools.commands.manpages man/      # rewrite man/igt-*.1
    man -l man/igt-score.1
"""

import sys
from pathlib import Path

from ..cli.manpage import render
from . import NAMES, load


def pages():
    """{file name: roff text} of every command's man page."""
    commands = [load(name) for name in NAMES]
    family = [command.name for command in commands]
    return {f"{command.name}.1": render(command, family) for command in commands}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0] if argv else "man")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
