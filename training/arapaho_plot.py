"""Arapaho's curve as a figure: MER against N, the number of its sentences that are the lexicon,
for each system of `make arapaho-context`, beside its ceilings and the published PolyGloss points.

    python training/arapaho_plot.py WORK training/arapaho-context.png   # make -C training arapaho-context

Reads WORK/scores/arapaho.N.SYSTEM.json (igt-score's output); a system or a size without its file
is left out of the figure, so a partly run curve still plots. Prints each line's points on stderr.
"""

import argparse
import sys
from pathlib import Path

import results
from context_results import ARAPAHO_SIZES as SIZES
from context_results import PUBLISHED_ARAPAHO as PUBLISHED

# The systems drawn as solid lines, then the ceilings (training/ceilings.py) as dashed ones
SYSTEMS = {
    "lexicon-frequent": "plain lexicon",
    "analogy": "lexicon + analogy",
    "context": "+ models/sigmorphon",
    "context-lora": "+ models/sigmorphon adapted with igt-lora (5 min)",
}
CEILINGS = {
    "ceiling-segmented": "ceiling: gold segmentation, each morpheme its most frequent gloss",
    "ceiling-knowable": "ceiling: what the N sentences allow (knowable)",
}
# What this work aims at (training/RESULTS.md): at most 0.50 at N = 100 and 0.40 at N = 400
TARGETS = ((100, 0.50), (400, 0.40))


def points(work, systems, sizes=SIZES):
    """{system: [(N, MER)]} from WORK/scores, in N order; a system with no score file is left out."""
    found = {}
    for system in systems:
        line = []
        for n in sizes:
            scores = results.load(Path(work) / "scores" / f"arapaho.{n}.{system}.json")
            if scores is not None:
                line.append((n, results.headline(scores)[0]))
        if line:
            found[system] = line
    return found


def plot(path, lines, ceilings, published=PUBLISHED, targets=TARGETS):
    """The figure as a PNG: `lines` and `ceilings` are points()' output."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(10.5, 4.5))
    for system, line in lines.items():
        axis.plot(*zip(*line), marker="o", label=SYSTEMS[system])
    for system, line in ceilings.items():
        axis.plot(*zip(*line), marker=".", linestyle="--", label=CEILINGS[system])
    if published:
        axis.scatter(*zip(*published), marker="*", s=120, color="black", zorder=3,
                     label="PolyGloss LoRA, published (its test split)")
    if targets:
        axis.scatter(*zip(*targets), marker="x", s=80, color="red", zorder=3, label="targets")
    sizes = sorted({n for line in (*lines.values(), *ceilings.values()) for n, _ in line})
    axis.set_xscale("log")
    axis.set_xticks(sizes, [str(n) for n in sizes])
    axis.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    axis.set_xlabel("Arapaho sentences in the lexicon (N); nothing trained on Arapaho")
    axis.set_ylabel("MER (1,000 held-out sentences)")
    axis.set_ylim(0, 1)
    axis.set_title("Arapaho with N of its sentences as the evidence")
    axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the lines, not over them
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="the recipe's WORK folder (its scores/)")
    parser.add_argument("out", type=Path, help="the PNG to write")
    args = parser.parse_args(argv)
    lines, ceilings = points(args.work, SYSTEMS), points(args.work, CEILINGS)
    if not lines:
        sys.exit(f"arapaho_plot.py: no Arapaho score files in {args.work / 'scores'} (make arapaho-context)")
    for system, line in (*lines.items(), *ceilings.items()):
        print(f"{system}: " + ", ".join(f"{n} {mer:.3f}" for n, mer in line), file=sys.stderr)
    plot(args.out, lines, ceilings)


if __name__ == "__main__":
    main()
