#!/usr/bin/env bash
# Recipe for models/family and igt-lora's adaptation experiment (how few sentences of a new
# language it needs): a base model trained on four related demo languages, then a fifth
# daughter it never saw, adapted from 50-400 sentences with igt-lora, full fine-tuning or a
# model from scratch.
#
#   make -C training family                      # 70 min (base) + 25 min (adaptation, 2 sizes at a
#                                                # time: JOBS=2) on this 2-core CPU
#   make -C training family FAMILY_MINUTES=0.5 FAMILY_TRAIN=300 ADAPT_MINUTES=0.2 SIZES=50 TEST=20 DEV=20 \
#       FAMILY_MODEL=runs/family-smoke/model FAMILY_WORK=runs/family-smoke      # a smoke run
#
# Steps (files in $WORK, each a plain command you can rerun by hand):
#   python -m igt_tools.demo --family-seed 7 --seed S   daughters 1-4 (training), 5 (held out),
#                                                       6-8 (unseen, for calibration only)
#   igt-format --prompts compact                        sentence examples, main task only
#   igt-train --init tiny                               the base: FAMILY_MINUTES on the four
#                                                       daughters, written to FAMILY_MODEL
#   igt-gloss | igt-score --model --calibrate           MER and seg F1 against dev perplexity
#                                                       over daughters 1-4 and 6-8
#   for N in SIZES: igt-lora / igt-train --model / igt-train --init tiny on the first N
#   sentences of daughter 5, ADAPT_MINUTES each; glossed test sentences scored with
#   the perplexity and the predicted MER (igt-score --model [--adapter])
#   igt-lora --merge                                    merged and unmerged glosses compared
# Writes $WORK/results.tsv (condition, N, test MER, seg F1, test perplexity,
# predicted MER) and $WORK/*.scores.json.
#
# Settings (make's or the environment's; paths relative to the repository root): WORK (make:
# FAMILY_WORK; runs/family), FAMILY_MODEL (models/family), FAMILY_SEED
# (7), FAMILY_TRAIN (30000 sentences a daughter), FAMILY_MINUTES (70), HELD_OUT (5),
# CALIBRATION_SEEDS (6 7 8), SIZES (50 100 200 400), ADAPT_MINUTES (5), TEST (200),
# DEV (100), FULL_LR (1e-4: full fine-tuning), THREADS (1), JOBS (1: sizes adapted at once),
# WAYS (lora full scratch: the ways of adapting run; the others' earlier results are kept),
# SKIP_BASE (1: keep FAMILY_MODEL).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PATH="$here/.venv/bin:$PATH"

WORK=${WORK:-runs/family}
FAMILY_MODEL=${FAMILY_MODEL:-models/family}
FAMILY_SEED=${FAMILY_SEED:-7}
FAMILY_TRAIN=${FAMILY_TRAIN:-30000}
FAMILY_MINUTES=${FAMILY_MINUTES:-70}
HELD_OUT=${HELD_OUT:-5}
CALIBRATION_SEEDS=${CALIBRATION_SEEDS:-6 7 8}
SIZES=${SIZES:-50 100 200 400}
ADAPT_MINUTES=${ADAPT_MINUTES:-5}
TEST=${TEST:-200}
DEV=${DEV:-100}
FULL_LR=${FULL_LR:-1e-4}
THREADS=${THREADS:-1}
SKIP_BASE=${SKIP_BASE:-}
JOBS=${JOBS:-1}
WAYS=${WAYS:-lora full scratch}
mkdir -p "$WORK"
export OMP_NUM_THREADS="$THREADS"  # igt-gloss and igt-score too: JOBS x THREADS threads in all
common=(--threads "$THREADS" --device cpu --no-bf16 --no-progress)
gloss_options=(--device cpu --dtype float32 --quiet)
max_pool=$(for n in $SIZES; do echo "$n"; done | sort -n | tail -n 1)

