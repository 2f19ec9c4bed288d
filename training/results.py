"""Write training/RESULTS.md from the score files that training/Makefile makes.

    make -C training results      # python results.py --work WORK --model MODEL ... --keep RESULTS.md

The dated notes at the top of the page are written by hand; with --keep the page they are in
(the one being replaced) they are carried over, between NOTES_BEGIN and NOTES_END. So are the
sections of runs that take hours (the *_SECTION headings) when this page is made without their work
folders, marked as carried over.

Reads WORK/scores/LANGUAGE.SYSTEM.json (igt-score output), the igt-gloss
summaries beside the glossed files (WORK/gloss/*.log: time and words/s),
WORK/scores/*.corrections.jsonl, WORK/scores/word-stats.json and the model's
igt_tools.json; with --family/--arapaho, the adaptation runs' files (adaptation.py).
Every figure in the page comes from those files, or from the page it replaces where it says so.
"""

import argparse
import csv
import json
import re
from pathlib import Path

import adaptation
from igt_tools.formats.aligned import DOUBTFUL

# training/languages.tsv, the one table of the SIGMORPHON 2023 languages: [language, file prefix,
# glottocode, metalanguage, "yes" if it has a training split], in its order.
ROWS = [line.split("\t") for line in (Path(__file__).resolve().parent / "languages.tsv").read_text(encoding="utf-8")
        .splitlines() if line and not line.startswith(("#", "language\t"))]
LANGUAGES = tuple(language for language, _, _, _, train in ROWS if train == "yes")
CODES = {language: glottocode for language, _, glottocode, _, _ in ROWS}
# Published test-set figures (docs/REFERENCE.md 5.5): PolyGloss interleaved MER, its segmentation F1,
# GlossLM v1 MER.
PUBLISHED = {"Arapaho": (0.152, 0.910, 0.161), "Tsez": (0.072, 0.972, 0.095), "Gitksan": (0.597, 0.595, 0.870),
             "Lezgi": (0.357, 0.782, 0.940), "Natugu": (0.142, 0.935, 0.893), "Nyangbo": (0.222, 0.959, 0.990),
             "Uspanteko": (0.160, 0.855, 0.163)}
SYSTEMS = {
    "lexicon-frequent": "(a) lexicon, most frequent analysis",
    "lexicon": "(a) lexicon, analysis by its neighbours",
    "analogy-stemless": "lexicon + analogy, no translation stems",
    "analogy": "lexicon + analogy (no model)",
    "model": "(b) word model alone",
    "lexicon-model": "(c) lexicon + word model",
    "hybrid-stemless": "(c) lexicon + analogy + word model, no translation stems",
    "hybrid": "(c) lexicon + analogy + word model",
    "sentence": "(d) sentence model, same budget",
    "default-alone": "(e) default model alone",
    "default": "(e) lexicon + analogy + default model",
}
# The system that speaks for igt-tools where it is present: the default model behind the lexicon,
# else the word model's, else no model.
BEST = ("default", "hybrid", "analogy")


def load(path):
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def read_jsonl(path):
    """A JSON lines file's records ([] where there is no such file)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def scores_of(work, language, system):
    """A language's scores for a system: its own file, else its group in the six languages' file
    (a system glossed on the six together only, like the slow sentence model)."""
    own = load(work / "scores" / f"{language}.{system}.json")
    if own is not None or language not in CODES:
        return own
    six = load(work / "scores" / f"six.{system}.json")
    group = six.get(CODES[language]) if six else None
    return {"all": group} if group else None


def headline(scores):
    """(MER, morpheme accuracy (micro), segmentation F1, alignment) of a score file's "all"."""
    a = scores["all"]
    return (a["glossing"]["morphemes"]["error_rate"], a["glossing"]["morphemes"]["accuracy"]["micro"],
            a["segmentation"]["f1"] if "segmentation" in a else None, a.get("alignment"))


def words_per_second(log):
    """Words/s from an igt-gloss summary line, or None."""
    if not log.is_file():
        return None
    found = re.findall(r"\(([0-9.]+) words/s", log.read_text(encoding="utf-8"))
    return float(found[-1]) if found else None


def _sentence_speed(work):
    speed = words_per_second(work / "gloss" / "six.sentence.log")
    return "not run in this work folder" if speed is None else f"{number(speed, 0)} words/s on the six"


def number(value, digits=3):
    return "" if value is None else f"{value:.{digits}f}"


