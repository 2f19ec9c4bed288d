#!/usr/bin/env bash
# The GPU path, measured in one prepared run (at most 10 minutes on an H200; training/gpu/ has
# the first run's log, cut at 600 s, and its figures):
#
#   make -C training gpu-prepare        # here, beside ../shared/data: the data, as records, into gpu-carry/
#   bash training/gpu.sh                # on the GPU machine, from the repository root
#   DEVICE=cpu MINUTES=0.5 SWEEP=2048,4096 SECONDS_EACH=1 BIG=tiny bash training/gpu.sh   # a CPU smoke run
#
# Steps (STEPS="1 2 3"; each under its own time limit, its figures on stdout):
#   1  training speed (benchmarks/training_speed.py): the word model's shape (tiny, word
#      examples), the sentence model's (tiny), mini (12M, the shape step 2 trains) and
#      medium (45M); bf16 autocast, batch tokens swept upward until the card is full;
#      then igt-train's step before and after its GPU changes (plain, fused) on mini and
#      medium at step 2's budget, and mini under torch.compile.
#   2  the PolyGloss recipe, scaled down: one multilingual sentence-level interleaved model
#      with the auxiliary tasks (t2g, s2g) and the PolyGloss prompts, on every training
#      set in gpu-carry/ (six SIGMORPHON 2023 training sets, ODIN, APiCS, ValPaL, UraTyp,
#      Guarani, Ruuli), the six dev sets as --dev; preset mini, MINUTES of training, under
#      torchrun --nproc_per_node 1. The best checkpoint comes back in bf16 (24 MB).
#   3  decoding speed and correctness (benchmarks/decoding_speed.py) on the six dev sets,
#      for step 2's model and models/sigmorphon-word: beams 2 and 1, float32 and bf16,
#      igt-gloss's batching against the naive generate loop, float32 outputs against
#      generate's, bf16 against float32.
#
# Settings (environment): DEVICE (cuda), CARRY (gpu-carry), WORK (runs/gpu-run), RESULTS
# ($OUT, else runs/gpu-results: what comes back), STEPS, MINUTES (3), SWEEP (batch tokens
# of step 1), SECONDS_EACH (2: timed seconds per step-1 figure), BIG (medium), BATCH_TOKENS
# (131072: step 2's batches), NAIVE_LIMIT (128: inputs the naive loop decodes; empty: all),
# DEV (the records step 3 decodes: the six dev sets).
set -euo pipefail
cd "$(dirname "$0")/.."

CARRY=${CARRY:-gpu-carry}
if [ "${1:-}" = prepare ]; then
    DATA=${DATA:-../shared/data}
    export PATH=$PWD/.venv/bin:$PATH
    mkdir -p "$CARRY"
    records=runs/real/records
    corpora=runs/real/context/corpora.records.jsonl   # APiCS, ValPaL, UraTyp, Guarani, Ruuli, cleaned
    # the six SIGMORPHON sets and ODIN, and the corpora, cleaned (the Makefile's recipes)
    make -s -C training DATA="$DATA" records "$PWD/$corpora" >/dev/null
    cat $records/{Gitksan,Lezgi,Natugu,Nyangbo,Tsez,Uspanteko}.train.jsonl $records/odin.jsonl "$corpora" \
        | xz -T2 -6 > "$CARRY/train.records.jsonl.xz"
    cat $records/{Gitksan,Lezgi,Natugu,Nyangbo,Tsez,Uspanteko}.train.jsonl | xz -6 > "$CARRY/sigmorphon.train.records.jsonl.xz"
    cat $records/{Gitksan,Lezgi,Natugu,Nyangbo,Tsez,Uspanteko}.dev.jsonl > "$CARRY/six.dev.jsonl"
    ls -l "$CARRY"
    exit 0
fi

DEVICE=${DEVICE:-cuda}
WORK=${WORK:-runs/gpu-run}
RESULTS=${OUT:-runs/gpu-results}
STEPS=${STEPS:-1 2 3}
MINUTES=${MINUTES:-3}
SWEEP=${SWEEP:-16384,131072,1048576}
SECONDS_EACH=${SECONDS_EACH:-2}
BIG=${BIG:-medium}
BATCH_TOKENS=${BATCH_TOKENS:-131072}
NAIVE_LIMIT=${NAIVE_LIMIT-128}
DEV=${DEV:-$CARRY/six.dev.jsonl}
source training/gpu_run.sh
gpu_run_start gpu.log "training/gpu.sh on $DEVICE, steps: $STEPS"

