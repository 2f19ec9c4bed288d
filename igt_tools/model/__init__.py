"""The model package: the only place that imports torch, transformers and peft.

- loading: model folders and hub ids -> model, tokenizer, metadata; saving
- folder_checks: a folder's settings and weights checked before anything is built
- metadata: igt_tools.json (task, prompts, unit, dev scores, calibration)
- presets: model shapes for training from scratch
- device: the device, precision and batch budget behind the commands' `auto`
- batching: token-budget, length-grouped batches
- training: the igt-train (and igt-lora) loop; optim, checkpoint, report,
  distributed: its optimiser, checkpoints, progress and log, several processes
- lora: LoRA adapters (igt-lora)
- generation: batched beam search, and teacher-forced scores of given outputs (igt-gloss)
- perplexity, quality: a model's perplexity on gold records, and igt-score --model

torch is imported where a function needs it, so commands can import the
torch-free parts (metadata, device defaults) for their options and --help.

May import: core, examples, metrics.
"""
