"""Scores a corpus of (prediction, gold) pairs per group and over all, in one pass.

Each sentence is scored once; its numbers are added to its group and to
"all", so no figure is computed twice. The result has the structure of the
PolyGloss evaluation (a key per group plus "all"), so figures compare directly
with the published ones.
"""

from .alignment import AlignmentSums, sentence_score
from .glossing import GlossingScorer, GlossingSums
from .provenance import ProvenanceSums
from .segmentation import SegmentationSums, sentence_figures

ALL = "all"


class _Group:
    def __init__(self):
        self.glossing = GlossingSums()
        self.segmentation = SegmentationSums()
        self.alignment = AlignmentSums()
        self.provenance = ProvenanceSums()
        self.missing = 0
        self.sentences = []  # indices into CorpusScorer's strings, for sacreBLEU

    def figures(self, sacrebleu=None):
        result = {
            "glossing": self.glossing.figures(),
            "segmentation": self.segmentation.figures(),
            "alignment": self.alignment.figure(),
        }
        if sacrebleu is not None:
            result["sacrebleu"] = sacrebleu
        if self.provenance.by_source:
            result["provenance"] = self.provenance.figures()
        result["counts"] = {
            "sentences": self.glossing.count,
            "segmentation": self.segmentation.count,
            "alignment": self.alignment.count,
            "missing_predictions": self.missing,
        }
        return result


class CorpusScorer:
    """add() each pair, then figures(): {group: {...}, ..., "all": {...}}.

    With `sacrebleu=True` the gloss strings are kept for sacreBLEU's scores
    (it scores strings, not the counts kept here).
    """

    def __init__(self, sacrebleu=False):
        self.sacrebleu = sacrebleu
        self.glossing = GlossingScorer()
        self.tokens = self.glossing.tokens
        self.groups = {}
        self.all = _Group()
        self.hypotheses = []
        self.references = []

    def add(
        self, group, predicted_glosses, gold_glosses, predicted_segmentation=None, gold_segmentation=None, missing=False,
        provenance=None,
    ):
        """Score one sentence (group None: counted in "all" only).

        `provenance` (igt-gloss's, one source per word) adds the words to the
        figures per source (provenance.py).

        Segmentation is scored when both segmentations are given, alignment
        when the predicted one is. Raises glossing.EmptyGold for gold glosses
        without any token.
        """
        gold = self.glossing.sentence(gold_glosses)
        predicted = gold if predicted_glosses == gold_glosses else self.glossing.sentence(predicted_glosses)
        row = self.glossing.sentence_row(predicted, gold)
        segmentation = None
        if predicted_segmentation is not None and gold_segmentation is not None:
            segmentation = sentence_figures(predicted_segmentation, gold_segmentation, self.tokens)
        alignment = None
        if predicted_segmentation is not None:
            alignment = sentence_score(predicted_segmentation, predicted.words, self.tokens)
        targets = (self.all,)
        if group is not None:
            target = self.groups.get(group)
            if target is None:
                if group == ALL:
                    raise ValueError(f'a group is named "{ALL}", like the figures over all groups')
                target = self.groups[group] = _Group()
            targets = (target, self.all)
        if self.sacrebleu:
            index = len(self.hypotheses)
            self.hypotheses.append(predicted_glosses)
            self.references.append(gold_glosses)
        for target in targets:
            target.glossing.add(row)
            if segmentation is not None:
                target.segmentation.add(segmentation)
            if alignment is not None:
                target.alignment.add(alignment)
            if missing:
                target.missing += 1
            target.provenance.add(provenance, predicted_glosses, gold_glosses, predicted_segmentation,
                                  gold_segmentation)
            if self.sacrebleu:
                target.sentences.append(index)

    def figures(self):
        groups = {name: self.groups[name] for name in sorted(self.groups)}
        groups[ALL] = self.all
        extra = dict.fromkeys(groups)
        if self.sacrebleu and self.all.glossing.count:
            from .sacrebleu_scores import sacrebleu_figures

            extra = sacrebleu_figures(
                self.hypotheses, self.references, {name: group.sentences for name, group in groups.items()}
            )
        return {name: group.figures(extra[name]) for name, group in groups.items()}
