"""Readers and writers of IGT file formats other than JSONL.

Each reader takes one input (a path, or '-' for stdin) and yields
(io.Location, record dict) with the canonical field names; each writer turns
one record into the text of that format. cleaning holds igt-clean's library
(normalising records, ids, the audit); merge/ writes predictions back into
the files they came from.

May import: core, examples.
"""

import sys
from pathlib import Path

# How a writer marks an analysis that is a model's prediction: FieldWorks'
# analysisStatus value, used as well by the Toolbox and CLDF writers.
GUESS = "guess"


def note(message):
    """One report line on stderr, under the running command's name: what a reader read past
    (damaged bytes, a missing language table) without stopping."""
    print(f"{Path(sys.argv[0]).name}: {message}", file=sys.stderr)
