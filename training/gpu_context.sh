#!/usr/bin/env bash
# The context model's recipe at a larger shape, in one prepared run of at most 10 minutes on one
# GPU, to be brought back and compared here with the CPU-trained models/sigmorphon:
#
#   make -C training gpu-context-prepare     # here: the context model's examples into gpu-carry/
#   bash training/gpu_context.sh             # on the GPU machine, from the repository root
#   DEVICE=cpu MINUTES=0.2 PRESET=micro BATCH_TOKENS=4096 bash training/gpu_context.sh   # a CPU smoke run
#
# It trains PRESET (medium: 45M parameters; mini: 12M) from scratch on the examples `make
# context-model` trains the CPU model on (the six SIGMORPHON 2023 training sets, each
# sentence's words looked up in the other sentences, and 12,000 ODIN examples; three similar
# words shown), for MINUTES, under `torchrun --nproc_per_node 1`, bf16 autocast, BATCH_TOKENS
# per batch, the 600 dev examples as --dev (the best checkpoint is kept). The model comes back
# in bf16, as 15 MB parts of a tar file, with its log, into RESULTS. Back here, compare it on
# the dev sets as every context model is compared (training/RESULTS.md):
#
#   cat RESULTS/context-model.tar.part-* | tar -C runs/gpu-context -xf -
#   make -C training -j1 WORK=runs/eval-gpu CONTEXT_MODEL=runs/gpu-context/context-model-bf16 \
#       $PWD/runs/eval-gpu/scores/six.context-rerank.json $PWD/runs/eval-gpu/scores/arapaho.{100,400}.context.json
#
# (runs/eval-gpu holding copies of runs/real's records and lexicon.jsonl). igt-gloss loads it in
# float32. A medium model in bf16 is about 90 MB: too big to ship in models/ (25 MB), so it is
# a measurement of what size buys, not a model to ship; mini (24 MB in bf16) could ship.
#
# Settings (environment): DEVICE (cuda), CARRY (gpu-carry), WORK (runs/gpu-context-run), RESULTS
# ($OUT, else runs/gpu-context-results), PRESET (medium), MINUTES (6), BATCH_TOKENS (131072),
# LR (1e-3), EVAL_EVERY (100).
set -euo pipefail
cd "$(dirname "$0")/.."

CARRY=${CARRY:-gpu-carry}
if [ "${1:-}" = prepare ]; then
    export PATH=$PWD/.venv/bin:$PATH
    mkdir -p "$CARRY"
    context=runs/real/context
    make -s -C training DATA="${DATA:-../shared/data}" "$PWD/$context/train.jsonl" "$PWD/$context/dev.jsonl" >/dev/null
    xz -T2 -6 -c "$context/train.jsonl" > "$CARRY/context.train.jsonl.xz"
    cp "$context/dev.jsonl" "$CARRY/context.dev.jsonl"
    ls -l "$CARRY"/context.*
    exit 0
fi

DEVICE=${DEVICE:-cuda}
WORK=${WORK:-runs/gpu-context-run}
RESULTS=${OUT:-runs/gpu-context-results}
PRESET=${PRESET:-medium}
MINUTES=${MINUTES:-6}
BATCH_TOKENS=${BATCH_TOKENS:-131072}
LR=${LR:-1e-3}
EVAL_EVERY=${EVAL_EVERY:-100}
source training/gpu_run.sh
gpu_run_start gpu_context.log "training/gpu_context.sh on $DEVICE: $PRESET, $MINUTES min, $BATCH_TOKENS batch tokens, lr $LR"

[ -s "$WORK/train.jsonl" ] || xz -dc "$CARRY/context.train.jsonl.xz" > "$WORK/train.jsonl"
echo "data: $(wc -l < "$WORK/train.jsonl") training examples, $(wc -l < "$CARRY/context.dev.jsonl") dev examples"

model=$WORK/context-model
bf16=$([ "$DEVICE" = cpu ] && echo --no-bf16 || echo --bf16)
resume=""
ls "$model" 2>/dev/null | grep -q '^checkpoint-' && resume=--resume
# the training's own budget, and room for its last evaluation and saving
limit=$($python -c "print(int(float('$MINUTES') * 60 + 120))")
timeout "$limit" $python -m torch.distributed.run --standalone --nproc_per_node 1 -m igt_tools.commands.train \
    --init "$PRESET" --out "$model" --dev "$CARRY/context.dev.jsonl" $resume --device "$DEVICE" $bf16 \
    --max-minutes "$MINUTES" --schedule time --warmup 0.05 --lr "$LR" --clip 1 --batch-tokens "$BATCH_TOKENS" \
    --max-input-tokens 512 --eval-every "$EVAL_EVERY" --no-progress "$WORK/train.jsonl" || echo "training stopped: exit $?"

if [ -f "$model/model.safetensors" ]; then
    $python training/bf16_copy.py "$model" "$WORK/context-model-bf16"
    tar -C "$WORK" -cf - context-model-bf16 | split -b 15m - "$RESULTS/context-model.tar.part-"
    cp "$model/log.jsonl" "$RESULTS/context-model.log.jsonl"
    ls -l "$RESULTS"
else
    echo "no model at $model"
fi
echo "== done $(date -u +%FT%TZ)"
