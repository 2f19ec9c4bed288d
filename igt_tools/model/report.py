"""What a training run tells its user: a progress bar or plain lines on stderr, and log.jsonl.

The rich bar (loss, learning rate, examples/s, ETA) appears only when stderr
is a terminal; otherwise a plain progress line comes every minute (so a log
file, nohup or CI shows signs of life between evaluations) and each
evaluation prints one plain line, so logs of batch jobs stay readable. Every
evaluation also appends one JSON line to DIR/log.jsonl. Only the main
process reports.
"""

import json
import os
import sys
import time
from pathlib import Path

from ..core.io import stderr_is_terminal

# Seconds between plain progress lines; the environment can change it (tests: 0, a line per step).
PROGRESS_INTERVAL_VARIABLE = "IGT_PROGRESS_INTERVAL"
PROGRESS_INTERVAL_S = 60.0


class Reporter:
    def __init__(self, prog, log_path, total_steps, start_step=0, enabled=True, bar=None):
        self.prog = prog
        self.log_path = Path(log_path)
        self.total_steps = total_steps
        self.enabled = enabled
        self.bar = stderr_is_terminal() if bar is None else bar
        self._progress = None
        self._task = None
        self.interval = float(os.environ.get(PROGRESS_INTERVAL_VARIABLE, PROGRESS_INTERVAL_S))
        self._last_line = time.monotonic()
        self._loss_sum, self._loss_steps = 0.0, 0  # since the last plain line
        if enabled and self.bar:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            from rich.console import Console

            self._progress = Progress(
                TextColumn("[bold]train"),
                BarColumn(),
                MofNCompleteColumn(),
                # our own ETA in the status: rich's would ignore the --max-minutes budget
                TextColumn("{task.fields[status]}"),
                console=Console(stderr=True),
                transient=False,
            )
            self._task = self._progress.add_task("train", total=total_steps, completed=start_step, status="")
            self._progress.start()

    def say(self, message):
        """A line on stderr (above the bar, when there is one)."""
        if not self.enabled:
            return
        if self._progress is not None:
            self._progress.console.print(f"{self.prog}: {message}", markup=False, highlight=False, soft_wrap=True)
        else:
            print(f"{self.prog}: {message}", file=sys.stderr, flush=True)

    def set_total(self, total_steps):
        self.total_steps = total_steps
        if self._progress is not None:
            self._progress.update(self._task, total=total_steps)

    def step(self, step, loss, lr, examples_per_s, eta_s=None, examples=None):
        if self._progress is not None:
            status = f"loss {loss:.4f}  lr {lr:.2e}  {examples_per_s:,.0f} ex/s"
            if eta_s is not None:
                status += f"  ETA {_duration(eta_s)}"
            self._progress.update(self._task, completed=step, status=status)
            return
        self._loss_sum += loss
        self._loss_steps += 1
        now = time.monotonic()
        if now - self._last_line < self.interval:
            return
        parts = [f"step {step}/{self.total_steps}"]
        if examples is not None:
            parts.append(f"{examples:,} examples")
        # the mean over the steps since the last line: one step's loss is noisy
        parts.append(f"loss {self._loss_sum / self._loss_steps:.4f}")
        parts.append(f"{examples_per_s:,.1f} ex/s")
        if eta_s is not None:
            parts.append(f"ETA {_duration(eta_s)}")
        self.say(", ".join(parts))
        self._last_line = now
        self._loss_sum, self._loss_steps = 0.0, 0

    def evaluation(self, record):
        """Append to log.jsonl, and one plain line when there is no bar to show it."""
        if not self.enabled:
            return
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
        parts = [f"step {record['step']}/{self.total_steps}", f"epoch {record['epoch']}"]
        if record.get("train_loss") is not None:
            parts.append(f"train loss {record['train_loss']:.4f}")
        if record.get("dev_loss") is not None:
            parts.append(f"dev loss {record['dev_loss']:.4f} (ppl {record['dev_perplexity']:.3f})")
        parts.append(f"lr {record['lr']:.2e}")
        parts.append(f"{record['examples_per_s']:,.1f} ex/s")
        if record.get("padding") is not None:
            parts.append(f"padding {record['padding']:.1%}")
        if record.get("eta_s") is not None:
            parts.append(f"ETA {_duration(record['eta_s'])}")
        self.say(", ".join(parts))

    def close(self):
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def truncate_log(log_path, after_step):
    """Drop log lines written after the checkpoint a resumed run starts from."""
    path = Path(log_path)
    if not path.is_file():
        return
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            if json.loads(line).get("step", 0) <= after_step:
                kept.append(line)
        except ValueError:
            continue
    path.write_text("".join(line + "\n" for line in kept), encoding="utf-8")


def _duration(seconds):
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
