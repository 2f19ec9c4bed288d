"""RESULTS.md's GPU section, from what training/gpu.sh brought back and the CPU scores of its model.

    make -C training results        # results.py includes it when training/gpu/ holds the figures

Reads GPU/training_speed.jsonl and GPU/decoding_speed.jsonl (benchmarks/training_speed.py
and decoding_speed.py on the H200), GPU/training_speed.cpu.jsonl (the same benchmark on this
CPU), the sentence model's GPU/sentence-model.igt_tools.json and .log.jsonl, and WORK/scores/{six,Arapaho-500}.SYSTEM.json
(make -C training gpu-scores, and the CPU systems). results.py includes it with --gpu.
"""

import argparse
from pathlib import Path

from results import CODES, LANGUAGES, load, number, read_jsonl

# The CPU systems shown beside the GPU model (results.py's names).
BESIDE = {
    "lexicon-frequent": "lexicon, most frequent analysis (CPU)",
    "analogy": "lexicon + analogy, no model (CPU)",
    "model": "`models/sigmorphon-word` alone (tiny word model, 110 CPU min)",
    "hybrid": "lexicon + analogy + `models/sigmorphon-word` (the CPU word model)",
    "gpu-sentence": "**GPU sentence model alone** (mini, 3.5 min on an H200)",
    "gpu-sentence-lexicon": "**lexicon + analogy + GPU sentence model**",
}


def mer(scores, group="all"):
    block = scores.get(group) if scores else None
    return block["glossing"]["morphemes"]["error_rate"] if block else None


