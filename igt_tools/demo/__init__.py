"""The embedded demo language: deterministic synthetic languages with IGT to learn from.

    from igt_tools.demo import generate_language, records
    language = generate_language(1)
    for record in records(language, 10): ...

The command line is `python -m igt_tools.demo --help`.

May import: core, cli.
"""

from .corpus import describe, parse_split, record, records, sentences, sigmorphon_text, split, statistics, TooSmall
from .language import Language, ambiguities, generate_language
from .sentences import Sentence, generate_sentence

__all__ = [
    "Language",
    "Sentence",
    "TooSmall",
    "ambiguities",
    "describe",
    "generate_language",
    "generate_sentence",
    "parse_split",
    "record",
    "records",
    "sentences",
    "sigmorphon_text",
    "split",
    "statistics",
]