daughter() {  # SEED SPLITS: the daughter's corpus, as records, in $WORK/d$SEED/
    python -m igt_tools.demo --family-seed "$FAMILY_SEED" --seed "$1" --format jsonl --split "$2" \
        --out "$WORK/d$1" 2> /dev/null
}
strip_tiers() {  # records in, the same records without segmentation and glosses out (to gloss)
    igt-format --to jsonl --drop segmentation,glosses
}

# 1. The corpora: test and dev first, so that they stay the same whatever the training size.
for seed in 1 2 3 4; do daughter "$seed" "test:$TEST,dev:$DEV,train:$FAMILY_TRAIN"; done
for seed in $CALIBRATION_SEEDS; do daughter "$seed" "dev:$DEV"; done
daughter "$HELD_OUT" "test:$TEST,dev:$DEV,train:$max_pool"

# 2. The base model, on the four daughters' sentences shuffled together (main examples only:
#    compact prompts, as models/demo; see demo.sh for why).
if [ -z "$SKIP_BASE" ] || [ ! -d "$FAMILY_MODEL" ]; then
    cat "$WORK"/d{1,2,3,4}/train.jsonl | python -c '
import random, sys
lines = sys.stdin.readlines(); random.Random(0).shuffle(lines); sys.stdout.writelines(lines)' \
        | igt-format --quiet --prompts compact > "$WORK/family.train.examples.jsonl"
    cat "$WORK"/d{1,2,3,4}/dev.jsonl | igt-format --quiet --prompts compact > "$WORK/family.dev.examples.jsonl"
    rm -rf "$WORK/base"
    igt-train --init tiny --out "$WORK/base" --dev "$WORK/family.dev.examples.jsonl" \
        --max-minutes "$FAMILY_MINUTES" --schedule time --lr 5e-4 --warmup 0.1 --dropout 0 \
        --batch-tokens 2048 --eval-every 800 "${common[@]}" \
        < "$WORK/family.train.examples.jsonl" 2> >(tee "$WORK/base.train.log" >&2)
    cp "$WORK/base.train.log" "$WORK/base/train.log"
    rm -rf "$FAMILY_MODEL" && mkdir -p "$(dirname "$FAMILY_MODEL")" && cp -r "$WORK/base" "$FAMILY_MODEL"
fi

# 3. Calibration: MER and segmentation F1 against dev perplexity, over the training
#    daughters and the unseen ones (never the held-out daughter).
calibration=()
for seed in 1 2 3 4 $CALIBRATION_SEEDS; do calibration+=("$WORK/d$seed/dev.jsonl"); done
cat "${calibration[@]}" > "$WORK/calibration.gold.jsonl"
strip_tiers < "$WORK/calibration.gold.jsonl" | igt-gloss --model "$FAMILY_MODEL" "${gloss_options[@]}" \
    > "$WORK/calibration.predictions.jsonl"
igt-score --quiet --model "$FAMILY_MODEL" --calibrate "$WORK/calibration.gold.jsonl" \
    "$WORK/calibration.predictions.jsonl" > "$WORK/calibration.scores.json"
igt-score --model "$FAMILY_MODEL" "$WORK/calibration.gold.jsonl" "$WORK/calibration.predictions.jsonl" \
    > /dev/null 2> "$WORK/calibration.table"

