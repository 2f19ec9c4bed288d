"""RESULTS.md's section on the context model (models/sigmorphon, the default real-language model since 2026-12-06).

    python results.py ... --context-model DIR     # make -C training results

Reads WORK/scores/LANGUAGE.SYSTEM.json for the systems context, context-rerank, context-choose and context-alone
(make context-scores), the ceilings (make ceilings), the Arapaho curve
(WORK/scores/arapaho.N.SYSTEM.json, make arapaho-context), the model's
igt_tools.json and, if present, WORK/scores/context-speed.txt
(benchmarks/word_gloss_speed.py's output). A figure whose file is missing is left blank.
"""

import json
import re
from pathlib import Path

import results

COLUMNS = {
    "lexicon-frequent": "plain lexicon",
    "analogy": "lexicon + analogy (no model)",
    "hybrid": "+ context-free word model",
    "hybrid-rerank": "+ word model choosing among analogy's candidates",
    "context": "+ context model",
    "context-rerank": "+ context model, also choosing among analogy's candidates",
    "context-choose": "+ context model, only choosing among analogy's candidates",
    "context-alone": "context model alone, lexicon as evidence",
    "ceiling-unseen": "ceiling: unseen words perfect",
    "ceiling-choice": "ceiling: perfect choice among attested",
    "ceiling-candidates": "ceiling: lexicon + analogy, perfect choice among its candidates",
}
ARAPAHO_SYSTEMS = {"lexicon-frequent": "plain lexicon", "analogy": "lexicon + analogy", "context": "+ context model",
                   "context-rerank": "+ context model choosing among analogy's candidates",
                   "context-lora": "+ context model adapted with igt-lora (5 min)"}
# The curve's sizes (the Makefile's ARAPAHO_SIZES; 3,662 is all of the lexicon pool)
ARAPAHO_SIZES = (50, 100, 200, 400, 1000, 3662)
# PolyGloss's LoRA curve on Arapaho as published (docs/REFERENCE.md: 0.57 at 50 examples, 0.34 at 380),
# (N, MER) on its own test split: a rough comparison. The table shows each beside its nearest size.
PUBLISHED_ARAPAHO = ((50, 0.57), (380, 0.34))


def published_cell(n, sizes):
    """The published point whose nearest size is n, as a table cell ("0.340 at N = 380" off the row's N)."""
    cells = [f"{mer:.3f}" + (f" at N = {at}" if at != n else "") for at, mer in PUBLISHED_ARAPAHO
             if min(sizes, key=lambda size: abs(size - at)) == n]
    return ", ".join(cells)


def mer(work, name, system):
    scores = results.scores_of(work, name, system)
    return results.headline(scores)[0] if scores else None


def dev_table(work):
    names = list(results.LANGUAGES) + ["six"]
    rows = ["| language | " + " | ".join(COLUMNS.values()) + " | PolyGloss (test) |",
            "|---" * (len(COLUMNS) + 2) + "|"]
    for name in names:
        cells = [results.number(mer(work, name, system)) for system in COLUMNS]
        published = results.PUBLISHED.get(name)
        rows.append(f"| {'six together' if name == 'six' else name} | " + " | ".join(cells)
                    + f" | {results.number(published[0]) if published else ''} |")
    return rows


def verdict_lines(work):
    out = []
    for name in list(results.LANGUAGES) + ["six"]:
        context, analogy = mer(work, name, "context"), mer(work, name, "analogy")
        if context is None or analogy is None:
            continue
        published = results.PUBLISHED.get(name)
        against = f"; PolyGloss {published[0]:.3f}" if published else ""
        reranked = mer(work, name, "context-rerank")
        choosing = f", {reranked:.3f} also choosing among analogy's candidates ({reranked - analogy:+.3f})" if reranked is not None else ""
        out.append(f"- {name}: {context:.3f} with the context model, {analogy:.3f} without "
                   f"({context - analogy:+.3f}){choosing}{against}")
    return out


