"""The igt-train loop: set-up, model, data, optimiser, loop (read it top to bottom).

Per optimiser step each process takes `accumulate` batches of its share of
the epoch's batch plan; the loss is the mean over all label tokens of the
step across processes, so the result does not depend on how the batches are
split. Evaluation and checkpointing happen together (every `eval_every`
steps, else at the end of each epoch, and when the run stops); the best
checkpoint by dev loss (or the last, without dev data) becomes the model.
"""

import contextlib
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .. import __version__
from ..examples import context as word_context
from ..core.errors import DataError, OptionError
from ..examples import building as examples_mod
from ..metrics.calibration import perplexity
from . import batching, checkpoint, distributed, optim
from .checkpoint import TrainingState
from .device import has_bfloat16, resolve_device
from .metadata import LanguageScore, ModelMetadata
from .report import Reporter, truncate_log

PROG = "igt-train"


class _RunFinished(Exception):
    """--resume of a run that finished and kept no checkpoint: nothing to do but say so."""


@dataclass
class TrainOptions:
    out: str
    init: str = None  # a preset name, to train from scratch
    model: str = None  # a model folder or hub id, to continue training
    optimizer: str = "adamw"
    lr: float = None
    min_lr_ratio: float = 0.2
    warmup: float = 0.03
    schedule: str = "steps"  # or "time": warm-up and decay spread over --max-minutes
    weight_decay: float = 0.01
    clip: float = None
    dropout: float = None
    batch_tokens: int = None
    accumulate: int = 1
    epochs: int = None
    max_steps: int = None
    max_minutes: float = None
    early_stopping: int = None
    eval_every: int = None
    seed: int = 0
    max_input_tokens: int = 1024
    max_label_tokens: int = 1024
    device: str = "auto"
    threads: int = None  # CPU threads for torch; None: torch's default
    bf16: bool = None
    resume: bool = False
    keep_checkpoints: bool = False
    task: str = None
    prompts: str = None  # None: recognised from the inputs, else polygloss
    progress: bool = None  # the rich bar; None: when stderr is a terminal
    lora: object = None  # lora.LoraSettings: train an adapter on `model` instead of the model itself
    prog: str = PROG  # the command, for its messages


# Defaults that suit each case: the paper's for a pretrained model; from scratch, a
# learning rate that a randomly initialised model needs and batches sized to the model.
DEFAULTS = {
    "pretrained": dict(lr=5e-5, clip=20.0, batch_tokens=32768, epochs=15),
    # LoRA on 50-400 examples: the adapter starts at zero and has few weights, so a higher
    # rate; batches of a few dozen sentences, so that an epoch is several steps.
    # lora: 3e-3 measured better than 1e-3 at 30 epochs (100 sentences of three demo daughters
    # models/family never saw: MER 0.029/0.034/0.019 against 0.037/0.048/0.027), and as 60 epochs at 1e-3
    "lora": dict(lr=3e-3, clip=1.0, batch_tokens=4096, epochs=30),
    "micro": dict(lr=1e-3, clip=1.0, batch_tokens=4096, epochs=15),
    # tiny: 5e-4 measured better than 1e-3 (and 2e-3, 3e-3) on the demo language
    "tiny": dict(lr=5e-4, clip=1.0, batch_tokens=8192, epochs=15),
    # mini: the rate training/gpu.sh trained it with on an H200 (dev loss 2.130 after 3.5 min);
    # medium: not yet tried, half of mini's for the wider shape
    "mini": dict(lr=2e-3, clip=1.0, batch_tokens=32768, epochs=15),
    "medium": dict(lr=1e-3, clip=1.0, batch_tokens=32768, epochs=15),
    "small": dict(lr=5e-4, clip=1.0, batch_tokens=32768, epochs=15),
    "base": dict(lr=5e-4, clip=1.0, batch_tokens=32768, epochs=15),
}

# Options that change what a resumed run computes; a difference is reported.
SHAPING = ("init", "model", "optimizer", "lr", "min_lr_ratio", "warmup", "schedule", "weight_decay", "clip", "dropout",
           "batch_tokens", "accumulate", "epochs", "max_steps", "seed", "max_input_tokens", "max_label_tokens", "lora")


