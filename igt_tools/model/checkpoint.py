"""Checkpoints: written atomically, found again after a crash, published as the final model.

Layout of an output folder during training:

    DIR/checkpoint-00000120/   model folder + optimizer.pt + state.json
    DIR/log.jsonl              one line per evaluation

A checkpoint is written into a hidden temporary folder, its files synced to
disk, and renamed into place only when complete, so a kill or a power loss at
any moment leaves either the old checkpoint or the new one, never half of one. The latest checkpoint and the
one with the best dev loss are kept. When training ends, the best one's
model files are moved up into DIR (each file by an atomic rename, with
igt_tools.json last), so DIR itself is a normal Hugging Face model folder.
"""

import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..core.errors import DataError

STATE_FILE = "state.json"
OPTIMIZER_FILE = "optimizer.pt"
PREFIX = "checkpoint-"
TMP_PREFIX = ".tmp-"
NAME = re.compile(r"^checkpoint-(\d+)$")
MODEL_FILES = ("config.json", "generation_config.json", "model.safetensors", "tokenizer_config.json",
               "special_tokens_map.json", "added_tokens.json",
               "adapter_config.json", "adapter_model.safetensors")  # igt-lora's: peft's adapter files
# A folder holding one of these has a published model (or adapter)
WEIGHT_FILES = ("model.safetensors", "adapter_model.safetensors")


@dataclass
class TrainingState:
    """Everything besides weights and optimiser moments that an exact resume needs.

    Random numbers need no saved state: the batch plan of an epoch is drawn
    from (seed, epoch), and dropout is reseeded from (seed, step, rank) before
    every step, so a resumed run draws exactly what the uninterrupted one did.
    """

    step: int = 0  # optimiser steps done
    epoch: int = 0  # the epoch in progress
    batch: int = 0  # this process's next batch within the epoch
    examples: int = 0  # training examples seen, over all processes
    tokens: int = 0  # label tokens seen, over all processes
    padded_tokens: int = 0  # batch sizes once padded (inputs + labels), over all processes
    real_tokens: int = 0  # of which not padding
    best_loss: float = None
    best_step: int = None
    best_languages: dict = None  # dev figures per language at the best step
    evals_since_best: int = 0
    elapsed: float = 0.0  # seconds of training before this process started
    loss_sum: float = 0.0  # training loss summed over label tokens since the last evaluation
    loss_tokens: int = 0
    data_digest: str = None
    base_digest: str = None  # an adapter's: the weights of the model it is trained on
    # An adapter's: the dev figures of the model alone, before the first step (the gain is against these)
    base_dev_loss: float = None
    base_dev_languages: dict = None
    options: dict = field(default_factory=dict)

    def to_json(self):
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def folder_for(out_dir, step):
    return Path(out_dir) / f"{PREFIX}{step:08d}"


def checkpoints(out_dir):
    """{step: folder} of the complete checkpoints in out_dir."""
    found = {}
    if Path(out_dir).is_dir():
        for entry in Path(out_dir).iterdir():
            match = NAME.match(entry.name)
            if match and (entry / STATE_FILE).is_file():
                found[int(match.group(1))] = entry
    return found


def latest(out_dir):
    """The folder of the last complete checkpoint, or None."""
    found = checkpoints(out_dir)
    return found[max(found)] if found else None


def is_published(out_dir):
    """Whether out_dir holds a finished run's model or adapter."""
    return any((Path(out_dir) / name).exists() for name in WEIGHT_FILES)


def read_state(folder):
    try:
        return TrainingState.from_json((Path(folder) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError) as err:
        raise DataError(f"unreadable training state: {err}", str(folder)) from None


def write(out_dir, state, save_files):
    """Write checkpoint `state.step`: `save_files(folder)` writes the model and optimiser into a
    temporary folder, which becomes checkpoint-<step> by one rename."""
    out_dir = Path(out_dir)
    final = folder_for(out_dir, state.step)
    tmp = out_dir / f"{TMP_PREFIX}{final.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_files(tmp)
    # state.json last: its presence marks a complete checkpoint
    (tmp / STATE_FILE).write_text(state.to_json(), encoding="utf-8")
    # Every file's data on disk before the rename: after a power loss a checkpoint
    # that looks complete must not hold truncated files.
    for path in sorted(tmp.rglob("*")):
        if path.is_file():
            _fsync_file(path)
    _fsync_folder(tmp)
    if final.exists():  # the same step again (a resumed run that stops at once): swap it
        old = _set_aside(final)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, final)
    _fsync_folder(out_dir)
    return final


def prune(out_dir, keep_steps):
    """Remove every checkpoint but those of `keep_steps` (the latest and the best)."""
    for step, folder in checkpoints(out_dir).items():
        if step not in keep_steps:
            # renamed first: a kill while deleting leaves a leftover, never a checkpoint missing files
            shutil.rmtree(_set_aside(folder), ignore_errors=True)


def _set_aside(folder):
    """Rename a checkpoint out of sight (a leftover that remove_leftovers deletes); its new path."""
    aside = folder.with_name(f"{TMP_PREFIX}old-{folder.name}-{os.getpid()}")
    os.replace(folder, aside)
    return aside


def remove_leftovers(out_dir):
    """Temporary folders of a run that was killed while writing."""
    if Path(out_dir).is_dir():
        for entry in Path(out_dir).iterdir():
            if entry.name.startswith(TMP_PREFIX):
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()


def publish(checkpoint_folder, out_dir, metadata):
    """Move the checkpoint's model files up into out_dir, file by file, igt_tools.json last."""
    out_dir = Path(out_dir)
    for name in MODEL_FILES:
        source = Path(checkpoint_folder) / name
        if source.is_file():
            tmp = out_dir / f"{TMP_PREFIX}{name}"
            _link_or_copy(source, tmp)
            os.replace(tmp, out_dir / name)
    metadata.write(out_dir)
    _fsync_folder(out_dir)


def _link_or_copy(source, target):
    if target.exists():
        target.unlink()
    try:
        os.link(source, target)  # the checkpoint's file itself, already on disk
    except OSError:
        shutil.copy2(source, target)
        _fsync_file(target)


def _fsync_file(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
