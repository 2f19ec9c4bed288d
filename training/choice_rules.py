"""How a context model should choose among an attested word's analyses, measured without scoring again.

    python training/choice_rules.py LEXICON MODEL GOLD [--ask-model choose] > rules.tsv

GOLD (dev records with a "language") is glossed once as `igt-gloss --lexicon LEXICON
--model MODEL --trust-model -0.05 --rerank 0` glosses it (with `--ask-model choose`: as
`igt-gloss ... --ask-model choose`), the model also scoring, teacher-forced, every attested
analysis of each word the lexicon attests with several (glossing/word.py's `choice_margin`).
Each rule then gives those words an analysis, the other words keeping the glosser's, and the
MER of each rule is printed per language, as a tab-separated table:

    lexicon                  the lexicon's choice by neighbours (no --choice-margin)
    share S, margin M        words whose most frequent analysis has less than S of their
                             attestations: the model's likeliest where at least M likelier
                             than the lexicon's choice (igt-gloss --choice-margin M with
                             glossing/word.py's AMBIGUOUS_SHARE at S)
    share S, prior W         the same at margin 0, each analysis' score raised by W times
                             the log of its share of the attestations
"""

import argparse
import functools
import math

from igt_tools.glossing import analyses as wa
from igt_tools.glossing.analogy import Analogy
from igt_tools.glossing.lexicon import Lexicon
from igt_tools.glossing.word import WordGlosser
from rerank_rules import gloss_all, load_decoder, mer_of, print_table

SHARES = (0.9, 1.0)
MARGINS = (0.0, 0.02, 0.05, 0.1, 0.2)
PRIORS = (0.02, 0.05, 0.1)


class KeepingGlosser(WordGlosser):
    """igt-gloss's glosser, also keeping each record's final analyses and its ambiguous words' scores (`kept`)."""

    def _glossed(self, record, analyses):
        choices = {}
        for n, item in enumerate(analyses):
            if item.choices:
                _, entry = self.lexicon.entry(record.get("glottocode"), item.word)
                choices[n] = [(analysis, self._scores[item.model_input, label], entry[analysis])
                              for analysis, label in item.choices]
        out = super()._glossed(record, analyses)
        self.kept.append((record, list(analyses), choices))
        return out


def choose(choices, share, margin=0.0, prior=0.0):
    """The analysis a rule gives an ambiguous word ([(analysis, score, count)], the lexicon's choice first)."""
    total = sum(count for _, _, count in choices)
    if max(count for _, _, count in choices) >= share * total:
        return choices[0][0]
    values = [score + prior * math.log(count / total) for _, score, count in choices]
    best = max(range(len(values)), key=lambda n: (values[n], -n))
    if best and values[best] - values[0] >= margin:
        return choices[best][0]
    return choices[0][0]


def mer_by_language(kept, rule):
    return mer_of(glossed(record, analyses, choices, rule) for record, analyses, choices in kept)


def glossed(record, analyses, choices, rule):
    """(record, glosses) of a kept record, its ambiguous words given their analyses by `rule`."""
    items = []
    for n, item in enumerate(analyses):
        if n in choices:
            chosen = wa.WordAnalysis(item.word, position=item.position)
            chosen.set(*rule(choices[n]), "lexicon")
            item = chosen
        items.append(item)
    return record, wa.assemble(items)[1] or ""


def rules():
    yield "lexicon", lambda choices: choices[0][0]
    for share in SHARES:
        for margin in MARGINS:
            yield f"share {share:g}, margin {margin:g}", functools.partial(choose, share=share, margin=margin)
        for prior in PRIORS:
            yield f"share {share:g}, prior {prior:g}", functools.partial(choose, share=share, prior=prior)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lexicon")
    parser.add_argument("model")
    parser.add_argument("gold")
    parser.add_argument("--ask-model", choices=("unsure", "choose"), default="unsure",
                        help="as igt-gloss's: choose = the model decodes only the unseen words analogy cannot guess")
    parser.add_argument("--trust-model", type=float, default=-0.05)
    args = parser.parse_args()
    lexicon = Lexicon.read([args.lexicon])
    decoder, tokenizer, metadata = load_decoder(args.model)
    if metadata.unit != "context":
        parser.error(f"{args.model}: not a context model (igt-format --unit context)")
    # every word with several analyses scored (share above 1), none of them changed (margin infinite)
    glosser = KeepingGlosser(lexicon, "context", decoder=decoder, tokenizer=tokenizer, analogy=Analogy(lexicon),
                             context=True, max_input_tokens=metadata.max_input_tokens or 512,
                             trust_model=args.trust_model, rerank_margin=0.0, ambiguous_share=1.01,
                             decode_guessed=args.ask_model != "choose", choice_margin=float("inf"), give_up=False)
    glosser.kept = []
    gloss_all(glosser, args.gold)
    print_table([(name, mer_by_language(glosser.kept, rule)) for name, rule in rules()])


if __name__ == "__main__":
    main()