def resolve(options):
    """Fill the defaults of the case (pretrained or preset) and check the options up front."""
    if (options.init is None) == (options.model is None):
        raise OptionError("give exactly one of --init PRESET (from scratch) or --model NAME_OR_PATH")
    if options.lora is not None and options.init:
        raise OptionError("a LoRA adapter is trained on a model: --model, not --init")
    case = "lora" if options.lora is not None else "pretrained" if options.model else options.init
    if case not in DEFAULTS:
        raise OptionError(f"unknown preset {options.init!r} (choose from {', '.join(DEFAULTS)})")
    filled = {k: v for k, v in DEFAULTS[case].items() if getattr(options, k) is None}
    options = replace(options, **filled)
    checks = [
        (options.lr > 0, "--lr must be positive"),
        (0 <= options.min_lr_ratio <= 1, "--min-lr-ratio must be within 0..1"),
        (0 <= options.warmup < 1, "--warmup must be within 0..1 (a share of the steps)"),
        (options.batch_tokens >= 16, "--batch-tokens must be at least 16"),
        (options.accumulate >= 1, "--accumulate must be at least 1"),
        (options.epochs >= 1, "--epochs must be at least 1"),
        (options.max_steps is None or options.max_steps >= 1, "--max-steps must be at least 1"),
        (options.max_minutes is None or options.max_minutes > 0, "--max-minutes must be positive"),
        (options.eval_every is None or options.eval_every >= 1, "--eval-every must be at least 1"),
        (options.max_input_tokens >= 2 and options.max_label_tokens >= 2, "token limits must be at least 2"),
        (options.schedule in ("steps", "time"), "--schedule must be steps or time"),
        (options.schedule == "steps" or options.max_minutes, "--schedule time needs --max-minutes"),
        (options.threads is None or options.threads >= 1, "--threads must be at least 1"),
        (options.optimizer in optim.OPTIMIZERS, f"--optimizer must be one of {', '.join(optim.OPTIMIZERS)}"),
    ]
    for ok, message in checks:
        if not ok:
            raise OptionError(message)
    if options.lora is not None:
        try:
            options.lora.check()
        except ValueError as err:
            raise OptionError(str(err)) from None
    return options


def train(options, train_examples, dev_examples=None):
    """Train and write the model folder; returns the final ModelMetadata (on the main process)."""
    import torch

    options = resolve(options)
    if options.early_stopping and not dev_examples:
        raise OptionError("--early-stopping needs --dev")
    if options.threads:
        torch.set_num_threads(options.threads)
    device = _device(options.device)
    dist = distributed.from_environment(cuda=device.type == "cuda")
    try:
        if device.type == "cuda" and dist.enabled:
            device = torch.device("cuda", dist.local_rank)
            torch.cuda.set_device(device)
        return _train(options, train_examples, dev_examples, device, dist)
    finally:
        dist.close()


def _what(options):
    """What a run makes, for its messages."""
    return "adapter" if options.lora is not None else "model"


