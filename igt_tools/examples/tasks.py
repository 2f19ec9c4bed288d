"""Model examples for each task format, and the way back from model outputs (REFERENCE.md 2-3).

A record becomes one or more examples `{id, glottocode, task, input, label}`;
`task` names the sub-task the example teaches:

    interleaved   transcription -> `gloss(morpheme)` label
    concatenated  transcription -> segmentation, newline, `Glosses: `, glosses
    t2g           transcription -> glosses
    t2s           transcription -> segmentation
    s2g           segmentation  -> glosses

Task formats and their examples (the training split adds the auxiliary t2g
and s2g examples to every format, as the reference does):

    format        eval                 train adds
    interleaved   interleaved          t2g, s2g
    concatenated  concatenated         t2g, s2g
    multitask     t2g, t2s             s2g
    gloss-only    t2g                  s2g
    segment-only  t2s                  t2g, s2g

A record whose segmentation and glosses disagree in word or morpheme counts
is unusable for every format (one of its tiers is wrong): Misaligned. In the
training split a record lacking the tier its main example needs raises
MissingTier; in the eval split its examples get a null label (inference).
"""

from ..core import interleaved, tokens, words
from ..core.interleaved import Misaligned, Parse
from ..core.record import text as record_text
from . import prompts as prompt_texts

TASKS = ("interleaved", "concatenated", "multitask", "gloss-only", "segment-only")
PROMPT_SETS = ("polygloss", "glosslm", "compact")
SPLITS = ("eval", "train")
# What one example covers: a whole sentence (the published models), or one word.
UNITS = ("sentence", "word", "context")  # context: a word with its evidence (context.py)

GLOSSES_MARKER = "\nGlosses: "

# sub-task -> (prompt kind, source field)
SUBTASKS = {
    "interleaved": ("interleaved", "transcription"),
    "concatenated": ("concatenated", "transcription"),
    "t2g": ("glosses", "transcription"),
    "t2s": ("segmentation", "transcription"),
    "s2g": ("glosses", "segmentation"),
}
MAIN_SUBTASKS = {
    "interleaved": ("interleaved",),
    "concatenated": ("concatenated",),
    "multitask": ("t2g", "t2s"),
    "gloss-only": ("t2g",),
    "segment-only": ("t2s",),
}
AUXILIARY_SUBTASKS = ("t2g", "s2g")


class MissingTier(ValueError):
    """A training example needs a tier the record does not have."""


# What igt-format counts as records that cannot make a label.
UNLABELLED = (Misaligned, MissingTier)


