#!/usr/bin/env bash
# The README's main job: a synthetic language glossed end to end on the CPU.
#
#   bash training/demo.sh            # set-up (first run) + the whole pipeline
#
# Steps, each a plain igt-* command you can rerun by hand (files in $WORK):
#   python -m igt_tools.demo     a deterministic synthetic language -> raw \t \m \g \l text
#   igt-clean                    raw text -> canonical records (train, dev, test)
#   igt-format                   records -> model examples (compact prompt: a tiny model
#                                trained from scratch pays for every prompt byte)
#   igt-train --init tiny        a tiny ByT5 from scratch, under a time budget
#   igt-gloss | igt-score        gloss the held-out test sentences and score them
#   igt-format --to aligned      show a few glossed sentences
#
# Settings (environment): WORK (runs/demo), SEED (1: which language), MINUTES
# (training budget, 10), TRAIN (3000 sentences), TEST (200).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

if [ ! -x .venv/bin/igt-train ]; then
    echo "demo: setting up .venv (torch CPU build first, then igt-tools)" >&2
    python3 -m venv .venv
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q torch==2.13.0
    .venv/bin/pip install -q -e '.[train,test]'
fi
export PATH="$here/.venv/bin:$PATH"

WORK=${WORK:-runs/demo}
SEED=${SEED:-1}
MINUTES=${MINUTES:-10}
TRAIN=${TRAIN:-3000}
TEST=${TEST:-200}
LR=${LR:-2e-3}
start=$(date +%s)
rm -rf "$WORK" && mkdir -p "$WORK"

python -m igt_tools.demo --seed "$SEED" --split "train:$TRAIN,dev:100,test:$TEST" --out "$WORK/raw"
# The first line of the grammar sketch is "Name (glottocode)".
language=$(python -m igt_tools.demo --seed "$SEED" --describe | head -n 1 | tr -d '()')
set -- $language
for split in train dev test; do
    igt-clean --quiet --language "$1" --glottocode "$2" --metalanguage English \
        --id-prefix "$split" "$WORK/raw/$split.txt" > "$WORK/$split.jsonl"
done
igt-format --quiet --prompts compact < "$WORK/train.jsonl" > "$WORK/train.examples.jsonl"
igt-format --quiet --prompts compact < "$WORK/dev.jsonl" > "$WORK/dev.examples.jsonl"

# A short budget wants a high learning rate that reaches its floor when time runs
# out (--schedule time), and no dropout: a few epochs do not overfit.
igt-train --init tiny --out "$WORK/model" --dev "$WORK/dev.examples.jsonl" \
    --max-minutes "$MINUTES" --schedule time --lr "$LR" --dropout 0 < "$WORK/train.examples.jsonl"

# The test sentences go in without their tiers; igt-score compares with the gold records.
python - "$WORK/test.jsonl" > "$WORK/test.input.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    record = json.loads(line)
    record["segmentation"] = record["glosses"] = None
    print(json.dumps(record, ensure_ascii=False))
PY
igt-gloss --model "$WORK/model" < "$WORK/test.input.jsonl" > "$WORK/predictions.jsonl"
igt-score "$WORK/test.jsonl" < "$WORK/predictions.jsonl" > "$WORK/scores.json"
echo
igt-format --to aligned < "$WORK/predictions.jsonl" | head -n 24
python - "$WORK/scores.json" "$start" <<'PY'
import json, sys, time
scores = json.load(open(sys.argv[1]))["all"]
mer = scores["glossing"]["morphemes"]["error_rate"]
print(f"\ndemo: test MER {mer:.3f}, segmentation F1 {scores['segmentation']['f1']:.3f}, "
      f"{(time.time() - int(sys.argv[2])) / 60:.1f} minutes in all (after set-up)")
PY
