"""Readers and writers of IGT file formats other than JSONL.

Each reader takes one input (a path, or '-' for stdin) and yields
(io.Location, record dict) with the canonical field names; each writer turns
one record into the text of that format.
"""

# How a writer marks an analysis that is a model's prediction: FieldWorks'
# analysisStatus value, used as well by the Toolbox and CLDF writers.
GUESS = "guess"