# 4. The held-out daughter: each way of adapting to N of its sentences, then its test sentences.
held="$WORK/d$HELD_OUT"
strip_tiers < "$held/test.jsonl" > "$held/test.input.jsonl"
igt-format --quiet --prompts compact < "$held/dev.jsonl" > "$held/dev.examples.jsonl"
test_and_score() {  # NAME IGT-GLOSS-MODEL-OPTIONS...: test predictions, then scores with perplexity
    name=$1; shift
    igt-gloss "$@" "${gloss_options[@]}" < "$held/test.input.jsonl" > "$WORK/$name.predictions.jsonl"
    igt-score --quiet "$@" "$held/test.jsonl" "$WORK/$name.predictions.jsonl" > "$WORK/$name.scores.json"
}
test_and_score base --model "$FAMILY_MODEL"
adapt() {  # N: the three ways of adapting to the first N sentences, each tested and scored
    n=$1
    head -n "$n" "$held/train.jsonl" | igt-format --quiet --prompts compact > "$held/train.$n.examples.jsonl"
    budget=(--max-minutes "$ADAPT_MINUTES" --schedule time --dev "$held/dev.examples.jsonl" "${common[@]}")
    if [[ " $WAYS " == *" full "* ]]; then
        rm -rf "$WORK/full.$n"
        igt-train --model "$FAMILY_MODEL" --out "$WORK/full.$n" --lr "$FULL_LR" --batch-tokens 4096 --epochs 30 \
            "${budget[@]}" < "$held/train.$n.examples.jsonl" 2> "$WORK/full.$n.log"
        test_and_score "full.$n" --model "$WORK/full.$n"
    fi
    if [[ " $WAYS " == *" scratch "* ]]; then
        rm -rf "$WORK/scratch.$n"
        igt-train --init tiny --out "$WORK/scratch.$n" --batch-tokens 4096 --epochs 30 "${budget[@]}" \
            < "$held/train.$n.examples.jsonl" 2> "$WORK/scratch.$n.log"
        test_and_score "scratch.$n" --model "$WORK/scratch.$n"
    fi
    [[ " $WAYS " == *" lora "* ]] || return 0
    rm -rf "$WORK/lora.$n" "$WORK/merged.$n"
    igt-lora --model "$FAMILY_MODEL" --out "$WORK/lora.$n" "${budget[@]}" \
        < "$held/train.$n.examples.jsonl" 2> "$WORK/lora.$n.log"
    test_and_score "lora.$n" --model "$FAMILY_MODEL" --adapter "$WORK/lora.$n"
    # The merged model must gloss exactly as the model with its adapter.
    igt-lora --merge --model "$FAMILY_MODEL" --adapter "$WORK/lora.$n" --out "$WORK/merged.$n" 2> /dev/null
    igt-gloss --model "$WORK/merged.$n" "${gloss_options[@]}" < "$held/test.input.jsonl" \
        > "$WORK/merged.$n.predictions.jsonl"
    if cmp -s "$WORK/merged.$n.predictions.jsonl" "$WORK/lora.$n.predictions.jsonl"; then same=yes; else same=NO; fi
    echo "family: N=$n merged and unmerged glosses identical: $same" >&2
}
# Sizes run JOBS at a time (each on THREADS threads): 2 x 1 thread fits a 2-core machine.
pids=()
for n in $SIZES; do
    adapt "$n" & pids+=($!)
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
done
for pid in "${pids[@]}"; do wait "$pid" || { echo "family: an adaptation failed (see $WORK/*.log)" >&2; exit 1; }; done

# 5. The table: test MER of each condition, with the perplexity and the MER predicted from it.
figures=$'{all.glossing.morphemes.error_rate:.4f}\t{all.segmentation.f1:.4f}\t{all.model.perplexity:.4f}'
figures+=$'\t{all.model.estimates.morphemes_error_rate.predicted:.4f}\t{all.model.estimates.morphemes_error_rate.reliable}'
row() {  # CONDITION N: its line of the table, when its scores exist
    python training/figures.py --optional --prefix "$1"$'\t'"${2:-0}" "$figures" "$WORK/$1${2:+.$2}.scores.json"
}
{
    printf 'condition\tN\ttest_MER\tseg_F1\ttest_perplexity\tpredicted_MER\treliable\n'
    row base
    for n in $SIZES; do
        for condition in lora full scratch; do row "$condition" "$n"; done
    done
} > "$WORK/results.tsv"
column -t -s $'\t' "$WORK/results.tsv" >&2
