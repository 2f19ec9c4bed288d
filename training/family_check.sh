#!/usr/bin/env bash
# igt-lora's quality bar (its MER at most 0.7 times the base model's, from 100 sentences in 5
# minutes) on daughters that models/family never trained on, one by one: 100 of a daughter's
# sentences, at most 5 minutes of igt-lora on one CPU thread, then MER on 200 of its held-out
# sentences against the base model's.
#
#   make -C training family-check              # daughters 6-14 of family 7, about 35 min
#
# Writes $WORK/check.tsv (daughter; base and LoRA MER, their ratio; base and LoRA
# segmentation F1; igt-lora seconds). SCORE_ONLY=1 scores the daughters' folders again
# without training or glossing.
# Settings (make's or the environment's; paths relative to the repository root):
# WORK (make: FAMILY_CHECK_WORK; runs/family-check), FAMILY_MODEL (models/family),
# FAMILY_SEED (7), SEEDS (6 to 14), N (100), MINUTES (5), THREADS (1), SCORE_ONLY.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PATH="$here/.venv/bin:$PATH"

WORK=${WORK:-runs/family-check}
FAMILY_MODEL=${FAMILY_MODEL:-models/family}
FAMILY_SEED=${FAMILY_SEED:-7}
SEEDS=${SEEDS:-6 7 8 9 10 11 12 13 14}
N=${N:-100}
MINUTES=${MINUTES:-5}
THREADS=${THREADS:-1}
export OMP_NUM_THREADS="$THREADS"
mkdir -p "$WORK"
gloss_options=(--device cpu --dtype float32 --quiet)

score() {  # GOLD PREDICTIONS: MER and segmentation F1, as igt-score gives them
    igt-score --quiet "$1" "$2" | python training/figures.py '{all.glossing.morphemes.error_rate} {all.segmentation.f1}'
}

printf 'daughter\tbase_MER\tlora_MER\tratio\tbase_seg_F1\tlora_seg_F1\tlora_seconds\n' > "$WORK/check.tsv"
for seed in $SEEDS; do
    d="$WORK/d$seed"
    if [ -z "${SCORE_ONLY:-}" ]; then
        python -m igt_tools.demo --family-seed "$FAMILY_SEED" --seed "$seed" --format jsonl \
            --split "test:200,dev:100,train:$N" --out "$d" 2> /dev/null
        igt-format --to jsonl --drop segmentation,glosses < "$d/test.jsonl" > "$d/test.input.jsonl"
        rm -rf "$d/lora"
        igt-lora --model "$FAMILY_MODEL" --out "$d/lora" --dev "$d/dev.jsonl" --max-minutes "$MINUTES" \
            --threads "$THREADS" --device cpu --no-bf16 --no-progress < "$d/train.jsonl" 2> "$d/lora.log"
        igt-gloss --model "$FAMILY_MODEL" "${gloss_options[@]}" < "$d/test.input.jsonl" > "$d/base.jsonl"
        igt-gloss --model "$FAMILY_MODEL" --adapter "$d/lora" "${gloss_options[@]}" < "$d/test.input.jsonl" \
            > "$d/lora.jsonl"
    fi
    read -r base base_f1 < <(score "$d/test.jsonl" "$d/base.jsonl")
    read -r lora lora_f1 < <(score "$d/test.jsonl" "$d/lora.jsonl")
    seconds=$(python training/figures.py '{elapsed_s:.0f}' "$d/lora/log.jsonl")
    ratio=$(awk -v lora="$lora" -v base="$base" 'BEGIN { if (base + 0) printf "%.2f", lora / base; else print "-" }')
    printf 'd%s\t%.4f\t%.4f\t%s\t%.3f\t%.3f\t%s\n' "$seed" "$base" "$lora" "$ratio" "$base_f1" "$lora_f1" "$seconds" \
        >> "$WORK/check.tsv"
done
column -t -s $'\t' "$WORK/check.tsv" >&2