def speed_rows(figures):
    rows = ["| shape | parameters | device | variant | batch tokens | examples/s | tokens/s (real) | padding | "
            "peak memory | TFLOP/s | share of 790 |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for f in figures:
        device = f["device"] if f["device"] != "cpu" else f"cpu, {f['threads']} thread(s)"
        memory = f"{f['peak_memory_gb']:.1f} GB" if f.get("peak_memory_gb") is not None else ""
        share = f"{f['share']:.1%}" if f["device"] != "cpu" else ""
        rows.append(f"| {f['run']} {f['preset']} | {f['parameters'] / 1e6:.1f}M | {device} | {f['variant']} | "
                    f"{f['batch_tokens']:,} | {f['examples_per_s']:,.1f} | {f['tokens_per_s']:,.0f} | "
                    f"{f['padding']:.1%} | {memory} | {f['tflops']:.2f} | {share} |")
    return rows


def decoding_rows(figures):
    rows = ["| model | dtype | beams | sentences/s | words/s | against the naive loop | identical to `generate` | "
            "bf16 = float32 (sentences) | decoder reads | share of 4.3 TB/s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for f in figures:
        naive = f"{f['speedup_over_naive']:.2f}x ({f['naive_inputs']} inputs)" if "speedup_over_naive" in f else ""
        same = (f"{f['identical_to_generate']} of {f.get('compared_with_generate', f['naive_inputs'])}"
                if "identical_to_generate" in f else "")
        agree = (f"{f['sentences_agreeing_with_float32'] / f['sentences']:.1%}"
                 if "sentences_agreeing_with_float32" in f else "")
        rows.append(f"| `{Path(f['model']).name}` ({f['unit']}) | {f['dtype']} | {f['beams']} | "
                    f"{f['sentences_per_s']:,.1f} | {f['words_per_s']:,.0f} | {naive} | {same} | {agree} | "
                    f"{f['decoder_bytes_per_s'] / 1e9:,.1f} GB/s | {f['bandwidth_share']:.2%} |")
    return rows


def curve_rows(gpu):
    log = read_jsonl(gpu / "sentence-model.log.jsonl")
    rows = ["| step | examples seen | epochs | minutes | train loss | dev loss |", "|---|---|---|---|---|---|"]
    for record in log:
        if record.get("dev_loss") is None:
            continue
        rows.append(f"| {record['step']} | {record['examples']:,} | {record.get('epoch', 0):.2f} | "
                    f"{record.get('elapsed_s', 0) / 60:.1f} | {number(record.get('train_loss'))} | "
                    f"{record['dev_loss']:.3f} |")
    return rows


def longer_run_lines(gpu, target=1.007, target_name="the CPU's tiny sentence model (110 CPU minutes)"):
    """What a longer run needs, from the learning curve's last stretch (a linear extrapolation)."""
    log = [r for r in read_jsonl(gpu / "sentence-model.log.jsonl") if r.get("dev_loss") is not None]
    if len(log) < 3:
        return []
    first, last = log[len(log) // 2], log[-1]
    slope = (first["dev_loss"] - last["dev_loss"]) / (last["examples"] - first["examples"]) * 100_000
    rate = last["examples_per_s"]
    if slope <= 0:
        return [f"Over the second half of the run the dev loss did not fall ({first['dev_loss']:.3f} -> "
                f"{last['dev_loss']:.3f}): a longer run needs another learning rate or a larger model first."]
    needed = (last["dev_loss"] - target) / slope * 100_000
    return [f"Over the run's second half the dev loss fell {slope:.3f} per 100,000 examples "
            f"({first['dev_loss']:.3f} -> {last['dev_loss']:.3f}). At that rate it would reach {target_name}'s "
            f"{target:.3f} after another {needed / 1e6:.1f} million examples ({needed / len_examples(gpu):.0f} "
            f"epochs), {needed / rate / 3600:.1f} hours at the run's {rate:,.0f} examples/s. Losses fall more slowly "
            "than that, so this is a lower bound: a useful sentence model needs an hour or more on the card (several "
            "10-minute calls with `--resume`) and a shape that uses more of the card."]


def len_examples(gpu):
    meta = load(gpu / "sentence-model.igt_tools.json") or {}
    # the examples of one epoch: the first evaluation's examples over its epoch fraction
    log = [r for r in read_jsonl(gpu / "sentence-model.log.jsonl") if r.get("epoch")]
    return log[0]["examples"] / log[0]["epoch"] if log else meta.get("training", {}).get("examples_seen", 1)


def quality_rows(work):
    head = "| system | " + " | ".join(LANGUAGES) + " | six together | Arapaho (first 500) |"
    rows = [head, "|" + "---|" * (len(LANGUAGES) + 3)]
    for system, name in BESIDE.items():
        six = load(work / "scores" / f"six.{system}.json")
        own = [load(work / "scores" / f"{language}.{system}.json") for language in LANGUAGES]
        cells = [number(mer(o)) if o else number(mer(six, CODES[language])) for language, o in zip(LANGUAGES, own)]
        arapaho = load(work / "scores" / f"Arapaho-500.{system}.json")
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {number(mer(six))} | {number(mer(arapaho))} |")
    return rows


def section(work, gpu):
    gpu_speed = read_jsonl(gpu / "training_speed.jsonl")
    cpu_speed = read_jsonl(gpu / "training_speed.cpu.jsonl")
    decoding = read_jsonl(gpu / "decoding_speed.jsonl")
    meta = load(gpu / "sentence-model.igt_tools.json")
    training = (meta or {}).get("training", {})
    best = max((f for f in gpu_speed if f["device"] != "cpu"), key=lambda f: f["tflops"], default=None)
    out = ["## On a GPU (training/gpu.sh on one H200)", "",
           "`training/gpu.sh` ran once on an H200 (one call, about 9 minutes); its log and figures are in",
           f"[training/gpu/]({gpu.name}/). Figures on the CPU are this 2-core machine's, shared with other work.",
           "", "### Training speed (benchmarks/training_speed.py)", "",
           "FLOPs are 6 x parameters x tokens, per stack: encoder parameters x input tokens plus decoder",
           "parameters (with the output layer) x label tokens, padded tokens included (the card computes",
           "them); attention's score products are not counted, so TFLOP/s are slight underestimates.",
           "`fused` is igt-train now (fused AdamW, no host sync in the loop), `plain` igt-train before;",
           "`compile` adds torch.compile.", "", *speed_rows(gpu_speed), ""]
    if best:
        out += [f"Best: {best['run']} {best['preset']} at {best['batch_tokens']:,} tokens a batch, "
                f"{best['tflops']:.1f} TFLOP/s, {best['share']:.1%} of the card's dense bf16 rate.", ""]
    if cpu_speed:
        out += ["The same shapes on this CPU, for comparison (8,192 tokens a batch; other work kept the load",
                "average at 1-6 on its 2 cores meanwhile, so these figures are low):", "", *speed_rows(cpu_speed), ""]
    out += ["### The sentence-level PolyGloss recipe, scaled down", ""]
    if meta:
        out += [f"`models/gpu-sentence`: preset mini (12.0M parameters), interleaved, PolyGloss "
                f"prompts, with the auxiliary t2g and s2g examples; {training.get('seconds', 0) / 60:.1f} minutes "
                f"of training on one H200 under `torchrun --nproc_per_node 1`, "
                f"{training.get('examples_seen', 0):,} examples seen, best dev loss {meta.get('dev_loss', 0):.3f}. "
                "Dev loss against examples seen:", "", *curve_rows(gpu), "", *longer_run_lines(gpu), ""]
    else:
        out += ["(no model came back)", ""]
    out += ["MER on the dev sets, glossed on this CPU (`make -C training gpu-scores`), beside the CPU systems:",
            "", *quality_rows(work), "", "### Decoding (benchmarks/decoding_speed.py, six dev sets)", "",
            *decoding_rows(decoding)]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--gpu", type=Path, required=True)
    args = parser.parse_args()
    print("\n".join(section(args.work, args.gpu)))


if __name__ == "__main__":
    main()
