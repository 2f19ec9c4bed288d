"""The record and its tiers, and the one I/O layer: what every other package builds on.

- record: the canonical fields and their type checks
- io: inputs (files or stdin), JSONL records with file and line, output, bad records
- errors: the data and usage errors and the exit codes they map to
- tokens: the tokens of REFERENCE.md 5.1 (words, morphemes, boundaries, punctuation)
- words: how a word is looked up (normalisation, case, punctuation at either end)
- interleaved: the interleaved label format and its parser
- tags, tagmap: gloss tags (grams) and maps between tag conventions

May import: nothing else of igt_tools.
"""