def arapaho_table(work, sizes):
    rows = ["| N | " + " | ".join(ARAPAHO_SYSTEMS.values()) + " | PolyGloss LoRA (published, roughly) |",
            "|---" * (len(ARAPAHO_SYSTEMS) + 2) + "|"]
    for n in sizes:
        cells = []
        for system in ARAPAHO_SYSTEMS:
            scores = results.load(work / "scores" / f"arapaho.{n}.{system}.json")
            cells.append(results.number(results.headline(scores)[0]) if scores else "")
        rows.append(f"| {n} | " + " | ".join(cells) + f" | {published_cell(n, sizes)} |")
    return rows


def training_lines(model):
    """A line per training stage: a model continued from a context model (make context-model-more) has one per stage."""
    meta = results.load(model / "igt_tools.json") if model else None
    if not meta or meta.get("unit") != "context":
        return [f"({model} is not a context model's folder yet: no training figures.)"]
    lines = []
    init = _folder(meta.get("init") or "")
    # A stage shipped into the folder it started from records that folder as its start: no earlier stage to read.
    same = init.is_absolute() and init.resolve() == Path(model).resolve()
    earlier = results.load(init / "igt_tools.json") if init.is_absolute() and not same else None
    if earlier and earlier.get("unit") == "context":
        lines += training_lines(init)
    else:
        lines += shipped_stage_lines(model)
    training = meta.get("training", {})
    start = f"`{init.parent.name}/{init.name}`" if earlier else f"`{meta.get('init')}`"
    if not earlier and not same and not (init / "igt_tools.json").is_file():
        start += " (a folder not in this checkout)"
    return lines + [
        f"- {training.get('examples_seen', 0):,} examples seen in {training.get('seconds', 0) / 60:.0f} minutes "
        f"({training.get('steps', 0):,} steps, peak rate {training.get('options', {}).get('lr')}), best dev loss "
        f"{meta.get('dev_loss', 0):.3f}, starting from {start}; retrieval settings {json.dumps(meta.get('retrieval'))}"]


def shipped_stage_lines(model):
    """A line per earlier stage whose log a shipped folder keeps (log-1.jsonl, log-2.jsonl, ...:
    make default-model's and context-ship's), for when the stage's own folder is not here to read."""
    lines = []
    stages = {int(path.stem[len("log-"):]): path for path in Path(model).glob("log-*.jsonl")
              if path.stem[len("log-"):].isdigit()}
    for log in (stages[n] for n in sorted(stages)):
        entries = results.read_jsonl(log)
        losses = [entry["dev_loss"] for entry in entries if entry.get("dev_loss") is not None]
        if not entries:
            continue
        if not losses:
            lines.append(f"- (`{log.name}`: no dev loss logged)")
            continue
        last = entries[-1]
        lines.append(f"- {last.get('examples', 0):,} examples seen in {last.get('elapsed_s', 0) / 60:.0f} minutes "
                     f"({last.get('step', 0):,} steps), best dev loss {min(losses):.3f} (its log: `{log.name}`)")
    return lines


def _folder(recorded):
    """A recorded --model path as a folder here: as recorded, or relative to where a recipe ran
    igt-train (the repository root, or training/); unchanged when none of them holds it."""
    path = Path(recorded)
    if path.is_absolute() or not recorded:
        return path
    root = Path(__file__).resolve().parent.parent
    for base in (root, root / "training"):
        if (base / path / "igt_tools.json").is_file():
            return (base / path).resolve()
    return path


def speed_lines(work):
    """igt-gloss's own summaries, when the benchmark (scores/context-speed.txt) has not been run."""
    if (work / "scores" / "context-speed.txt").is_file():
        return []
    return _summary_speed_lines(work)


def threshold_lines(path):
    """The best and the telling rows of training/thresholds.py's table (WORK/context/thresholds.tsv)."""
    if not path.is_file():
        return []
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    by_pair = {(float(choice), float(model)): float(mer) for mer, choice, model in rows}
    best = min(by_pair, key=by_pair.get)
    always = by_pair.get((-1e9, -1e9))
    chosen = by_pair.get((-1e9, best[1]))
    return [
        "Thresholds (`python training/thresholds.py` on the six dev sets, from one glossing that trusted",
        f"the model always): best `--trust-choice {best[0]:g} --trust-model {best[1]:g}`, MER {by_pair[best]:.3f}; "
        f"the model trusted always, {always:.3f}; its choices among attested analyses always taken "
        f"(with the best `--trust-model`), {chosen:.3f}. A `--trust-choice` of 0 takes none of them.",
    ]