def language_table(work, language):
    rows = ["| system | MER | morpheme acc. | seg. F1 | alignment | words/s |", "|---|---|---|---|---|---|"]
    for system, name in SYSTEMS.items():
        scores = scores_of(work, language, system)
        if scores is None:
            continue
        mer, acc, f1, alignment = headline(scores)
        wps = words_per_second(work / "gloss" / f"{language}.{system}.log")
        rows.append(f"| {name} | {number(mer)} | {number(acc)} | {number(f1)} | {number(alignment)} | "
                    f"{number(wps, 0)} |")
    return rows


def summary_table(work):
    systems = [s for s in SYSTEMS if (work / "scores" / f"six.{s}.json").is_file()]
    head = "| language | " + " | ".join(SYSTEMS[s] for s in systems) + " | PolyGloss (test) | GlossLM (test) |"
    rows = [head, "|" + "---|" * (len(systems) + 3)]
    for language in LANGUAGES + ("Arapaho", "six"):
        cells = []
        for system in systems:
            scores = scores_of(work, language, system)
            cells.append(number(headline(scores)[0]) if scores else "")
        published = PUBLISHED.get(language)
        label = "six together" if language == "six" else language
        rows.append(f"| {label} | " + " | ".join(cells) + " | "
                    + (f"{published[0]:.3f} | {published[2]:.3f}" if published else " | ") + " |")
    return rows


def best_system(work):
    """The first of BEST that WORK has scores of the six for, or None."""
    return next((system for system in BEST if (work / "scores" / f"six.{system}.json").is_file()), None)


def ratio_lines(work):
    base, best = "lexicon-frequent", best_system(work)
    if best is None or not (work / "scores" / f"six.{base}.json").is_file():
        return []
    lines = []
    for language in LANGUAGES + ("six",):
        plain, ours = (load(work / "scores" / f"{language}.{s}.json") for s in (base, best))
        if plain and ours:
            lines.append(f"- {language}: {headline(ours)[0]:.3f} / {headline(plain)[0]:.3f} = "
                         f"{headline(ours)[0] / headline(plain)[0]:.2f}x")
    return [f"MER of `{best}` against the plain lexicon (`{base}`), the quality bar's ratio:", ""] + lines


def per_language_lines(work, folder):
    """training/per_language.sh's adapters beside the multilingual model, per language (its results.tsv)."""
    path = folder / "results.tsv" if folder else None
    if path is None or not path.is_file():
        return []
    rows = ["| language | word model alone | with its adapter | lexicon + analogy + word model | with its adapter "
            "| igt-lora s |", "|---|---|---|---|---|---|"]
    together = None
    with open(path, encoding="utf-8") as stream:
        for row in csv.DictReader(stream, delimiter="\t"):
            language = row["language"]
            alone, hybrid = (scores_of(work, language, s) for s in ("model", "hybrid"))
            figures = (headline(alone)[0] if alone else None, float(row["model_MER"]),
                       headline(hybrid)[0] if hybrid else None, float(row["hybrid_MER"]))
            rows.append(f"| {language} | {number(figures[0])} | {figures[1]:.3f} | {number(figures[2])} | "
                        f"{figures[3]:.3f} | {row['lora_seconds']} |")
            together = figures if language == "six" else together
    if together and None not in together:
        rows += ["", f"On the six together, the adapters take the word model alone from {together[0]:.3f} to "
                 f"{together[1]:.3f}, but lexicon + analogy + model only from {together[2]:.3f} to {together[3]:.3f}:",
                 "the lexicon and analogy already gloss most of what an adapter teaches, so `models/sigmorphon-word`",
                 "ships as one multilingual model, without them."]
    return ["## Per-language fine-tuning (`bash training/per_language.sh`)", "",
            "`models/sigmorphon-word` adapted to each language with igt-lora (its defaults, at most 5 minutes on one",
            "CPU thread) on the word types of 90% of its training sentences, the other 10% as `--dev`; MER on",
            "the dev sets, beside the one multilingual model:", "", *rows, ""]


def corrections_table(work):
    rows = ["| language | block MER without corrections | with the earlier blocks' corrections |", "|---|---|---|"]
    for language in LANGUAGES:
        path = work / "scores" / f"{language}.corrections.jsonl"
        if not path.is_file():
            continue
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        mers = {w: [x["scores"]["all"]["glossing"]["morphemes"]["error_rate"] for x in lines
                    if x["with_corrections"] == w] for w in ("no", "yes")}
        rows.append(f"| {language} | " + " ".join(number(m) for m in mers["no"]) + " | "
                    + " ".join(number(m) for m in mers["yes"]) + " |")
    return rows


