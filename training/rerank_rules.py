"""How igt-gloss should take a context model's word for an unseen one, measured without decoding again.

    python training/rerank_rules.py LEXICON MODEL GOLD [--candidates 8] > rules.tsv

GOLD (dev records with a "language") is glossed once as `igt-gloss --lexicon LEXICON
--model MODEL --rerank 0` glosses it, but keeping, for every word the lexicon does
not attest, the model's own analysis with its mean token log-probability, analogy's
guess, and the model's score of each of analogy's candidates (the first --candidates
of Analogy.candidates). Each rule is then applied to those words and the sentences
finished as igt-gloss finishes them (translation stems, unknown words), and the MER
of each rule printed per language, as a tab-separated table:

    trust T           the model's analysis where it is at least T sure (--trust-model),
                      else analogy's likeliest candidate (--rerank 0)
    trust T, unknown stem U   the same, but U where that candidate leaves a stem unknown
                      (igt-gloss's default for a context model: -0.03 and -0.07)
    trust T, margin M a candidate replaces analogy's guess only when M likelier (--rerank M)
    trust T, penalty P each candidate's score less P per place in analogy's order
    trust T, no rerank analogy's guess where the model is not trusted (no --rerank)
    ..., reranking where trained on N and S   igt-gloss's default rule, reranking only in the
                      languages the model's igt_tools.json lists with at least N training
                      examples that are at least S of all of them (glossing/word.py's
                      languages_to_rerank: igt-gloss's are 100 and 1%), elsewhere none
    only choosing     the model's analysis only where analogy has no guess, else its
                      likeliest candidate (--ask-model choose)

The candidates' count is the one setting here that igt-gloss does not take as an option
(glossing/analogy.py's CANDIDATES): compare two counts with two runs.
"""

import argparse
import functools
from collections import defaultdict

import torch

from igt_tools.core.io import iter_jsonl
from igt_tools.glossing import analyses as wa
from igt_tools.glossing.analogy import Analogy
from igt_tools.glossing.lexicon import Lexicon
from igt_tools.glossing.word import CONTEXT_TRUST_MODEL, CONTEXT_TRUST_UNKNOWN_STEM, WordGlosser, languages_to_rerank
from igt_tools.metrics.glossing import evaluate_glosses
from igt_tools.model.generation import DecodeSettings, Decoder
from igt_tools.model.loading import load_model

TRUSTS = (-0.02, -0.05, -0.1)
# the model trusted at one threshold where analogy's analysis is whole, another where it leaves a stem unknown
KNOWN_STEM_TRUSTS = (-0.01, -0.02, -0.03, -0.05)
UNKNOWN_STEM_TRUSTS = (-0.03, -0.05, -0.07, -0.1)
MARGINS = (0.05, 0.1)
PENALTIES = (0.01, 0.02)
# the training examples a language needs for the model to choose among analogy's candidates there:
# (at least, and at least this share of all the model's)
RERANK_BARS = ((100, 0.0), (100, 0.005), (100, 0.01), (100, 0.02), (100, 0.05), (500, 0.0), (2000, 0.0))
CHUNK = 64


