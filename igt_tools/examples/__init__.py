"""Training and inference examples: the task formats, the prompts, and examples built from records.

- tasks: the task formats (interleaved, multitask, ...), their labels and inference inputs
- prompts: the prompt sets (PolyGloss's, compact)
- building: examples files read and checked for igt-train and igt-lora (no torch)
- context: the context unit: a word with its neighbours, translation and a lexicon's evidence
  (the lexicon passed in), and its examples with each sentence looked up in the others
- writing: igt-format's examples to stdout, with its report

May import: core.
"""