def _train(options, train_examples, dev_examples, device, dist):
    import torch

    out = Path(options.out)
    digest = examples_mod.digest(train_examples)
    try:
        resume_from = _prepare_out_dir(out, options, dist)
    except _RunFinished as done:
        if dist.is_main:
            print(f"{options.prog}: {done}", file=sys.stderr, flush=True)
        return ModelMetadata.read(out)
    state = checkpoint.read_state(resume_from) if resume_from else TrainingState(data_digest=digest)
    if resume_from and state.data_digest != digest:
        raise DataError("the training data differ from the data of the run being resumed (digest mismatch)", str(out))
    finished = resume_from and _stop_reason(state, options, state.elapsed)
    if finished:
        # Training on would take steps past the end (or a whole epoch at the floor rate).
        return _complete_finished_run(out, state, options, train_examples, finished, dist)
    reporter = Reporter(options.prog, out / "log.jsonl", 0, state.step, enabled=dist.is_main, bar=options.progress)
    if resume_from:
        _warn_changed_options(reporter, state.options, options)
        if dist.is_main:
            truncate_log(out / "log.jsonl", state.step)
    state.options = _recorded_options(options)

    # Model
    # An adapter's checkpoint is refused on any other base model than its own (lora.check_base).
    model, tokenizer, init_name, state.base_digest = _initial_model(options, resume_from)
    if options.lora is not None:
        from . import lora

        trainable, total = lora.parameter_counts(model)
        reporter.say(f"LoRA rank {options.lora.rank}, alpha {options.lora.alpha:g}, dropout {options.lora.dropout:g} "
                     f"on {', '.join(options.lora.target_modules)}: {trainable:,} trainable parameters "
                     f"({trainable / total:.2%} of {total:,})")
    if options.dropout is not None:
        set_dropout(model, options.dropout)
    model.to(device)
    model.train()

    # Data
    train_set = batching.encode(train_examples, tokenizer, options.max_input_tokens, options.max_label_tokens)
    dev_set = batching.encode(dev_examples or [], tokenizer, options.max_input_tokens, options.max_label_tokens)
    lengths = [(len(e.input_ids), len(e.label_ids)) for e in train_set]
    first_plan = batching.token_budget_plan(lengths, options.batch_tokens, options.seed, 0)
    if len(first_plan) < dist.world_size:
        raise OptionError(f"only {len(first_plan)} batches for {dist.world_size} processes: lower --batch-tokens")
    steps_per_epoch = math.ceil(len(batching.shard(first_plan, 0, dist.world_size)) / options.accumulate)
    total_steps = options.max_steps or steps_per_epoch * options.epochs
    reporter.set_total(total_steps)
    _describe(reporter, options, train_examples, train_set, dev_set, lengths, first_plan, steps_per_epoch,
              total_steps, dist)
    if options.lora is not None and dev_set and not resume_from:
        _evaluate_base(model, dev_set, options, state, device, dist, reporter)

    # Optimiser
    optimizer = optim.build_optimizer(options.optimizer, model, options.lr, options.weight_decay)
    if resume_from:
        optimizer.load_state_dict(torch.load(resume_from / checkpoint.OPTIMIZER_FILE, map_location=device,
                                             weights_only=True))
        reporter.say(f"resuming from {resume_from.name} (step {state.step}, epoch {state.epoch + 1})")
    net = model
    if dist.enabled:
        from torch.nn.parallel import DistributedDataParallel

        net = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    autocast = _autocast(device, options.bf16)

    def evaluate_and_save(epoch):
        """Dev loss, log line, checkpoint."""
        record = _evaluate(model, dev_set, options, state, device, dist, autocast, total_steps, clock)
        record["epoch"] = round(epoch, 4)
        record["lr"] = optimizer.param_groups[0]["lr"]
        if dev_set:
            record["best"] = state.best_loss is None or record["dev_loss"] < state.best_loss
            if record["best"]:
                state.best_loss, state.best_step, state.evals_since_best = record["dev_loss"], state.step, 0
                state.best_languages = record["dev_languages"]
            else:
                state.evals_since_best += 1
        else:
            state.best_step = state.step  # without dev data the last model is the model
        reporter.evaluation(record)
        _save_checkpoint(out, model, tokenizer, optimizer, state, dist, clock, options, train_examples, init_name)

    # Loop
    clock = _Clock(state)
    elapsed = state.elapsed  # rank 0's clock, the same on every process
    stop_reason = None
    last_saved = state.step if resume_from else None
    while stop_reason is None:
        plan = batching.token_budget_plan(lengths, options.batch_tokens, options.seed, state.epoch)
        usable = plan[: len(plan) - len(plan) % dist.world_size]
        mine = batching.shard(plan, dist.rank, dist.world_size)
        while state.batch < len(mine) and stop_reason is None:
            chunk = range(state.batch, min(state.batch + options.accumulate, len(mine)))
            everyone = usable[chunk.start * dist.world_size : chunk.stop * dist.world_size]
            step_tokens = sum(lengths[i][1] for b in everyone for i in b)
            progress = (state.step + 1) / total_steps
            if options.schedule == "time":
                progress = max(progress, elapsed / (options.max_minutes * 60))
            optim.set_lr(optimizer, options.lr * optim.lr_factor(progress, options.warmup, options.min_lr_ratio))
            loss = _step(net, model, optimizer, [mine[j] for j in chunk], train_set, step_tokens, options, state,
                         device, dist, autocast)
            state.step += 1
            state.batch = chunk.stop
            state.examples += sum(len(b) for b in everyone)
            state.tokens += step_tokens
            state.padded_tokens += sum(batching.padded_size(lengths, b) for b in everyone)
            state.real_tokens += sum(sum(lengths[i]) for b in everyone for i in b)
            reporter.step(state.step, loss, optimizer.param_groups[0]["lr"], clock.examples_per_s(),
                          clock.eta(total_steps, options.max_minutes), examples=state.examples)
            if options.max_minutes:
                elapsed = dist.main_value(clock.elapsed(), device)
            stop_reason = _stop_reason(state, options, elapsed)
            if stop_reason or (options.eval_every and state.step % options.eval_every == 0):
                last_saved = state.step
                evaluate_and_save(state.epoch + state.batch / len(mine))
                stop_reason = stop_reason or _stop_reason(state, options, elapsed)
        if stop_reason is None:
            state.epoch, state.batch = state.epoch + 1, 0
            stop_reason = _stop_reason(state, options, elapsed)
            if (not options.eval_every or stop_reason) and last_saved != state.step:
                last_saved = state.step
                evaluate_and_save(state.epoch)
                stop_reason = stop_reason or _stop_reason(state, options, elapsed)

    # Finish: the best checkpoint becomes the model (or adapter) folder
    metadata = _metadata(options, state, train_examples, init_name, clock)
    if dist.is_main:
        reporter.say(f"stopped: {stop_reason}; " + _publish(out, state, options, metadata))
    reporter.close()
    dist.barrier()
    return metadata