def stats_table(work):
    stats = load(work / "scores" / "word-stats.json")
    if not stats:
        return []
    rows = ["| language | dev word tokens | unseen in train | attested, most frequent analysis wrong | "
            "segmentation tier not the surface form | punctuation words in the tiers | raw transcriptions in NFD |",
            "|---|---|---|---|---|---|---|"]
    for language, s in stats.items():
        decomposed = "" if s["decomposed"] is None else f"{s['decomposed']:.0%}"
        rows.append(f"| {language} | {s['word_tokens']} | {s['unseen']:.1%} | {s['ambiguous_wrong']:.1%} | "
                    f"{s['canonical']:.1%} | {s['punctuation_words']} | {decomposed} |")
    return rows


def _chooser_section(work):
    """The chooser's section, [] where it was not run (it needs the sentence model, hours of training)."""
    lines = chooser_lines(work)
    if not lines:
        return []
    return [CHOOSER_SECTION,
            "", "`python training/model_chooser.py --out runs/real/chooser`: each word the lexicon attests with",
            "several analyses takes, left to right, the one whose whole sentence label the sentence model (d)",
            "gives the highest teacher-forced log-probability (no decoding), the other words as the context",
            "chooser left them. MER with the lexicon alone (`--no-guess`), by chooser:", "", *lines]


def chooser_lines(work):
    """training/model_chooser.py's figures: the sentence model choosing among attested analyses."""
    summary = load(work / "chooser" / "summary.json")
    if not summary or summary.get("limit"):
        return []
    rows = ["| language | ambiguous word tokens | changed by the model | frequent | context | model-scored |",
            "|---|---|---|---|---|---|"]
    for language, row in summary["languages"].items():
        rows.append(f"| {'six together' if language == 'all' else language} | {row['ambiguous']} | {row['changed']} | "
                    f"{number(row['frequent'])} | {number(row['context'])} | {number(row['model'])} |")
    return rows


def percent(x):
    return "-" if x is None else f"{x:.0%}"


CONFIDENCE_SYSTEMS = ("model", "hybrid", "default")  # training/Makefile's, in its order


def confidence_lines(work):
    """benchmarks/confidence_ranking.py's figures (its last line, JSON) per system glossed with --confidence."""
    figures = {}  # system -> its figures, for the systems measured
    for system in CONFIDENCE_SYSTEMS:
        path = work / "scores" / f"confidence.{system}.txt"
        if path.is_file():
            figures[system] = json.loads(path.read_text(encoding="utf-8").strip().splitlines()[-1])
    if not figures:
        return ["Not measured (`make -C training confidence`)."]
    rows = ["| system | MER | morpheme errors in the 20% least confident sentences | Spearman (confidence, "
            "sentence MER) | model-glossed words | their gloss error rate | in the 20% least confident |",
            "|---|---|---|---|---|---|---|"]
    for system, f in figures.items():
        rows.append(f"| {SYSTEMS[system]} | {number(f['mer'])} | {percent(f['errors_in_lowest'])} | "
                    f"{number(f['spearman'])} | {f['model_words']} | {percent(f.get('word_error_rate'))} | "
                    f"{percent(f.get('word_error_rate_in_lowest'))} |")
    rows += ["", f"Words marked doubtful (`?` in igt-format --to aligned: word confidence under {DOUBTFUL}):", "",
             "| system | share of model-glossed words | their gloss error rate | the others' |", "|---|---|---|---|"]
    for system, f in figures.items():
        if f.get("doubtful_share") is not None:
            rows.append(f"| {SYSTEMS[system]} | {percent(f['doubtful_share'])} | "
                        f"{percent(f['word_error_rate_doubtful'])} | {percent(f['word_error_rate_not_doubtful'])} |")
    return rows


