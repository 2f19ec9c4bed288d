#!/usr/bin/env bash
# Experiment: does fine-tuning models/sigmorphon-word per language measure better than the one
# multilingual model? For each SIGMORPHON language, an igt-lora adapter of models/sigmorphon-word
# on the word types of the first 90% of its training sentences (the last 10% as igt-lora's
# --dev), then its dev set glossed with the adapter, alone and behind the lexicon + analogy
# (the same lexicon as training/Makefile: the six training sets).
#
#   make -C training per-language            # about 50 min on one CPU thread
#
# Writes $WORK/LANGUAGE/{model,hybrid}.score.json (and $WORK/six/: the languages together,
# each glossed with its own adapter) and $WORK/results.tsv (language, adapter MER alone and
# with the lexicon, igt-lora seconds); training/results.py puts them beside the multilingual
# model's figures. GLOSS_ONLY=1 glosses and scores again with the adapters
# already in WORK.
# Settings (make's or the environment's; paths relative to the repository root): WORK (make:
# PER_LANGUAGE_WORK; runs/per-language), REAL (make's WORK, runs/real: its records and lexicon),
# MODEL (models/sigmorphon-word), LANGUAGES (the six with a training split in training/languages.tsv),
# MINUTES (5), THREADS (1).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PATH="$here/.venv/bin:$PATH"

WORK=${WORK:-runs/per-language}
REAL=${REAL:-runs/real}
MODEL=${MODEL:-models/sigmorphon-word}
LANGUAGES=${LANGUAGES:-$(awk -F '\t' '!/^#/ && $5 == "yes" { print $1 }' training/languages.tsv)}
MINUTES=${MINUTES:-5}
THREADS=${THREADS:-1}
export OMP_NUM_THREADS="$THREADS"
records=$REAL/records

mkdir -p "$WORK"
for language in $LANGUAGES; do
    d=$WORK/$language
    mkdir -p "$d"
    if [ -z "${GLOSS_ONLY:-}" ]; then
        n=$(wc -l < "$records/$language.train.jsonl")
        keep=$((n * 9 / 10))
        head -n "$keep" "$records/$language.train.jsonl" > "$d/train.jsonl"
        tail -n +"$((keep + 1))" "$records/$language.train.jsonl" > "$d/dev.jsonl"
        igt-format --quiet --unit word --split train --distinct < "$d/train.jsonl" > "$d/train.words.jsonl"
        rm -rf "$d/adapter"
        igt-lora --model "$MODEL" --out "$d/adapter" --dev "$d/dev.jsonl" --max-minutes "$MINUTES" \
            --threads "$THREADS" --device cpu --no-bf16 --no-progress < "$d/train.words.jsonl" 2> "$d/lora.log"
    fi
    adapted=(--model "$MODEL" --adapter "$d/adapter" --device cpu --quiet)
    igt-gloss "${adapted[@]}" "$records/$language.dev.jsonl" > "$d/model.jsonl"
    igt-gloss "${adapted[@]}" --lexicon "$REAL/lexicon.jsonl" "$records/$language.dev.jsonl" > "$d/hybrid.jsonl"
    for system in model hybrid; do
        igt-score --quiet "$records/$language.dev.jsonl" "$d/$system.jsonl" > "$d/$system.score.json"
    done
done

# The languages together, as make -C training scores "six": each with its own adapter.
mkdir -p "$WORK/six"
for language in $LANGUAGES; do cat "$records/$language.dev.jsonl"; done > "$WORK/six/dev.jsonl"
for system in model hybrid; do
    for language in $LANGUAGES; do cat "$WORK/$language/$system.jsonl"; done > "$WORK/six/$system.jsonl"
    igt-score --quiet "$WORK/six/dev.jsonl" "$WORK/six/$system.jsonl" > "$WORK/six/$system.score.json"
done

mer() {  # FOLDER SYSTEM
    python training/figures.py '{all.glossing.morphemes.error_rate:.4f}' "$1/$2.score.json"
}
{
    printf 'language\tmodel_MER\thybrid_MER\tlora_seconds\n'
    total=0
    for language in $LANGUAGES; do
        seconds=$(python training/figures.py '{elapsed_s:.0f}' "$WORK/$language/adapter/log.jsonl")
        total=$((total + seconds))
        printf '%s\t%s\t%s\t%s\n' "$language" "$(mer "$WORK/$language" model)" "$(mer "$WORK/$language" hybrid)" "$seconds"
    done
    printf 'six\t%s\t%s\t%s\n' "$(mer "$WORK/six" model)" "$(mer "$WORK/six" hybrid)" "$total"
} > "$WORK/results.tsv"
column -t -s $'\t' "$WORK/results.tsv" >&2
