"""Choosing among a word's attested analyses with a model: does a sentence model, scoring each
analysis the lexicon attests for an ambiguous word in its sentence (teacher-forced, no
decoding), choose better than the lexicon's own choosers?

    make -C training chooser            # all six dev sets (1,108 sentences), into runs/real/chooser
    python training/model_chooser.py --limit 40 --languages Tsez Lezgi   # a quick look, with .venv's python

(the defaults are paths in the repository, wherever it is run from). Without --out the gold
subset and the three predictions files go to a new temporary folder.

Per dev sentence, the words start from the analyses `igt-gloss --lexicon LEX --no-guess`
writes (chooser "context"; unseen words get the empty analysis: the word, glossed ???).
Then, left to right, each word the lexicon attests with 2+ distinct analyses tries every
one of them in its place (the other words as they stand), and keeps the one whose whole
interleaved label `seg(gloss)-seg(gloss) ...` the model gives the highest total
log-probability (end token included; a tie keeps the current choice). The model's input is
the prompt igt-gloss would give it (tasks.inference_inputs); its encoder runs once per
sentence, the candidates of a word go through the decoder as one batch.

The frequent and context columns are igt-gloss itself (run as a subprocess); all three
are scored by igt-score's own code. Prints a table: per language and over all, MER of
each chooser, ambiguous word tokens, how many the model changed, and seconds of model
scoring (with --limit, also that rate extrapolated to the whole dev set), and writes the
same as OUT/summary.json (training/results.py reads it). `sync` counts sentences where
this script's context start differs from igt-gloss's output (should be 0).
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from igt_tools.core import interleaved
from igt_tools.examples import tasks
from igt_tools.glossing import analyses as wa
from igt_tools.glossing.lexicon import Lexicon
from igt_tools.glossing.output import output_record
from igt_tools.metrics import ALL
from igt_tools.metrics.scoring import score

ROOT = Path(__file__).resolve().parent.parent
# training/languages.tsv, the one table of the SIGMORPHON 2023 languages: [language, file prefix,
# glottocode, metalanguage, "yes" if it has a training split], in its order.
ROWS = [line.split("\t") for line in (ROOT / "training" / "languages.tsv").read_text(encoding="utf-8")
        .splitlines() if line and not line.startswith(("#", "language\t"))]
LANGUAGES = tuple(language for language, _, _, _, train in ROWS if train == "yes")
WORK = ROOT / "runs" / "real"


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def igt_gloss(lexicon_path, chooser, gold_path, out_path):
    """What `igt-gloss --lexicon LEX --no-guess --choose CHOOSER` writes for the gold records."""
    program = Path(sys.executable).with_name("igt-gloss")
    command = [str(program) if program.exists() else "igt-gloss", "--lexicon", str(lexicon_path), "--no-guess",
               "--choose", chooser, "--quiet", str(gold_path)]
    with open(out_path, "w", encoding="utf-8") as out:
        subprocess.run(command, stdout=out, check=True)


class ModelChooser:
    def __init__(self, folder, lexicon):
        from igt_tools.model.loading import load_model

        self.model, self.tokenizer, metadata = load_model(folder, device="cpu")
        if metadata.task != "interleaved" or metadata.unit != "sentence":
            sys.exit(f"{folder}: needs a sentence model of the interleaved task "
                     f"(this one: {metadata.task}, unit {metadata.unit})")
        self.prompts = metadata.prompts
        self.lexicon = lexicon
        self.ambiguous = self.changed = self.forward_passes = 0

    def gloss(self, record):
        """The record with the model's choices: fields as igt-gloss writes them, and the context start."""
        problem = wa.cannot_gloss(record)
        if problem:
            return output_record(record, {"error": problem}), None
        # Exactly igt-gloss --lexicon --no-guess (WordGlosser without analogy or model).
        analyses = wa.fill_unknown(wa.from_lexicon(record, self.lexicon, "context"))
        start = wa.assemble(analyses)[:2]
        glottocode = record.get("glottocode")
        encoded = None  # the encoder's output, computed on the first ambiguous word only
        for item in analyses:
            options = self.lexicon.analyses(glottocode, item.word) if item.provenance == "lexicon" else []
            if len(options) < 2:
                continue
            self.ambiguous += 1
            before = (item.segmentation, item.glosses)
            labels, forms = [], []
            for option in options:
                item.set(*option, "lexicon")  # in the input word's normalisation form, as igt-gloss writes
                forms.append((item.segmentation, item.glosses))
                labels.append(sentence_label(analyses))
            if encoded is None:
                encoded = self._encode(record)
            scores = self._score(encoded, labels)
            best = max(range(len(options)), key=lambda i: (scores[i], forms[i] == before))
            item.set(*options[best], "lexicon")
            self.changed += forms[best] != before
        segmentation, glosses, provenance = wa.assemble(analyses)
        fields = {"segmentation": segmentation, "glosses": glosses, "malformed": 0, "provenance": provenance}
        return output_record(record, fields), start

    def _encode(self, record):
        import torch

        prompt = tasks.inference_inputs(record, "interleaved", self.prompts)["interleaved"]
        with torch.no_grad():
            return self.model.get_encoder()(input_ids=torch.tensor([self.tokenizer(prompt).input_ids]))

    def _score(self, encoded, labels):
        """Teacher-forced total log-probability of each label (None: cannot be made) after the input."""
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        made = [n for n, label in enumerate(labels) if label is not None]
        if not made:
            return [-math.inf] * len(labels)
        ids = [self.tokenizer(labels[n]).input_ids for n in made]  # ends in </s>, counted as in training
        rows, longest = len(ids), max(map(len, ids))
        target = torch.full((rows, longest), -100, dtype=torch.long)
        # The decoder sees the label shifted right behind the start token (as batching.collate).
        decoder_input = torch.full((rows, longest), self.model.config.pad_token_id, dtype=torch.long)
        decoder_input[:, 0] = self.model.config.decoder_start_token_id
        for row, seq in enumerate(ids):
            target[row, : len(seq)] = torch.tensor(seq)
            decoder_input[row, 1 : len(seq)] = torch.tensor(seq[:-1])
        hidden = encoded.last_hidden_state.expand(rows, -1, -1)  # one sentence: no padding, no mask
        with torch.no_grad():
            logits = self.model(encoder_outputs=BaseModelOutput(last_hidden_state=hidden),
                                decoder_input_ids=decoder_input).logits
        self.forward_passes += 1
        logprobs = logits.float().log_softmax(-1).gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        totals = (logprobs * (target != -100)).sum(dim=1).tolist()
        scores = [-math.inf] * len(labels)
        for n, total in zip(made, totals):
            scores[n] = total
        return scores


