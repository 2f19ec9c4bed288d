"""igt-tools: interlinear glossed text with the PolyGloss method, as Unix filters.

The packages, each on the ones before it: core (the record, I/O, errors,
tokens); examples (tasks, prompts) and metrics; formats and glossing; model
(the only one that imports torch); cli (what the commands share); commands
(the igt-* commands, which nothing else imports); demo (synthetic languages).
Each package's opening comment says what it may import, and
tests/test_layout.py holds the code to it.
"""

__version__ = "0.1.0"
