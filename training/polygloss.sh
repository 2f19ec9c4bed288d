#!/bin/sh
# Recipe: the PolyGloss recipe, a sentence-level model (interleaved task, the auxiliary tasks,
# PolyGloss prompts) trained and evaluated on SIGMORPHON 2023 shared-task languages. Not the
# word model models/sigmorphon-word (make model ship), nor the Makefile's sentence-model, which
# trains on compact prompts at the word model's budget.
#
#   make -C training polygloss POLYGLOSS=Tsez                 # tiny model from scratch, CPU
#   make -C training polygloss POLYGLOSS="Tsez Uspanteko" INIT= BASE=google/byt5-base   # the paper's set-up, GPU
#   make -C training polygloss POLYGLOSS=Lezgi INIT= BASE=lecslab/polygloss-byt5-interleaved-2025-12-28
#   make -C training polygloss NPROC=4 INIT=base              # all six, from scratch, 4 GPUs (torchrun)
#
# Languages (POLYGLOSS, the script's arguments): those with a training split in
# training/languages.tsv, or `all` (one multilingual model). Each step is a plain
# igt-* command, so any of them can be rerun by hand:
#
#   igt-clean (marker text -> records) | igt-format --split train   -> train examples
#   igt-clean | igt-format                                         -> dev examples, dev records
#   igt-train --dev  ->  $WORK/model;  igt-gloss | igt-score        -> $WORK/scores.json
#
# Settings (make's or the environment's; paths relative to the repository root): DATA
# (../shared/data), WORK (make: POLYGLOSS_WORK; runs/polygloss-<languages>), INIT (tiny; empty
# to start from BASE), BASE (a model folder or name to fine-tune), TASK (interleaved), PROMPTS (polygloss),
# NPROC (processes for torchrun; 1: plain), TRAIN_ARGS (more igt-train options, e.g.
# "--max-minutes 60 --early-stopping 3"), GLOSS_ARGS (more igt-gloss options).
# An interrupted run continues where it stopped: rerun the same command (--resume).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
DATA=${DATA:-../shared/data}
INIT=${INIT-tiny}
BASE=${BASE:-}
TASK=${TASK:-interleaved}
PROMPTS=${PROMPTS:-polygloss}
NPROC=${NPROC:-1}
TRAIN_ARGS=${TRAIN_ARGS:-}
GLOSS_ARGS=${GLOSS_ARGS:-}

[ $# -ge 1 ] || { sed -n '2,25p' "$0" >&2; exit 2; }
languages=$*
WORK=${WORK:-runs/polygloss-$(echo "$languages" | tr ' ' '-')}
[ "$languages" = all ] && languages=$(awk -F '\t' '!/^#/ && $5 == "yes" { print $1 }' training/languages.tsv)
mkdir -p "$WORK"

info() {  # language -> its file prefix, glottocode and metalanguage (training/languages.tsv)
    row=$(awk -F '\t' -v language="$1" '!/^#/ && $1 == language && $5 == "yes" { print $2, $3, $4 }' training/languages.tsv)
    [ -n "$row" ] || { echo "unknown language: $1 (no training split?)" >&2; exit 2; }
    echo "$row"
}

clean() {  # language split -> records on stdout
    set -- "$1" "$2" $(info "$1")
    igt-clean --quiet --from sigmorphon --language "$1" --glottocode "$4" --metalanguage "$5" \
        "$DATA/sigmorphon2023/$1/$3-$2-track2-uncovered"
}

: > "$WORK/train.examples.jsonl"
: > "$WORK/dev.examples.jsonl"
: > "$WORK/dev.jsonl"
for language in $languages; do
    clean "$language" train | igt-format --task "$TASK" --prompts "$PROMPTS" --split train >> "$WORK/train.examples.jsonl"
    clean "$language" dev | tee -a "$WORK/dev.jsonl" | igt-format --task "$TASK" --prompts "$PROMPTS" >> "$WORK/dev.examples.jsonl"
done

if [ -n "$INIT" ]; then start="--init $INIT"; else start="--model $BASE"; fi
resume=""
[ -d "$WORK/model" ] && ls "$WORK/model" | grep -q '^checkpoint-' && resume=--resume
if [ "$NPROC" -gt 1 ]; then
    launch="python -m torch.distributed.run --nproc-per-node $NPROC -m igt_tools.commands.train"
else
    launch=igt-train
fi
if [ ! -f "$WORK/model/model.safetensors" ] || [ -n "$resume" ]; then
    # shellcheck disable=SC2086  # word splitting of the option strings is intended
    $launch $start $resume --out "$WORK/model" --dev "$WORK/dev.examples.jsonl" $TRAIN_ARGS \
        "$WORK/train.examples.jsonl"
fi

# shellcheck disable=SC2086
igt-gloss --model "$WORK/model" $GLOSS_ARGS < "$WORK/dev.jsonl" > "$WORK/dev.predictions.jsonl"
igt-score "$WORK/dev.jsonl" < "$WORK/dev.predictions.jsonl" > "$WORK/scores.json"
echo "scores: $WORK/scores.json (dev; log: $WORK/model/log.jsonl)" >&2