def sentence_label(analyses):
    """The interleaved label of the sentence as it stands (None if an analysis is misaligned)."""
    segmentation, glosses, _ = wa.assemble(analyses)
    try:
        return interleaved.make_label(segmentation, glosses)
    except interleaved.Misaligned:
        return None


def mer(figures, group):
    return figures[group]["glossing"]["morphemes"]["error_rate"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N sentences of each dev set")
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES), choices=LANGUAGES)
    parser.add_argument("--model", default=str(WORK / "sentence-model"), help="sentence model folder")
    parser.add_argument("--lexicon", default=str(WORK / "lexicon.jsonl"))
    parser.add_argument("--records", default=str(WORK / "records"), help="folder of LANGUAGE.dev.jsonl")
    parser.add_argument("--out", default=None, help="folder for gold and predictions [a new temporary one]")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # before torch is imported (and for igt-gloss)
    import torch

    torch.set_num_threads(args.threads)
    out = Path(args.out or tempfile.mkdtemp(prefix="model-chooser-"))
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    subsets, codes, full = {}, {}, {}
    for language in args.languages:
        records = read(Path(args.records) / f"{language}.dev.jsonl")
        full[language] = len(records)
        subsets[language] = records[: args.limit] if args.limit else records
        codes[language] = records[0]["glottocode"]
    gold = [record for records in subsets.values() for record in records]
    gold_path = out / "gold.jsonl"
    write(gold_path, gold)
    for chooser in ("frequent", "context"):
        igt_gloss(args.lexicon, chooser, gold_path, out / f"{chooser}.jsonl")
    from_igt_gloss = {r["id"]: (r.get("segmentation"), r.get("glosses")) for r in read(out / "context.jsonl")}

    chooser = ModelChooser(args.model, Lexicon.read([args.lexicon]))
    predictions, rows, out_of_sync = [], {}, 0
    for language in args.languages:
        before = (chooser.ambiguous, chooser.changed, time.monotonic())
        for record in subsets[language]:
            predicted, start = chooser.gloss(record)
            predictions.append(predicted)
            out_of_sync += start is not None and start != from_igt_gloss[record["id"]]
        rows[language] = (len(subsets[language]), chooser.ambiguous - before[0], chooser.changed - before[1],
                          time.monotonic() - before[2])
    write(out / "model.jsonl", predictions)

    figures = {name: score(gold_path, out / f"{name}.jsonl")[0] for name in ("frequent", "context", "model")}
    # The whole dev set at this subset's rate, per language (their sentences differ in length and ambiguity).
    estimate = {language: row[3] / max(row[0], 1) * full[language] for language, row in rows.items()}
    estimate[ALL] = sum(estimate.values())
    rows[ALL] = tuple(sum(column) for column in zip(*rows.values()))
    print(f"{'language':<10} {'sents':>5} {'frequent':>8} {'context':>8} {'model':>8} {'ambig':>6} {'changed':>7}"
          f" {'model s':>8}" + (f" {'full≈s':>7}" if args.limit else ""))
    for language, (sentences, ambiguous, changed, seconds) in rows.items():
        group = codes.get(language, ALL)
        line = f"{language:<10} {sentences:>5}" + "".join(
            f" {mer(figures[name], group):>8.4f}" for name in ("frequent", "context", "model"))
        line += f" {ambiguous:>6} {changed:>7} {seconds:>8.1f}"
        if args.limit:
            line += f" {estimate[language]:>7.0f}"
        print(line)
    summary = {language: {"sentences": sentences, "ambiguous": ambiguous, "changed": changed, "seconds": seconds,
                          **{name: mer(figures[name], codes.get(language, ALL)) for name in ("frequent", "context", "model")}}
               for language, (sentences, ambiguous, changed, seconds) in rows.items()}
    (out / "summary.json").write_text(json.dumps({"model": str(args.model), "limit": args.limit, "languages": summary},
                                                 indent=1) + "\n", encoding="utf-8")
    print(f"forward passes {chooser.forward_passes}; sync {out_of_sync}; wall {time.monotonic() - started:.1f} s; "
          f"threads {args.threads}; files in {out}")


if __name__ == "__main__":
    main()