def _publish(out, state, options, metadata):
    """Move the best checkpoint's model up into `out`; what was written, for the summary line."""
    checkpoint.publish(checkpoint.folder_for(out, state.best_step), out, metadata)
    if not options.keep_checkpoints:
        checkpoint.prune(out, keep_steps=())
    written = f"{_what(options)} written to {out}"
    if state.best_loss is not None:
        written += f" (best dev loss {state.best_loss:.4f} at step {state.best_step})"
    return written


def _stop_reason(state, options, elapsed):
    """Why the run ends in `state` after `elapsed` seconds of training, or None while it goes on."""
    if options.max_steps and state.step >= options.max_steps:
        return f"reached --max-steps {options.max_steps}"
    # --max-steps, when given, decides the length of the run alone
    if not options.max_steps and state.epoch >= options.epochs:
        return f"completed {options.epochs} epochs"
    if options.max_minutes and elapsed >= options.max_minutes * 60:
        return f"reached --max-minutes {options.max_minutes:g}"
    if options.early_stopping and state.evals_since_best >= options.early_stopping:
        return f"no dev loss improvement in {options.early_stopping} evaluations"
    return None


def _complete_finished_run(out, state, options, train_examples, reason, dist):
    """A resumed run that had finished: publish its model if a kill came first, else do nothing; one line."""
    metadata = _metadata(options, state, train_examples, options.init or options.model, _Clock(state))
    if dist.is_main:
        published = ModelMetadata.read(out)
        if published.from_file and published.training.get("steps") == state.step:
            message = f"{out}: the run has finished ({reason}); nothing to resume"
        else:  # killed between its last checkpoint and publishing
            message = f"{out}: the run had finished ({reason}); " + _publish(out, state, options, metadata)
        print(f"{options.prog}: {message}", file=sys.stderr, flush=True)
    dist.barrier()
    return metadata


# -- set-up --------------------------------------------------------------------


def _device(name):
    import torch

    return torch.device(resolve_device(name))


def _prepare_out_dir(out, options, dist):
    """The checkpoint to resume from, or None for a fresh run; refuses to mix two runs."""
    latest = checkpoint.latest(out)
    finished = checkpoint.is_published(out)
    if options.resume:
        if latest is None and finished:
            raise _RunFinished(f"{out}: the run has finished; nothing to resume")
        if latest is None and dist.is_main:
            print(f"{options.prog}: nothing to resume in {out}: starting a fresh run", flush=True, file=sys.stderr)
    elif latest is not None or finished or (out / "log.jsonl").exists():
        raise OptionError(f"{out} already holds a training run: use --resume to continue it, or another --out")
    if dist.is_main:
        out.mkdir(parents=True, exist_ok=True)
        checkpoint.remove_leftovers(out)
    dist.barrier()
    return latest if options.resume else None