def training_rows(models):
    """A row per trained model: its training time, examples seen and rate, dev loss."""
    rows = ["| model | unit | training | examples seen | examples/s (last log line) | best dev loss |",
            "|---|---|---|---|---|---|"]
    for name, folder in models:
        meta = load(folder / "igt_tools.json") if folder else None
        if not meta:
            rows.append(f"| {name} | | not in this work folder (trained apart, or not yet) | | | |")
            continue
        training = meta.get("training", {})
        log = (folder / "log.jsonl").read_text(encoding="utf-8").splitlines() if (folder / "log.jsonl").is_file() else []
        rate = json.loads(log[-1]).get("examples_per_s") if log else None
        rows.append(f"| {name} (`{folder.name}`) | {meta.get('unit')} | {training.get('seconds', 0) / 60:.0f} min, "
                    f"1 CPU thread | {training.get('examples_seen'):,} | {number(rate, 1)} | "
                    f"{meta.get('dev_loss', 0):.3f} |")
    return rows


def behind_lines(work):
    """Where the best system (best_system) is behind the published PolyGloss figure (a test-set figure)."""
    best = best_system(work)
    lines = []
    for language in LANGUAGES + ("Arapaho",):
        ours = scores_of(work, language, best) if best else None
        if ours and PUBLISHED.get(language) and headline(ours)[0] > PUBLISHED[language][0]:
            lines.append(f"- {language}: {headline(ours)[0]:.3f} against PolyGloss's {PUBLISHED[language][0]:.3f}")
    return [f"Where the best system here (`{best}`) is behind the published PolyGloss figure (on the test sets):",
            "", *lines] if best else []


def default_model_lines(folder):
    """The default model's training, stage by stage ([] without its folder)."""
    if not folder:
        return []
    import context_results  # here: it builds on this module's tables

    return [f"The default model (`{folder.name}`, the context model) was trained in stages, each from the one before:",
            "", *context_results.training_lines(folder), ""]


# The dated notes at the top of RESULTS.md are written by hand (what was measured, tried and
# left on a day); results.py carries them over from the page it replaces (--keep), between these lines.
NOTES_BEGIN = "<!-- dated notes, written by hand: make -C training results keeps them -->"
NOTES_END = "<!-- end of the dated notes -->"


def kept_notes(previous):
    """The hand-written notes of a previous RESULTS.md (its text; None: none), markers included;
    [] where it has none. A page with a begin marker and no end would lose what follows: refused."""
    if not previous or NOTES_BEGIN not in previous:
        return []
    start = previous.index(NOTES_BEGIN)
    end = previous.find(NOTES_END, start)
    if end < 0:
        raise SystemExit(f"results.py: the previous page has {NOTES_BEGIN!r} and no {NOTES_END!r}")
    return previous[start:end + len(NOTES_END)].splitlines()


# The headings (their beginnings) of the sections whose runs take hours and live in their own work
# folders: per_language.sh, family.sh and arapaho.sh, gpu.sh, make context-model, and the chooser,
# which needs the sentence model. A page regenerated without them, as a fresh clone's
# `make -C training results` would be, carries the previous page's text over, marked, rather than
# dropping figures nobody can remake in minutes.
PER_LANGUAGE_SECTION = "## Per-language fine-tuning"
ADAPTATION_SECTION = "## Adapting to a new language"
GPU_SECTION = "## On a GPU"
CONTEXT_SECTION = "## The context model:"
CHOOSER_SECTION = "## Choosing among attested analyses with a model"
CARRIED = ("(Carried over from the page this one replaced: this section's runs are not in the work "
           "folders this page was made from.)")


def previous_sections(previous):
    """heading -> lines (heading first, up to the next `## ` heading) of a previous page, outside its
    dated notes; {} without one."""
    if not previous:
        return {}
    notes = "\n".join(kept_notes(previous))
    sections, current = {}, None
    for line in previous.replace(notes, "", 1).splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line, [])
        if current is not None:
            current.append(line)
    return sections


def section_or_carried(lines, prefix, previous):
    """A long run's section as generated, else the previous page's one of that heading, marked as
    carried over (once), else []."""
    if lines:
        return lines
    old = previous_section(previous, prefix)
    return carried_over(old) if old else []


def carried_over(old):
    """A previous page's section or subsection (heading first), marked as carried over (once),
    without its trailing blank lines."""
    body = old[1:]
    while body and not body[-1].strip():
        body = body[:-1]
    if CARRIED not in body:
        body = ["", CARRIED, *body]
    return [old[0], *body]


def previous_section(previous, prefix):
    """The lines of the previous page's section whose heading starts with `prefix` ([] without one)."""
    return next((lines for heading, lines in previous.items() if heading.startswith(prefix)), [])


