#!/bin/sh
# Recipe: train and evaluate a glossing model on the SIGMORPHON 2023 shared-task data.
#
#   training/sigmorphon.sh Tsez                      # tiny model from scratch, CPU
#   INIT= MODEL=google/byt5-base training/sigmorphon.sh Tsez Uspanteko   # the paper's set-up, GPU
#   MODEL=lecslab/polygloss-byt5-interleaved-2025-12-28 INIT= training/sigmorphon.sh Lezgi
#   NPROC=4 INIT=base training/sigmorphon.sh all     # from scratch, 4 GPUs (torchrun)
#
# Languages: Gitksan Lezgi Natugu Nyangbo Tsez Uspanteko, or `all` (one
# multilingual model). Arapaho has no training split. Each step is a plain
# igt-* command, so any of them can be rerun by hand:
#
#   igt-clean (marker text -> records) | igt-format --split train   -> train examples
#   igt-clean | igt-format                                         -> dev examples, dev records
#   igt-train --dev  ->  $WORK/model;  igt-gloss | igt-score        -> $WORK/scores.json
#
# Settings (environment): DATA (../shared/data), WORK (runs/sigmorphon-<languages>),
# INIT (tiny; empty to use MODEL), MODEL, TASK (interleaved), PROMPTS (polygloss),
# NPROC (processes for torchrun; 1: plain), TRAIN_ARGS (more igt-train options, e.g.
# "--max-minutes 60 --early-stopping 3"), GLOSS_ARGS (more igt-gloss options).
# An interrupted run continues where it stopped: rerun the same command (--resume).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
DATA=${DATA:-$here/../shared/data}
INIT=${INIT-tiny}
MODEL=${MODEL:-}
TASK=${TASK:-interleaved}
PROMPTS=${PROMPTS:-polygloss}
NPROC=${NPROC:-1}
TRAIN_ARGS=${TRAIN_ARGS:-}
GLOSS_ARGS=${GLOSS_ARGS:-}

[ $# -ge 1 ] || { sed -n '2,22p' "$0" >&2; exit 2; }
languages=$*
[ "$languages" = all ] && languages="Gitksan Lezgi Natugu Nyangbo Tsez Uspanteko"
WORK=${WORK:-runs/sigmorphon-$(echo "$languages" | tr ' ' '-')}
mkdir -p "$WORK"

# folder -> ISO code, glottocode, language of the translations
info() {
    case $1 in
        Gitksan) echo "git gitx1241 English" ;;
        Lezgi) echo "lez lezg1247 English" ;;
        Natugu) echo "ntu natu1246 English" ;;
        Nyangbo) echo "nyb nyan1302 English" ;;
        Tsez) echo "ddo dido1241 English" ;;
        Uspanteko) echo "usp uspa1245 Spanish" ;;
        *) echo "unknown language: $1 (no training split?)" >&2; exit 2 ;;
    esac
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

if [ -n "$INIT" ]; then start="--init $INIT"; else start="--model $MODEL"; fi
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