def _initial_model(options, resume_from):
    """(model, tokenizer, what it was initialised from, the digest of the base of an adapter or None)."""
    from . import loading, presets

    init_name = options.init or options.model
    if options.lora is not None:
        return _initial_adapter(options, resume_from)
    if resume_from is not None:
        model, tokenizer, _ = loading.load_model(resume_from)
    elif options.init:
        model, tokenizer = presets.new_model(options.init, seed=options.seed)
    else:
        model, tokenizer, _ = loading.load_model(options.model)
    return model, tokenizer, init_name, None


def _initial_adapter(options, resume_from):
    """(the base model with a trainable adapter, tokenizer, base name, base digest): fresh, or resumed."""
    from . import loading, lora

    base, tokenizer, base_metadata = loading.load_model(options.model, digest=True)
    if resume_from is not None:
        model, _ = lora.load_adapter(base, base_metadata, resume_from, trainable=True)
    else:
        try:
            model = lora.new_adapter(base, options.lora, options.seed, options.model)
        except ValueError as err:
            raise OptionError(str(err)) from None
    return model, tokenizer, options.model, base_metadata.weights_digest


def set_dropout(model, rate):
    """Dropout everywhere: the layers' Dropout modules and the attention weights' own rate."""
    import torch

    model.config.dropout_rate = rate
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = rate
        elif isinstance(getattr(module, "dropout", None), float):
            module.dropout = rate


def _autocast(device, bf16):
    import torch

    use = bf16 if bf16 is not None else has_bfloat16(device.type)
    if not use:
        return contextlib.nullcontext
    return lambda: torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def _describe(reporter, options, train_examples, train_set, dev_set, lengths, plan, steps_per_epoch, total_steps,
              dist):
    truncated = sum(e.truncated for e in train_set)
    languages = len({e.glottocode for e in train_set})
    reporter.say(
        f"{len(train_set)} training examples in {languages} language(s), {len(dev_set)} dev examples; "
        f"{len(plan)} batches of <= {options.batch_tokens} padded tokens, "
        f"padding {batching.padding_fraction(lengths, plan):.1%}; "
        f"{steps_per_epoch} steps per epoch, {total_steps} steps"
        + (f" on {dist.world_size} processes" if dist.enabled else "")
    )
    metadata = _metadata(options, TrainingState(), train_examples, None, _Clock(TrainingState()))
    shown = ""
    if metadata.retrieval:
        settings = metadata.retrieval_settings
        shown = f", {settings.neighbours} similar words shown, {settings.window} of the sentence's each side"
    reporter.say(f"task format {metadata.task}, {metadata.prompts} prompts, {metadata.unit} unit{shown} "
                 "(recorded for igt-gloss)")
    if truncated:
        reporter.say(f"{truncated} examples truncated to --max-input-tokens/--max-label-tokens")


def _warn_changed_options(reporter, stored, options):
    current = _recorded_options(options)
    changed = [k for k in SHAPING if k in stored and stored[k] != current.get(k)]
    if changed:
        reporter.say("warning: resuming with changed options (" + ", ".join(
            f"{k}: {stored[k]} -> {current[k]}" for k in changed) + "); the result will differ from one run")


def _recorded_options(options):
    data = asdict(options)
    for key in ("resume", "progress", "out", "threads", "prog"):
        data.pop(key, None)
    return json.loads(json.dumps(data))  # as read back from state.json (tuples become lists), to compare


# -- one step, one evaluation --------------------------------------------------