def subsections(lines):
    """(the lines before the first `### ` heading, [(heading's title, its lines, heading first)])."""
    before, parts = [], []
    for line in lines:
        if line.startswith("### "):
            parts.append((subsection_title(line), [line]))
        elif parts:
            parts[-1][1].append(line)
        else:
            before.append(line)
    return before, parts


def subsection_title(heading):
    """A `### ` heading up to its parenthesis: the recipe it names may change, the subject does not."""
    return heading.split(" (", 1)[0].strip()


def with_missing_subsections(lines, previous):
    """A section made from some of its runs, with the previous page's subsections for the runs that
    are missing carried over (marked) in their places: made from the Arapaho runs alone, the
    adaptation section would otherwise lose the demo family's figures."""
    before, made = subsections(lines)
    _, old = subsections(previous)
    made_titles = {title for title, _ in made}
    old_titles = [title for title, _ in old]
    # (place on the previous page, lines) of its subsections that nothing made now
    missing = [(place, [*carried_over(old_lines), ""]) for place, (title, old_lines) in enumerate(old)
               if title not in made_titles]
    out = list(before)
    for title, new in made:
        # a missing subsection goes before the first made one that followed it on the previous page
        while title in old_titles and missing and missing[0][0] < old_titles.index(title):
            out += missing.pop(0)[1]
        out += new
    for _, carried in missing:
        out += carried
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=None, help="the word model (models/sigmorphon-word)")
    parser.add_argument("--default-model", type=Path, default=None, help="the default model (models/sigmorphon)")
    parser.add_argument("--sentence-model", type=Path, default=None, help="the sentence-level model of make sentence-model")
    parser.add_argument("--family", type=Path, default=None, help="training/family.sh's work folder")
    parser.add_argument("--family-model", type=Path, default=None, help="its base model (models/family)")
    parser.add_argument("--arapaho", type=Path, default=None, help="training/arapaho.sh's work folder")
    parser.add_argument("--family-check", type=Path, default=None, help="training/family_check.sh's work folder")
    parser.add_argument("--per-language", type=Path, default=None, help="training/per_language.sh's work folder")
    parser.add_argument("--plot", type=Path, default=None, help="the adaptation curves' PNG")
    parser.add_argument("--gpu", type=Path, default=None, help="what training/gpu.sh brought back (training/gpu)")
    parser.add_argument("--context-model", type=Path, default=None, help="the context model (make context-model)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="the RESULTS.md this page replaces: its dated notes are carried over, and the "
                             "long runs' sections this page is made without")
    args = parser.parse_args()
    work = args.work
    previous = args.keep.read_text(encoding="utf-8") if args.keep and args.keep.is_file() else None
    notes = kept_notes(previous)
    carried = previous_sections(previous)
    out = [
        "# Results on real languages (SIGMORPHON 2023 dev sets)",
        "",
        "Generated by `make -C training results` (training/results.py) from the score files; do not edit by",
        "hand, except the dated notes at the top, which it keeps. Dev figures, on this 2-core CPU. The",
        "published PolyGloss and GlossLM figures are on the *test* sets (docs/REFERENCE.md 5.5), so they",
        "compare only roughly. Arapaho has no training data: the lexicon knows none of its words.",
        "A section of runs that take hours, made without their work folders, is the previous page's,",
        "marked as carried over.",
        "",
        "Decoding words/s (per language below) are igt-gloss's own figures (model loading excluded) on",
        "one CPU thread while another job ran on the other core; `benchmarks/word_gloss_speed.py`",
        "measures them on their own.",
        "",
        *([*notes, ""] if notes else []),
        "## Morpheme error rate (MER, lower is better)",
        "",
        *summary_table(work),
        "",
        *ratio_lines(work),
        "",
        "The systems, each an igt-gloss run on every dev set (training/Makefile, `GLOSS_<system>`), the",
        "lexicon being the six SIGMORPHON training sets:",
        "",
        "- (a) `lexicon-frequent`: `--lexicon --choose frequent --no-guess` (the plain baseline);",
        "  `lexicon`: `--lexicon --no-guess` (an ambiguous word's analysis chosen by its neighbours)",
        "- `analogy`: `--lexicon` (unseen words guessed by analogy, a stem still unknown glossed with a",
        "  word of the translation: igt-gloss's default, no model); `analogy-stemless`: the same with",
        "  `--no-translation-stems`",
        "- (b) `model`: `--model models/sigmorphon-word` alone (every word through the word model)",
        "- (c) `lexicon-model`: `--lexicon --no-guess --model`; `hybrid`: `--lexicon --model` (lexicon, then",
        "  the model where it is sure of an unseen word, else analogy, with translation stems: igt-gloss's",
        "  defaults with the word model); `hybrid-stemless`: the same with `--no-translation-stems`",
        "- (d) `sentence`: the sentence-level recipe, one tiny multilingual model over whole sentences",
        "  trained for the same budget (`make -C training sentence-model`), alone; glossed on the six dev",
        "  sets together and on Arapaho (`make -C training sentence-scores`: "
        f"{_sentence_speed(work)})",
        "- (e) `default`: `--lexicon --model models/sigmorphon`, igt-gloss's defaults with the default",
        "  model (the context model: each unseen word asked about in its sentence, with what the lexicon",
        "  knows of it and of similar words; analogy where the model is unsure, and the model choosing among",
        "  analogy's candidates); `default-alone`: the same model asked about every word",
        "  (`--ask-model all --no-guess`), the lexicon as its evidence only",
        "",
        *behind_lines(work),
        "",
        "PolyGloss is ByT5-base, further pretrained on about 350k examples in about 2,000 languages on",
        "GPUs; the models here are tiny ByT5s (4.7M parameters) trained on a 2-core CPU: the word model",
        "for 110 minutes, the default model from it for about 5 hours more. The gap is largest where",
        "unseen words need stems that the training data does not have: analogy gets their affixes right",
        "far more often than their stems, and the tiny models, trained on these languages and ODIN only,",
        "rarely know a stem they have not seen, unless the translation names it. Arapaho has no",
        "training data here at all: the lexicon knows none of its words, and only the models can say",
        "anything about it.",
        "",
        "## Training",
        "",
        *training_rows([("word model", args.model), ("sentence model", args.sentence_model)]),
        "",
        *default_model_lines(args.default_model),
        "## Per language",
    ]
    for language in LANGUAGES + ("Arapaho",):
        out += ["", f"### {language} ({CODES[language]})", "", *language_table(work, language)]
    out += _spaced(section_or_carried(per_language_lines(work, args.per_language) if args.per_language else [],
                                      PER_LANGUAGE_SECTION, carried))
    out += ["", "## Corrections count at once", "",
            "Each dev set glossed in order, in blocks of 50 sentences; before each block the gold analyses",
            "of the blocks before it are added to the lexicon, as a linguist's corrections would be. MER per block:",
            "", *corrections_table(work),
            "", "## How well `--confidence` ranks errors",
            "", "`make -C training confidence`: the six dev sets glossed with `--confidence`, then",
            "`benchmarks/confidence_ranking.py` (by chance, 20% of the errors would fall in the 20% least",
            "confident sentences; a Spearman of -1 would be a perfect ranking). A sentence the lexicon",
            "glossed alone has confidence 0.",
            "", *confidence_lines(work),
            *_spaced(section_or_carried(_chooser_section(work), CHOOSER_SECTION, carried)),
            "", "## The words of the dev sets", "", *stats_table(work)]
    adapting = []
    if args.family or args.arapaho or args.family_check:
        adapting = adaptation.section(args.family, args.family_model, args.arapaho, args.model, args.family_check)
        adapting = with_missing_subsections(adapting, previous_section(carried, ADAPTATION_SECTION))
        if args.plot:
            # drawn only from both runs: from one, it would lose the other's curve
            if args.family and args.arapaho:
                adaptation.write_plot(args.plot, args.family, args.family_model, args.arapaho, args.model)
            adapting += ["", f"![adaptation curves and perplexity against MER]({args.plot.name})"]
    out += _spaced(section_or_carried(adapting, ADAPTATION_SECTION, carried))
    gpu = []
    if args.gpu:
        import gpu_results  # here: it builds on this module's tables

        gpu = gpu_results.section(work, args.gpu)
    out += _spaced(section_or_carried(gpu, GPU_SECTION, carried))
    context = []
    if args.context_model:
        import context_results  # here: it builds on this module's tables

        context = context_results.section(work, args.context_model)
    out += _spaced(section_or_carried(context, CONTEXT_SECTION, carried))
    print("\n".join(out))


def _spaced(lines):
    """A section after a blank line; nothing for none."""
    return ["", *lines] if lines else []


if __name__ == "__main__":
    main()
