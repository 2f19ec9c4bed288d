"""How well each source of a word's analysis did: figures per provenance.

igt-gloss writes, per word, where its analysis came from (`provenance`:
lexicon, analogy, model, none). Scored apart, they show which source carries
the quality and which words a linguist should check first. A word is right
when its gloss word equals the gold one at the same position (and its
segmentation word, where both records have a segmentation).

A record whose `provenance` is not one string per predicted gloss word (a
field of the user's own with another meaning, or words that do not line up)
is left out of these figures and counted, never guessed at.
"""


class ProvenanceSums:
    """Words, glosses right and segmentations right (of those scored) per provenance."""

    def __init__(self):
        self.by_source = {}  # provenance -> [words, glosses right, segmentations scored, segmentations right]
        self.unaligned = 0  # records with a provenance field that does not line up with their words

    def add(self, provenance, predicted_glosses, gold_glosses, predicted_segmentation=None, gold_segmentation=None):
        """One sentence's words (a record without `provenance` adds nothing)."""
        if provenance is None:
            return
        predicted = predicted_glosses.split()
        if not _per_word(provenance, predicted):
            self.unaligned += 1
            return
        gold = gold_glosses.split()
        predicted_segments = predicted_segmentation.split() if predicted_segmentation is not None else None
        gold_segments = gold_segmentation.split() if gold_segmentation is not None else None
        segmented = predicted_segments is not None and gold_segments is not None
        for position, (source, word) in enumerate(zip(provenance, predicted)):
            sums = self.by_source.setdefault(source, [0, 0, 0, 0])
            sums[0] += 1
            sums[1] += position < len(gold) and word == gold[position]
            if segmented:
                sums[2] += 1
                sums[3] += (position < len(gold_segments) and position < len(predicted_segments)
                            and predicted_segments[position] == gold_segments[position])

    def figures(self):
        """{provenance: {"words", "gloss_accuracy", "segmentation_accuracy"}}, sources sorted by name."""
        return {
            source: {
                "words": words,
                "gloss_accuracy": right / words,
                "segmentation_accuracy": segmented_right / segmented if segmented else None,
            }
            for source, (words, right, segmented, segmented_right) in sorted(self.by_source.items())
        }


def _per_word(provenance, predicted_words):
    return (isinstance(provenance, list) and len(provenance) == len(predicted_words)
            and all(isinstance(source, str) and source for source in provenance))


def summary(figures):
    """One line of a group's provenance figures, most words first: 'lexicon 480 words, 97.1% glossed right; ...'."""
    ranked = sorted(figures.items(), key=lambda item: (-item[1]["words"], item[0]))
    return "; ".join(f"{source} {f['words']:,} words, {100 * f['gloss_accuracy']:.1f}% glossed right"
                     for source, f in ranked)
