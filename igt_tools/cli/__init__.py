"""What the igt-* commands share: the command base, options, progress and man pages.

- base: error handling and exit codes, SIGPIPE manners, the common options
- training_options: the option groups igt-train and igt-lora share
- model_stack: whether torch and friends are installed, without importing them
- progress: igt-gloss's progress and summary on stderr
- score_table: igt-score's table of headline figures on stderr
- manpage: a man page rendered from a command's help (commands/manpages writes them)

May import: core, formats, glossing, metrics (not model: a command decides when torch loads).
"""
