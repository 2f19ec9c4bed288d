# Sourced by the GPU recipes (gpu.sh, gpu_context.sh): their common start on the GPU machine.
#
#   gpu_run_start LOG "WHAT"   # WORK, RESULTS made; all output also into RESULTS/LOG; the card
#                              # and the torch and transformers versions printed after WHAT
# Sets `python` (PYTHON, else python3). Needs DEVICE, WORK and RESULTS set.
gpu_run_start() {
    export PYTHONUNBUFFERED=1
    mkdir -p "$WORK" "$RESULTS"
    python=${PYTHON:-python3}
    exec > >(tee -a "$RESULTS/$1") 2>&1
    echo "== $(date -u +%FT%TZ) $2"
    [ "$DEVICE" = cpu ] || nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
    $python -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'
}
