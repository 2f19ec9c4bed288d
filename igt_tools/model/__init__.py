"""The model package: the only place that imports torch, transformers and peft.

Modules: presets (model shapes for training from scratch), loading (model
folders and hub ids -> model, tokenizer, metadata; saving), metadata
(igt_tools.json), batching (token-budget length-grouped batches), training
(the igt-train loop), generation (igt-gloss).
"""