def check_unit(unit, task, prompt_set):
    """ValueError unless the unit can be used with the task and prompt set."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; choose from {', '.join(UNITS)}")
    if unit in ("word", "context") and (task, prompt_set) != ("interleaved", "compact"):
        raise ValueError("the word unit has its own short input: use it with --task interleaved --prompts compact")


def check_prompts(task, prompt_set):
    """ValueError unless the prompt set can express the task (GlossLM's prompt knows glosses only)."""
    if prompt_set not in PROMPT_SETS:
        raise ValueError(f"unknown prompt set {prompt_set!r}; choose from {', '.join(PROMPT_SETS)}")
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose from {', '.join(TASKS)}")
    if prompt_set == "glosslm" and task != "gloss-only":
        raise ValueError("the glosslm prompts predict glosses only: use them with --task gloss-only")


def subtasks(task, split="eval", prompts="polygloss"):
    """[(sub-task, is_main)] of a format's examples, main ones first."""
    if prompts == "glosslm":
        # GlossLM's prompt says whether its source is segmented: t2g, and s2g in training.
        return [("t2g", True)] + ([("s2g", False)] if split == "train" else [])
    names = [(name, True) for name in MAIN_SUBTASKS[task]]
    if split == "train":
        names += [(name, False) for name in AUXILIARY_SUBTASKS if name not in MAIN_SUBTASKS[task]]
    return names


def build_examples(record, task, split="eval", prompts="polygloss"):
    """The examples of one record, as dicts {id, glottocode, task, input, label}.

    Raises Misaligned or MissingTier (see the module's doc), and ValueError for
    a task the prompt set cannot express.
    """
    check_prompts(task, prompts)
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose from {', '.join(SPLITS)}")
    segmentation, glosses = record_text(record, "segmentation"), record_text(record, "glosses")
    if segmentation is not None and glosses is not None:
        interleaved.aligned_words(segmentation, glosses)  # raises Misaligned
    examples = []
    for name, is_main in subtasks(task, split, prompts):
        missing = [tier for tier in NEEDED_TIERS[name] if record_text(record, tier) is None]
        if missing and split == "train":
            if is_main:
                raise MissingTier(f"no {' and no '.join(missing)} for the {name} label")
            continue  # an auxiliary example this record cannot give; its main one is there
        examples.append(
            {
                "id": record.get("id"),
                "glottocode": record.get("glottocode"),
                "task": name,
                "input": _prompt(name, record, prompts),
                "label": None if missing else _label(name, segmentation, glosses),
            }
        )
    return examples


def examples_of(record, task, split="eval", prompts="polygloss", unit="sentence"):
    """The examples of one record for a model of this unit: word examples, or the task's."""
    if unit == "word":
        return build_word_examples(record, split)
    return build_examples(record, task, split, prompts)


# The tiers each sub-task's label (and, for s2g, input) is made of.
NEEDED_TIERS = {
    "interleaved": ("segmentation", "glosses"),
    "concatenated": ("segmentation", "glosses"),
    "t2g": ("glosses",),
    "t2s": ("segmentation",),
    "s2g": ("segmentation", "glosses"),
}


def _label(name, segmentation, glosses):
    if name == "interleaved":
        return interleaved.make_label(segmentation, glosses)
    if name == "concatenated":
        return prompt_texts.collapse(segmentation) + GLOSSES_MARKER + prompt_texts.collapse(glosses)
    if name == "t2s":
        return prompt_texts.collapse(segmentation)
    return prompt_texts.collapse(glosses)  # t2g, s2g


def _prompt(name, record, prompt_set):
    if prompt_set == "glosslm":
        return prompt_texts.glosslm_prompt(record, segmented=name == "s2g")
    kind, source = SUBTASKS[name]
    if prompt_set == "compact":
        return prompt_texts.compact_prompt(kind, record, source)
    return prompt_texts.polygloss_prompt(kind, record, source)


def inference_inputs(record, task, prompts="polygloss"):
    """{sub-task: model input} for glossing a record: one entry, or t2g and t2s for multitask."""
    check_prompts(task, prompts)
    return {name: _prompt(name, record, prompts) for name in MAIN_SUBTASKS[task]}


def combine_predictions(task, outputs):
    """Parse the raw outputs {sub-task: text} of one record into an interleaved.Parse.

    Never fails on odd text: malformed pieces are counted. gloss-only leaves
    the segmentation None, segment-only the glosses.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose from {', '.join(TASKS)}")
    missing = [name for name in MAIN_SUBTASKS[task] if name not in outputs]
    if missing:
        raise KeyError(f"no output for sub-task {', '.join(missing)} of {task}")
    if task == "interleaved":
        return interleaved.parse(outputs["interleaved"])
    if task == "concatenated":
        return parse_concatenated(outputs["concatenated"])
    if task == "multitask":
        return Parse(prompt_texts.collapse(outputs["t2s"]), prompt_texts.collapse(outputs["t2g"]))
    if task == "gloss-only":
        return Parse(None, prompt_texts.collapse(outputs["t2g"]))
    return Parse(prompt_texts.collapse(outputs["t2s"]), None)


def parse_concatenated(output):
    """`segmentation\\nGlosses: glosses` -> Parse; without the marker, a best reading counted malformed."""
    head, marker, tail = output.partition(GLOSSES_MARKER)
    if marker:
        return Parse(prompt_texts.collapse(head), prompt_texts.collapse(tail))
    # The model may have lost the newline: take a bare `Glosses:` if there is one.
    head, marker, tail = output.partition("Glosses:")
    problem = "no newline before 'Glosses:'" if marker else "no 'Glosses:' in the output: all read as segmentation"
    return Parse(prompt_texts.collapse(head), prompt_texts.collapse(tail), 1, [problem])


# -- the word unit ------------------------------------------------------------
#
# One interleaved example per word: the input is the language's glottocode (or
# name) and the word, edge punctuation stripped; the label that word's
# `gloss(morpheme)` pieces. Punctuation-only words make no example.


def word_input(word, record):
    """The model input for one word of a record."""
    return f"{language_key(record)}: {words.exact_key(word)}"


def language_key(record):
    """How a word-level input names a record's language: its glottocode, else its language, else und."""
    return record.get("glottocode") or prompt_texts.collapse(record.get("language") or "") or "und"


def glossable_words(record):
    """The transcription words a word-level model glosses (punctuation-only words left out)."""
    return [w for w in (record_text(record, "transcription") or "").split() if not tokens.is_punctuation(w)]


def build_word_examples(record, split="eval"):
    """The word examples of one record: {id, glottocode, task, unit, word, input, label}.

    Raises Misaligned when the tiers cannot be paired word by word, and
    MissingTier in the training split for a record without segmentation or glosses.
    """
    segmentation, glosses = record_text(record, "segmentation"), record_text(record, "glosses")
    if segmentation is None or glosses is None:
        if split == "train":
            missing = [name for name, t in (("segmentation", segmentation), ("glosses", glosses)) if t is None]
            raise MissingTier(f"no {' and no '.join(missing)} for the word labels")
        return [_word_example(record, n, word, None) for n, word in enumerate(glossable_words(record))]
    interleaved.aligned_words(segmentation, glosses)  # raises Misaligned
    paired = words.analysed_words(record)
    if paired is None:
        raise Misaligned("transcription and segmentation words cannot be paired (their counts differ)")
    examples = []
    for word, seg_word, gloss_word in paired:
        if tokens.is_punctuation(word) or tokens.is_droppable(seg_word):
            continue
        examples.append(_word_example(record, len(examples), word, interleaved.make_label(seg_word, gloss_word)))
    return examples


def _word_example(record, number, word, label):
    return {
        "id": record.get("id"),
        "word": number,
        "glottocode": record.get("glottocode"),
        "task": "interleaved",
        "unit": "word",
        "input": word_input(word, record),
        "label": label,
    }