def _step(net, model, optimizer, batches, train_set, step_tokens, options, state, device, dist, autocast):
    """One optimiser step over this process's batches; returns the step's mean loss per token here.

    Nothing here waits for the GPU: label tokens are counted on the host and the
    loss stays a device tensor, read only when a line is written (on a GPU, a
    `.item()` per step left the card idle while Python queued the next batch).
    """
    import torch

    # Dropout draws from (seed, step, rank): a resumed run repeats them exactly.
    torch.manual_seed(options.seed * 1_000_003 + state.step * 1009 + dist.rank)
    loss_here, tokens_here = 0.0, 0
    for j, batch in enumerate(batches):
        host = batching.collate([train_set[i] for i in batch])
        tokens_here += int((host["labels"] != batching.LABEL_PAD).sum())
        tensors = {k: v.to(device, non_blocking=True) for k, v in host.items()}
        sync = j == len(batches) - 1 or not dist.enabled
        with (contextlib.nullcontext() if sync else net.no_sync()):
            loss_sum, _ = _loss_sum(net, tensors, autocast, count_tokens=False)
            # mean over every label token of the step, whichever process holds it
            (loss_sum * dist.world_size / step_tokens).backward()
        loss_here = loss_here + loss_sum.detach()
    if options.clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), options.clip)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    state.loss_sum = state.loss_sum + loss_here  # a device tensor until the next evaluation reads it
    state.loss_tokens += tokens_here
    return loss_here / max(1, tokens_here)


def _loss_sum(net, tensors, autocast, per_example=False, count_tokens=True):
    """Cross-entropy summed over label tokens (per example with `per_example`), and the token count
    (None with count_tokens=False: counting here waits for the GPU)."""
    import torch.nn.functional as F

    with autocast():
        logits = net(
            input_ids=tensors["input_ids"],
            attention_mask=tensors["attention_mask"],
            decoder_input_ids=tensors["decoder_input_ids"],
        ).logits
    labels = tensors["labels"]
    losses = F.cross_entropy(logits.float().transpose(1, 2), labels, ignore_index=batching.LABEL_PAD, reduction="none")
    tokens = int((labels != batching.LABEL_PAD).sum()) if count_tokens else None
    return (losses.sum(dim=1) if per_example else losses.sum()), tokens


def _evaluate(model, dev_set, options, state, device, dist, autocast, total_steps, clock):
    """The log record of an evaluation: training loss since the last one, dev loss per language."""
    import torch

    record = {"step": state.step, "examples": state.examples, "tokens": state.tokens,
              "padding": round(1 - state.real_tokens / state.padded_tokens, 4) if state.padded_tokens else None,
              "train_loss": None}
    sums = torch.tensor([float(state.loss_sum), float(state.loss_tokens)], dtype=torch.float64, device=device)
    dist.all_reduce_sum(sums)
    if sums[1] > 0:
        record["train_loss"] = float(sums[0] / sums[1])
    state.loss_sum, state.loss_tokens = 0.0, 0
    if dev_set:
        record.update(dev_loss_by_language(model, dev_set, options.batch_tokens, device, dist, autocast))
        record["dev_perplexity"] = perplexity(record["dev_loss"])
    elapsed = clock.elapsed()
    record["elapsed_s"] = round(elapsed, 3)
    record["examples_per_s"] = clock.examples_per_s()
    record["eta_s"] = clock.eta(total_steps, options.max_minutes)
    return record


def _evaluate_base(model, dev_set, options, state, device, dist, reporter):
    """An adapter's starting point: its B matrices are zero, so the model scores as the base alone."""
    scores = dev_loss_by_language(model, dev_set, options.batch_tokens, device, dist, _autocast(device, options.bf16))
    state.base_dev_loss = scores["dev_loss"]
    state.base_dev_languages = {code: s["loss"] for code, s in scores["dev_languages"].items()}
    reporter.say(f"before adapting: dev loss {state.base_dev_loss:.4f} "
                 f"(ppl {perplexity(state.base_dev_loss):.3f})")