SUMMARY = re.compile(r"glossed in ([0-9.]+) s .*?; ([0-9]+) words \(")


def six_speed(work, system):
    """Words/s of a system over the six languages' igt-gloss summaries (their words over their seconds)."""
    words = seconds = 0.0
    for language in results.LANGUAGES:
        log = work / "gloss" / f"{language}.{system}.log"
        found = SUMMARY.findall(log.read_text(encoding="utf-8")) if log.is_file() else []
        if not found:
            return None
        seconds, words = seconds + float(found[-1][0]), words + int(found[-1][1])
    return words / seconds if seconds else None


def _summary_speed_lines(work):
    context, rerank = six_speed(work, "context"), six_speed(work, "context-rerank")
    word = results.words_per_second(work / "gloss" / "six.hybrid.log")
    if context is None:
        return []
    return [f"Speed, igt-gloss's own summaries on the six dev sets (one CPU thread each, two glossings and",
            f"often a training run sharing the 2 cores): {context:.1f} words/s with the context model,",
            f"{results.number(rerank, 1)} also choosing among analogy's candidates, against {results.number(word, 1)} words/s",
            "with the context-free word model behind the same lexicon (`hybrid`, the main table's run). A context",
            "input is 215 bytes at the median (the training examples'), a word input about 15: at this size the",
            "context model is far from 400 words/s on this CPU."]


def section(work, model, sizes=ARAPAHO_SIZES):
    speed = work / "scores" / "context-speed.txt"
    thresholds = work / "context" / "thresholds.tsv"
    out = [
        "## The context model: a word in its context, with the lexicon's evidence",
        "",
        "`make -C training context-model context-model-more context-scores arapaho-context` (shipped as",
        "models/sigmorphon, the default real-language model; the context-free word model is models/sigmorphon-word). One",
        "example per word: the word, a neighbour each side, the translation, its own attested analyses",
        "with counts and the analyses of the three attested words most like it (igt-format --unit",
        "context). `context`: igt-gloss asks it about unseen words, analogy's guess staying where it is",
        "less sure than `--trust-model` (the recipe's -0.05, measured below); with `--trust-choice` also",
        "about attested words no analysis of which has 90% of the attestations. `context-rerank`: the",
        "same, and where its own analysis is not trusted it scores analogy's candidates in context",
        "(teacher-forced, no search; `--rerank 0`: its likeliest replaces the guess). `hybrid-rerank`:",
        "the context-free word model choosing the same way. `context-alone`: every word asked",
        "(`--ask-model all --no-guess`), the lexicon as evidence only. The ceilings",
        "(training/ceilings.py) give each unseen word, or each attested word, its gold analysis behind",
        "the plain lexicon; the last one gives an unseen word its gold analysis where it is among",
        "analogy's candidates (what `--rerank` could reach without the model's own analyses).",
        "",
        *training_lines(model),
        "",
        *dev_table(work),
        "",
        *verdict_lines(work),
        "",
        *threshold_lines(thresholds),
        "",
        *speed_lines(work),
        "",
        "### Arapaho: N of its sentences as the lexicon, nothing trained on it",
        "",
        "Test: its dev sentences 501-1,500 (arapaho.sh's test); the lexicon: the first N of the others",
        "(sentences 1-400, then 1,501 on; 3,662 is all of them).",
        "",
        *arapaho_table(work, sizes),
    ]
    if (Path(__file__).parent / "arapaho-context.png").is_file():  # make arapaho-context draws it
        out += ["", "![Arapaho's curve: MER against N, with the ceilings and PolyGloss](arapaho-context.png)"]
    if speed.is_file():
        out += ["", "### Speed (benchmarks/word_gloss_speed.py, one CPU thread)", "", "```",
                *speed.read_text(encoding="utf-8").rstrip().splitlines(), "```"]
    return out
