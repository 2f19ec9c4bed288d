#!/usr/bin/env bash
# Recipe for models/demo: the main job's pipeline with a longer training budget.
#
#   bash training/demo-model.sh          # MINUTES=40 by default, on this CPU
#
# Same language, corpus and split as training/demo.sh (so its test sentences are
# held out from this model too); writes models/demo (the model folder with
# igt_tools.json and log.jsonl, plus train.log and test-scores.json).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
WORK=${WORK:-runs/demo-model}
WORK="$WORK" MINUTES="${MINUTES:-40}" DEMO_MODEL= bash training/demo.sh
rm -rf models/demo.new && mkdir -p models
cp -r "$WORK/model" models/demo.new
cp "$WORK/train.log" models/demo.new/train.log
cp "$WORK/live.scores.json" models/demo.new/test-scores.json
rm -rf models/demo && mv models/demo.new models/demo
echo "demo-model: wrote models/demo" >&2
