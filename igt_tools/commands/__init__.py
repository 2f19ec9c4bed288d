"""The igt-* commands: one module each, a thin click layer over the library.

Each module declares `command` (options, library calls, exit codes) and
`main`, the console script setup.py names; manpages writes their man pages.

May import: anything in igt_tools. Nothing outside commands/ imports from here.
"""

import importlib

# The command modules, in the order the man pages' SEE ALSO lists them.
NAMES = ("clean", "format", "parse", "score", "train", "gloss", "lora")


def load(name):
    """The click command of igt-NAME."""
    return importlib.import_module(f"{__name__}.{name}").command