def dev_loss_by_language(model, dev_set, batch_tokens, device, dist, autocast):
    """{"dev_loss": mean per label token, "dev_languages": {glottocode: {examples, tokens, loss}}}."""
    import torch

    languages = sorted({e.glottocode for e in dev_set})
    index = {code: n for n, code in enumerate(languages)}
    # per language: loss sum, tokens, examples (float64 so that sums do not depend on the order much)
    sums = torch.zeros((len(languages), 3), dtype=torch.float64, device=device)
    lengths = [(len(e.input_ids), len(e.label_ids)) for e in dev_set]
    plan = batching.token_budget_plan(lengths, batch_tokens, 0, 0, shuffle=False)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for batch in batching.shard(plan, dist.rank, dist.world_size, equal=False):
            tensors = {k: v.to(device) for k, v in batching.collate([dev_set[i] for i in batch]).items()}
            losses, _ = _loss_sum(model, tensors, autocast, per_example=True)
            counts = (tensors["labels"] != batching.LABEL_PAD).sum(dim=1)
            for row, i in enumerate(batch):
                n = index[dev_set[i].glottocode]
                sums[n, 0] += losses[row].double()
                sums[n, 1] += counts[row].double()
                sums[n, 2] += 1
    model.train(was_training)
    dist.all_reduce_sum(sums)
    per_language = {
        code: {"examples": int(sums[n, 2]), "tokens": int(sums[n, 1]), "loss": float(sums[n, 0] / sums[n, 1])}
        for code, n in index.items()
    }
    return {"dev_loss": float(sums[:, 0].sum() / sums[:, 1].sum()), "dev_languages": per_language}


# -- saving --------------------------------------------------------------------


def _save_checkpoint(out, model, tokenizer, optimizer, state, dist, clock, options, train_examples, init_name):
    import torch

    from .loading import save_model
    from .lora import save_adapter

    state.elapsed = clock.elapsed()
    if dist.is_main:
        metadata = _metadata(options, state, train_examples, init_name, clock)
        save = save_adapter if options.lora is not None else save_model

        def save_files(folder):
            save(model, tokenizer, folder, metadata)
            torch.save(optimizer.state_dict(), folder / checkpoint.OPTIMIZER_FILE)

        checkpoint.write(out, state, save_files)
        checkpoint.prune(out, keep_steps={state.step, state.best_step})
    dist.barrier()


def _retrieval(train_examples):
    """A context model's input settings as its examples were written (igt-gloss asks it so), else None."""
    if examples_mod.unit(train_examples) != word_context.UNIT:
        return None
    return (examples_mod.retrieval(train_examples) or word_context.DEFAULT).as_dict()


def _metadata(options, state, train_examples, init_name, clock):
    adapter = None
    if options.lora is not None:
        adapter = {"base": str(options.model), "base_digest": state.base_digest,
                   **_recorded_options(options)["lora"],
                   "base_dev_loss": state.base_dev_loss, "base_dev_languages": state.base_dev_languages}
    return ModelMetadata(
        task=options.task or examples_mod.task_format(train_examples),
        prompts=options.prompts or examples_mod.prompt_set(train_examples) or "polygloss",
        unit=examples_mod.unit(train_examples),
        retrieval=_retrieval(train_examples),
        languages=examples_mod.languages(train_examples),
        dev_loss=state.best_loss,
        dev_languages={
            code: LanguageScore(s["examples"], s["tokens"], s["loss"])
            for code, s in (state.best_languages or {}).items()
        },
        data_digest=state.data_digest,
        version=__version__,
        init=init_name,
        max_input_tokens=options.max_input_tokens,
        max_label_tokens=options.max_label_tokens,
        training={"steps": state.step, "best_step": state.best_step, "examples_seen": state.examples,
                  "seconds": round(clock.elapsed(), 1), "options": _recorded_options(options)},
        adapter=adapter,
    )


class _Clock:
    """Training time across resumes (for --max-minutes), and rates for the progress report."""

    def __init__(self, state):
        self.state = state
        self.started = time.monotonic()
        self.before = state.elapsed
        self.examples_at_start = state.examples

    def elapsed(self):
        return self.before + time.monotonic() - self.started

    def eta(self, total_steps, max_minutes=None):
        """Seconds left: the steps still to go at the pace so far, or the time budget, whichever ends first."""
        elapsed, step = self.elapsed(), self.state.step
        left = (total_steps - step) * elapsed / step if step else None
        if max_minutes:
            budget_left = max(0.0, max_minutes * 60 - elapsed)
            left = budget_left if left is None else min(left, budget_left)
        return left

    def examples_per_s(self):
        seconds = time.monotonic() - self.started
        return (self.state.examples - self.examples_at_start) / seconds if seconds > 0 else 0.0


