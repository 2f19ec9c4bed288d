#!/usr/bin/env bash
# Recipe: igt-lora's adaptation curve on real data. models/sigmorphon-word, the word
# model trained on the six SIGMORPHON languages and ODIN, adapted to Arapaho (which
# it never saw: no training split, not in ODIN) from its first N dev sentences.
#
#   make -C training arapaho                    # about 1 h on one CPU thread
#
# Arapaho's dev set, in order: sentences 1-400 are the pool the N sentences come
# from, 401-500 choose the best checkpoint (--dev), the next TEST (1,000; at most
# 4,162) are the test. For each N in SIZES, ADAPT_MINUTES each:
#   igt-lora --model MODEL                         LoRA (the paper's rank 8, alpha 8)
#   igt-train --model MODEL                        full fine-tuning
#   igt-train --init tiny                          a tiny model from scratch
# Each is glossed alone (every word by the model) and, as a linguist would use it, behind
# a lexicon of the same N sentences with analogy (--lexicon; lexicon, analogy, model).
# Writes $WORK/results.tsv (condition, N, test MER, seg F1, perplexity) and *.scores.json.
# GLOSS_ONLY=1 glosses and scores again with the adapted models already in WORK (after a
# change to igt-gloss; about 15 min), training nothing.
#
# Settings (make's or the environment's; paths relative to the repository root): DATA
# (../shared/data), WORK (make: ARAPAHO_WORK; runs/arapaho), MODEL (models/sigmorphon-word), SIZES (50 100 200 400), ADAPT_MINUTES (3), FULL_LR (1e-4),
# LORA_LR (1e-3), TEST (1000), THREADS (1), GLOSS_ONLY.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PATH="$here/.venv/bin:$PATH"

DATA=${DATA:-../shared/data}
WORK=${WORK:-runs/arapaho}
MODEL=${MODEL:-models/sigmorphon-word}
SIZES=${SIZES:-50 100 200 400}
ADAPT_MINUTES=${ADAPT_MINUTES:-3}
FULL_LR=${FULL_LR:-1e-4}
LORA_LR=${LORA_LR:-1e-3}  # the results in training/RESULTS.md: igt-lora's default before it became 3e-3
THREADS=${THREADS:-1}
TEST=${TEST:-1000}
mkdir -p "$WORK"
export OMP_NUM_THREADS="$THREADS"  # igt-gloss and igt-score too
common=(--threads "$THREADS" --device cpu --no-bf16 --no-progress)

# 1. The records: pool, dev, test.
read -r prefix glottocode metalanguage < <(awk -F '\t' '$1 == "Arapaho" { print $2, $3, $4 }' training/languages.tsv)
igt-clean --quiet --from sigmorphon --language Arapaho --glottocode "$glottocode" --metalanguage "$metalanguage" \
    "$DATA/sigmorphon2023/Arapaho/$prefix-dev-track2-uncovered" > "$WORK/arapaho.jsonl"
head -n 400 "$WORK/arapaho.jsonl" > "$WORK/pool.jsonl"
sed -n 401,500p "$WORK/arapaho.jsonl" > "$WORK/dev.jsonl"
sed -n "501,$((500 + TEST))p" "$WORK/arapaho.jsonl" > "$WORK/test.jsonl"

score() {  # NAME IGT-GLOSS-OPTIONS...: the test sentences glossed, then scored (with PERPLEXITY=1,
           # the options being the model's alone, with its perplexity on them too)
    name=$1; shift
    igt-gloss --device cpu --quiet "$@" "$WORK/test.jsonl" > "$WORK/$name.predictions.jsonl"
    igt-score --quiet ${PERPLEXITY:+"$@"} "$WORK/test.jsonl" "$WORK/$name.predictions.jsonl" > "$WORK/$name.scores.json"
}

# 2. The unadapted model.
PERPLEXITY=1 score base --model "$MODEL"

# 3. Each size: three ways of adapting, each glossed alone and behind the N sentences' lexicon.
for n in $SIZES; do
    head -n "$n" "$WORK/pool.jsonl" > "$WORK/train.$n.jsonl"
    if [ -z "${GLOSS_ONLY:-}" ]; then
        budget=(--max-minutes "$ADAPT_MINUTES" --schedule time --dev "$WORK/dev.jsonl" "${common[@]}")
        rm -rf "$WORK/lora.$n" "$WORK/full.$n" "$WORK/scratch.$n"
        igt-lora --model "$MODEL" --out "$WORK/lora.$n" --lr "$LORA_LR" "${budget[@]}" < "$WORK/train.$n.jsonl" \
            2> "$WORK/lora.$n.log"
        igt-format --quiet --unit word --split train --distinct < "$WORK/train.$n.jsonl" > "$WORK/train.$n.words.jsonl"
        igt-format --quiet --unit word --distinct < "$WORK/dev.jsonl" > "$WORK/dev.words.jsonl"
        words_budget=(--max-minutes "$ADAPT_MINUTES" --schedule time --dev "$WORK/dev.words.jsonl" "${common[@]}")
        igt-train --model "$MODEL" --out "$WORK/full.$n" --lr "$FULL_LR" --epochs 30 "${words_budget[@]}" \
            < "$WORK/train.$n.words.jsonl" 2> "$WORK/full.$n.log"
        igt-train --init tiny --out "$WORK/scratch.$n" --epochs 30 "${words_budget[@]}" \
            < "$WORK/train.$n.words.jsonl" 2> "$WORK/scratch.$n.log"
    fi
    lexicon=(--lexicon "$WORK/train.$n.jsonl")
    score "lexicon-frequent.$n" "${lexicon[@]}" --choose frequent --no-guess
    score "analogy.$n" "${lexicon[@]}"
    score "base-hybrid.$n" --model "$MODEL" "${lexicon[@]}"
    PERPLEXITY=1 score "lora.$n" --model "$MODEL" --adapter "$WORK/lora.$n"
    score "lora-hybrid.$n" --model "$MODEL" --adapter "$WORK/lora.$n" "${lexicon[@]}"
    PERPLEXITY=1 score "full.$n" --model "$WORK/full.$n"
    score "full-hybrid.$n" --model "$WORK/full.$n" "${lexicon[@]}"
    PERPLEXITY=1 score "scratch.$n" --model "$WORK/scratch.$n"
done

# 4. The table.
figures=$'{all.glossing.morphemes.error_rate:.4f}\t{all.segmentation.f1:.4f}\t{all.model.perplexity:.4f}'
row() {  # CONDITION N: its line of the table, when its scores exist
    python training/figures.py --optional --prefix "$1"$'\t'"${2:-0}" "$figures" "$WORK/$1${2:+.$2}.scores.json"
}
{
    printf 'condition\tN\ttest_MER\tseg_F1\ttest_perplexity\n'
    row base
    for n in $SIZES; do
        for condition in lexicon-frequent analogy base-hybrid lora lora-hybrid full full-hybrid scratch; do
            row "$condition" "$n"
        done
    done
} > "$WORK/results.tsv"
column -t -s $'\t' "$WORK/results.tsv" >&2
