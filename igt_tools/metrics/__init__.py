"""Metrics of interlinear glossing (REFERENCE.md section 5), exact and fast.

- glossing: the `glossing` package's figures (accuracy, BLEU, error rates,
  stem/gram classes) at word, morpheme and character level;
- segmentation: morpheme precision/recall/F1, accuracy, edit distance;
- alignment: whether every gloss has exactly one morpheme;
- sacrebleu_scores: sacreBLEU's BLEU and chrF with their signatures;
- corpus: all of them per group and over all, each sentence scored once;
- compare: which figures of two such dictionaries differ.

Building blocks: levenshtein (edit distance, by rapidfuzz), bleu (the
reference's BLEU from summable n-gram counts), cached_tokens (REFERENCE 5.1
tokens, memoised per word), sequences (prefix/suffix and multiset helpers).

Beside them: scoring (igt-score's join of predictions to gold records) and
calibration (perplexity, and quality estimates fitted on it; plain arithmetic).

May import: core.
"""

from .corpus import ALL, CorpusScorer
from .glossing import EmptyGold, evaluate_glosses

__all__ = ["ALL", "CorpusScorer", "EmptyGold", "evaluate_glosses"]