class KeepingGlosser(WordGlosser):
    """igt-gloss's glosser, also keeping each record's words as the model saw them (`kept`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = []

    def _glossed(self, record, analyses):
        words = []
        for item in analyses:
            word = {"item": wa.WordAnalysis(item.word, item.segmentation, item.glosses, item.provenance,
                                            position=item.position), "guess": item.guess}
            if item.provenance is None and item.model_input is not None:
                segmentation, glosses, _, hypothesis = self._outputs[item.model_input]
                word["output"] = (segmentation, glosses, hypothesis.confidence)
                word["candidates"] = [(analysis, self._scores[item.model_input, label])
                                      for analysis, label in item.candidates]
            word["glottocode"] = record.get("glottocode")
            words.append(word)
        self.kept.append((record, words))
        return super()._glossed(record, analyses)


def choose(word, trust, margin=0.0, penalty=0.0, rerank=True, trust_unknown_stem=None):
    """(segmentation, glosses, provenance) a rule gives an unseen word the model was asked about, or None.

    With `trust_unknown_stem`, that threshold replaces `trust` where analogy's analysis (after
    reranking) leaves a stem unknown."""
    segmentation, glosses, confidence = word["output"]
    usable = bool(segmentation and glosses)
    if word["guess"] is None:
        return (segmentation, glosses, "model") if usable else None
    guess = word["guess"]
    candidates = word["candidates"]
    if rerank and candidates:
        values = [score - penalty * n for n, (_, score) in enumerate(candidates)]
        best = max(range(len(values)), key=lambda n: (values[n], -n))
        if best and values[best] - values[0] >= margin:
            guess = candidates[best][0]
    if trust_unknown_stem is not None and wa.has_unknown_gloss(guess[1]):
        trust = trust_unknown_stem
    if usable and confidence >= trust:
        return segmentation, glosses, "model"
    return (*guess, "analogy")


def choose_where_trained(word, languages, **settings):
    """choose, reranking only in the `languages` (glottocodes; None: any)."""
    return choose(word, rerank=languages is None or word["glottocode"] in languages, **settings)


def mer_by_language(kept, analogy, rule):
    return mer_of(glossed(record, words, analogy, rule) for record, words in kept)


def glossed(record, words, analogy, rule):
    """(record, glosses) of a kept record, its unseen words given their analyses by `rule`."""
    analyses = []
    for word in words:
        item = wa.WordAnalysis(word["item"].word, position=word["item"].position)
        if word["item"].provenance is not None:
            item.set(word["item"].segmentation, word["item"].glosses, word["item"].provenance)
        elif "output" in word:
            chosen = rule(word)
            if chosen is not None:
                item.set(*chosen)
        elif word["guess"] is not None:
            item.set(*word["guess"], "analogy")
        analyses.append(item)
    analogy.gloss_unknown_stems(analyses, record)
    wa.fill_unknown(analyses)
    return record, wa.assemble(analyses)[1] or ""


def mer_of(pairs):
    """{language, and "all": MER} of (gold record with a "language", predicted glosses) pairs."""
    predicted, gold = defaultdict(list), defaultdict(list)
    for record, glosses in pairs:
        for name in (record.get("language"), "all"):
            predicted[name].append(glosses)
            gold[name].append(record["glosses"])
    return {name: evaluate_glosses(predicted[name], gold[name])["morphemes"]["error_rate"] for name in predicted}


def rules(trained):
    """(name, rule) of each rule measured; `trained`: {glottocode: training examples} of the model."""
    yield "only choosing", functools.partial(choose, trust=float("inf"))
    default = {"trust": CONTEXT_TRUST_MODEL, "trust_unknown_stem": CONTEXT_TRUST_UNKNOWN_STEM}
    for minimum, share in RERANK_BARS:
        languages = languages_to_rerank(trained, min_examples=minimum, min_share=share)
        yield (f"trust {default['trust']:g}, unknown stem {default['trust_unknown_stem']:g}, reranking where "
               f"trained on {minimum} and {share:.1%}"), functools.partial(choose_where_trained, languages=languages,
                                                                        **default)
    for trust in KNOWN_STEM_TRUSTS:
        for unknown in UNKNOWN_STEM_TRUSTS:
            yield f"trust {trust:g}, unknown stem {unknown:g}", functools.partial(
                choose, trust=trust, trust_unknown_stem=unknown)
    for trust in TRUSTS:
        yield f"trust {trust:g}", functools.partial(choose, trust=trust)
        yield f"trust {trust:g}, no rerank", functools.partial(choose, trust=trust, rerank=False)
        for margin in MARGINS:
            yield f"trust {trust:g}, margin {margin:g}", functools.partial(choose, trust=trust, margin=margin)
        for penalty in PENALTIES:
            yield f"trust {trust:g}, penalty {penalty:g}", functools.partial(choose, trust=trust, penalty=penalty)


def load_decoder(folder):
    """(decoder, tokenizer, metadata) of a model folder, greedy, on one CPU thread."""
    torch.set_num_threads(1)
    model, tokenizer, metadata = load_model(folder)
    decoder = Decoder(model, DecodeSettings(beams=1, max_new_tokens=256, batch_tokens=16384),
                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    return decoder, tokenizer, metadata


def gloss_all(glosser, gold):
    """Every record of the GOLD file through the glosser, in chunks as igt-gloss sends them."""
    records = [record for _, record in iter_jsonl([gold])]
    for start in range(0, len(records), CHUNK):
        glosser.gloss([(None, record) for record in records[start: start + CHUNK]])


def print_table(table):
    """[(rule, {language: MER})] as a tab-separated table, best rule first."""
    languages = sorted(name for name in table[0][1] if name != "all") + ["all"]
    print("\t".join(["rule", *languages]))
    for name, figures in sorted(table, key=lambda row: row[1]["all"]):
        print("\t".join([name, *(f"{figures[language]:.4f}" for language in languages)]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lexicon")
    parser.add_argument("model")
    parser.add_argument("gold")
    parser.add_argument("--candidates", type=int, default=8, help="how many of analogy's candidates are scored")
    args = parser.parse_args()
    lexicon = Lexicon.read([args.lexicon])
    analogy = Analogy(lexicon)
    analogy.candidates = functools.partial(analogy.candidates, limit=args.candidates)
    decoder, tokenizer, metadata = load_decoder(args.model)
    # trusted never and reranking always, so that every output and every candidate's score is there
    glosser = KeepingGlosser(lexicon, "context", decoder=decoder, tokenizer=tokenizer, analogy=analogy,
                             context=metadata.unit == "context", max_input_tokens=metadata.max_input_tokens or 512,
                             trust_model=float("inf"), rerank_margin=0.0, give_up=False)
    gloss_all(glosser, args.gold)
    print_table([(name, mer_by_language(glosser.kept, analogy, rule))
                 for name, rule in rules(metadata.trained_examples)])


if __name__ == "__main__":
    main()