# -- data: the carried records made into examples (igt-format, as the CPU recipes do) --
t0=$(date +%s)
igt() { $python "bin/igt-$1" "${@:2}"; }   # from the checkout, installed or not
if [ ! -s "$WORK/train.examples.jsonl" ]; then
    xz -dc "$CARRY/train.records.jsonl.xz" | igt format --quiet --skip-bad --split train > "$WORK/train.examples.jsonl" 2> "$WORK/format.log"
    igt format --quiet < "$CARRY/six.dev.jsonl" > "$WORK/dev.examples.jsonl"
    xz -dc "$CARRY/sigmorphon.train.records.jsonl.xz" | igt format --quiet --unit word --split train --distinct > "$WORK/train.words.jsonl"
fi
echo "data: $(wc -l < "$WORK/train.examples.jsonl") training examples, $(wc -l < "$WORK/dev.examples.jsonl") dev examples, $(wc -l < "$WORK/train.words.jsonl") word examples ($(( $(date +%s) - t0 )) s)"

step() { case " $STEPS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# -- 1: training speed ---------------------------------------------------------------
if step 1; then
    echo "== step 1: training speed ($(date -u +%T))"
    # The larger shapes first: the first run (2026-12-04) spent its 55 s on the tiny ones.
    timeout 90 $python benchmarks/training_speed.py --device "$DEVICE" --seconds "$SECONDS_EACH" \
        --batch-tokens "$SWEEP" --variants fused --json "$RESULTS/training_speed.jsonl" \
        --runs "sentence:$BIG:$WORK/train.examples.jsonl,sentence:mini:$WORK/train.examples.jsonl,sentence:tiny:$WORK/train.examples.jsonl,word:tiny:$WORK/train.words.jsonl" \
        --examples 10000 || echo "step 1 (sweep) stopped: exit $?"
    timeout 35 $python benchmarks/training_speed.py --device "$DEVICE" --seconds "$SECONDS_EACH" \
        --batch-tokens "$BATCH_TOKENS" --variants plain,fused --json "$RESULTS/training_speed.jsonl" \
        --runs "sentence:mini:$WORK/train.examples.jsonl,sentence:$BIG:$WORK/train.examples.jsonl" \
        --examples 10000 || echo "step 1 (before and after) stopped: exit $?"
    timeout 50 $python benchmarks/training_speed.py --device "$DEVICE" --seconds "$SECONDS_EACH" \
        --batch-tokens "$BATCH_TOKENS" --variants compile --json "$RESULTS/training_speed.jsonl" \
        --runs "sentence:mini:$WORK/train.examples.jsonl" --examples 10000 || echo "step 1 (compile) stopped: exit $?"
fi

# -- 2: the sentence-level PolyGloss recipe ---------------------------------------------
model=$WORK/sentence-model
if step 2; then
    echo "== step 2: sentence model, mini, $MINUTES min ($(date -u +%T))"
    resume=""
    ls "$model" 2>/dev/null | grep -q '^checkpoint-' && resume=--resume
    limit=$($python -c "print(int(float('$MINUTES') * 60 + 150))")
    timeout "$limit" $python -m torch.distributed.run --standalone --nproc_per_node 1 -m igt_tools.commands.train \
        --init mini --out "$model" --dev "$WORK/dev.examples.jsonl" $resume --device "$DEVICE" \
        --max-minutes "$MINUTES" --schedule time --warmup 0.05 --batch-tokens "$BATCH_TOKENS" \
        --eval-every 150 --no-progress "$WORK/train.examples.jsonl" || echo "step 2 stopped: exit $?"
    if [ -f "$model/model.safetensors" ]; then
        # bf16 for shipping (24 MB); the log and metadata beside it
        $python training/bf16_copy.py "$model" "$WORK/sentence-model-bf16"
        tar -C "$WORK" -cf - sentence-model-bf16 | split -b 15m - "$RESULTS/sentence-model.tar.part-"
        cp "$model/log.jsonl" "$RESULTS/sentence-model.log.jsonl"
    fi
fi

# -- 3: decoding speed and correctness ---------------------------------------------------
if step 3; then
    naive_limit=${NAIVE_LIMIT:+--naive-limit $NAIVE_LIMIT}
    # models/sigmorphon-word first: the sentence model of a short run loops to its output caps.
    for decode_model in models/sigmorphon-word "$model"; do
        [ -f "$decode_model/model.safetensors" ] || { echo "step 3: no model at $decode_model"; continue; }
        echo "== step 3: decoding $decode_model ($(date -u +%T))"
        timeout 65 $python benchmarks/decoding_speed.py --model "$decode_model" --records "$DEV" \
            --device "$DEVICE" --beams 2,1 --dtypes float32,bfloat16 --naive $naive_limit \
            --json "$RESULTS/decoding_speed.jsonl" || echo "step 3 ($decode_model) stopped: exit $?"
    done
fi
echo "== done $(date -u +%FT%TZ)"
