"""Training and inference examples: the task formats, the prompts, and examples built from records.

- tasks: the task formats (interleaved, multitask, ...), their labels and inference inputs
- prompts: the prompt sets (PolyGloss's, compact)
- building: examples files read and checked for igt-train and igt-lora (no torch)

May import: core.
"""
