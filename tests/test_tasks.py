"""Model examples per task format, the byte-exact prompts, and the way back from model outputs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from igt_tools.examples import prompts, tasks
from igt_tools.core.interleaved import Misaligned
from toy import USPANTEKO

RECORD = USPANTEKO

LABEL = "CONJ(o) sea(sey) COM(x)-buscar(tok) E3S(r)-esposa(ixoqiil)"
TAIL = "\n\nText in Uspanteko: o sey xtok rixoqiil\nTranslation in Spanish: y fue a buscar su esposa\n\n"

# REFERENCE.md section 3, written out by hand byte for byte.
GOLDEN = {
    "interleaved": "Predict the glosses and morphological segmentation (in parentheses) for the following text in Uspanteko."
    + TAIL
    + "Output: ",
    "concatenated": "Predict the morphological segmentation and glosses for the following text in Uspanteko." + TAIL + "Segmentation: ",
    "t2g": "Predict the glosses for the following text in Uspanteko." + TAIL + "Glosses: ",
    "t2s": "Predict the morphological segmentation for the following text in Uspanteko." + TAIL + "Segmentation: ",
    "s2g": "Predict the glosses for the following text in Uspanteko.\n\nText in Uspanteko: o sey x-tok r-ixoqiil\n"
    "Translation in Spanish: y fue a buscar su esposa\n\nGlosses: ",
}
GLOSSLM_GOLDEN = (
    "Provide the glosses for the following transcription in Uspanteko.\n\n"
    "Transcription in Uspanteko: o sey xtok rixoqiil\nTranscription segmented: False\n"
    "Translation in Spanish: y fue a buscar su esposa\n\nGlosses: "
)


def by_task(examples):
    return {example["task"]: example for example in examples}


# --- the examples of each format ---------------------------------------------------


@pytest.mark.parametrize(
    "task, split, expected",
    [
        ("interleaved", "eval", ["interleaved"]),
        ("interleaved", "train", ["interleaved", "t2g", "s2g"]),
        ("concatenated", "eval", ["concatenated"]),
        ("concatenated", "train", ["concatenated", "t2g", "s2g"]),
        ("multitask", "eval", ["t2g", "t2s"]),
        ("multitask", "train", ["t2g", "t2s", "s2g"]),
        ("gloss-only", "eval", ["t2g"]),
        ("gloss-only", "train", ["t2g", "s2g"]),
        ("segment-only", "eval", ["t2s"]),
        ("segment-only", "train", ["t2s", "t2g", "s2g"]),
    ],
)
def test_subtasks_of_each_format_without_duplicates(task, split, expected):
    examples = tasks.build_examples(RECORD, task, split)
    assert [e["task"] for e in examples] == expected


@pytest.mark.parametrize("task", tasks.TASKS)
def test_every_example_uses_the_golden_polygloss_prompt(task):
    for example in tasks.build_examples(RECORD, task, "train"):
        assert example["input"] == GOLDEN[example["task"]]


def test_labels_of_each_subtask():
    labels = {}
    for task in tasks.TASKS:
        labels.update({e["task"]: e["label"] for e in tasks.build_examples(RECORD, task, "train")})
    assert labels == {
        "interleaved": LABEL,
        "concatenated": "o sey x-tok r-ixoqiil\nGlosses: CONJ sea COM-buscar E3S-esposa",
        "t2g": "CONJ sea COM-buscar E3S-esposa",
        "t2s": "o sey x-tok r-ixoqiil",
        "s2g": "CONJ sea COM-buscar E3S-esposa",
    }


def test_examples_keep_id_and_glottocode_only():
    (example,) = tasks.build_examples(RECORD, "interleaved")
    assert example == {
        "id": "usp-1",
        "glottocode": "uspa1245",
        "task": "interleaved",
        "input": GOLDEN["interleaved"],
        "label": LABEL,
    }


def test_labels_have_whitespace_collapsed():
    record = dict(RECORD, segmentation=" o  sey\tx-tok r-ixoqiil ", glosses="CONJ sea\n COM-buscar  E3S-esposa")
    labels = by_task(tasks.build_examples(record, "concatenated", "train"))
    assert labels["concatenated"]["label"] == "o sey x-tok r-ixoqiil\nGlosses: CONJ sea COM-buscar E3S-esposa"
    assert labels["t2g"]["label"] == "CONJ sea COM-buscar E3S-esposa"


# --- records that cannot make a label ----------------------------------------------


@pytest.mark.parametrize("task", tasks.TASKS)
@pytest.mark.parametrize("split", tasks.SPLITS)
def test_misaligned_record_is_unusable_for_every_task(task, split):
    record = dict(RECORD, glosses="CONJ sea COM-buscar E3S")  # one morpheme short
    with pytest.raises(Misaligned, match="word 4"):
        tasks.build_examples(record, task, split)


def test_eval_without_tiers_gives_inputs_with_null_labels():
    bare = {"id": 7, "transcription": "o sey", "translation": "y fue"}
    for task in tasks.TASKS:
        examples = tasks.build_examples(bare, task, "eval")
        assert examples and all(e["label"] is None for e in examples)
        assert [e["task"] for e in examples] == list(tasks.MAIN_SUBTASKS[task])


def test_eval_with_one_tier_labels_what_it_can():
    glossed = {"transcription": "o sey", "glosses": "CONJ sea"}
    assert tasks.build_examples(glossed, "gloss-only")[0]["label"] == "CONJ sea"
    assert tasks.build_examples(glossed, "interleaved")[0]["label"] is None
    assert [e["label"] for e in tasks.build_examples(glossed, "multitask")] == ["CONJ sea", None]


@pytest.mark.parametrize("task", ["interleaved", "concatenated", "multitask", "segment-only"])
def test_train_without_the_main_tier_raises(task):
    glossed = {"transcription": "o sey", "glosses": "CONJ sea"}
    with pytest.raises(tasks.MissingTier, match="no segmentation"):
        tasks.build_examples(glossed, task, "train")


def test_train_gloss_only_without_segmentation_leaves_out_the_s2g_example():
    glossed = {"transcription": "o sey", "glosses": "CONJ sea"}
    assert [e["task"] for e in tasks.build_examples(glossed, "gloss-only", "train")] == ["t2g"]


def test_blank_tiers_count_as_missing():
    record = {"transcription": "o sey", "segmentation": "  ", "glosses": "CONJ sea"}
    assert tasks.build_examples(record, "interleaved")[0]["label"] is None


# --- prompt sets -----------------------------------------------------------------


def test_glosslm_prompts_golden():
    (example,) = tasks.build_examples(RECORD, "gloss-only", "eval", prompts="glosslm")
    assert example["input"] == GLOSSLM_GOLDEN
    assert example["label"] == RECORD["glosses"]


def test_glosslm_train_adds_the_segmented_variant():
    examples = by_task(tasks.build_examples(RECORD, "gloss-only", "train", prompts="glosslm"))
    assert examples["s2g"]["input"] == GLOSSLM_GOLDEN.replace("o sey xtok rixoqiil", "o sey x-tok r-ixoqiil").replace(
        "segmented: False", "segmented: True"
    )
    assert examples["s2g"]["label"] == RECORD["glosses"]


@pytest.mark.parametrize("task", ["interleaved", "concatenated", "multitask", "segment-only"])
def test_glosslm_prompts_only_for_gloss_only(task):
    with pytest.raises(ValueError, match="gloss-only"):
        tasks.build_examples(RECORD, task, prompts="glosslm")
    with pytest.raises(ValueError, match="gloss-only"):
        tasks.inference_inputs(RECORD, task, prompts="glosslm")


def test_unknown_names_are_value_errors():
    with pytest.raises(ValueError, match="prompt set"):
        tasks.build_examples(RECORD, "interleaved", prompts="nope")
    with pytest.raises(ValueError, match="task"):
        tasks.build_examples(RECORD, "nope")
    with pytest.raises(ValueError, match="split"):
        tasks.build_examples(RECORD, "interleaved", split="test")


def test_compact_prompts_are_short_and_tell_subtasks_apart():
    examples = by_task(tasks.build_examples(RECORD, "multitask", "train", prompts="compact"))
    assert examples["t2g"]["input"] == "g: o sey xtok rixoqiil\ny fue a buscar su esposa"
    assert examples["t2s"]["input"] == "s: o sey xtok rixoqiil\ny fue a buscar su esposa"
    assert examples["s2g"]["input"] == "g: o sey x-tok r-ixoqiil\ny fue a buscar su esposa"
    (interleaved,) = tasks.build_examples(RECORD, "interleaved", prompts="compact")
    assert interleaved["input"] == "i: o sey xtok rixoqiil\ny fue a buscar su esposa"
    assert interleaved["label"] == LABEL
    (concatenated,) = tasks.build_examples(RECORD, "concatenated", prompts="compact")
    assert concatenated["input"].startswith("c: ")


@pytest.mark.parametrize("translation", [None, "", "  ", "Unknown"])
def test_compact_prompt_without_translation_has_no_second_line(translation):
    record = dict(RECORD, translation=translation)
    assert tasks.inference_inputs(record, "interleaved", "compact") == {"interleaved": "i: o sey xtok rixoqiil"}


def test_published_prompt_sets_are_unchanged_by_the_compact_set():
    assert set(prompts.POLYGLOSS) == {"interleaved", "concatenated", "glosses", "segmentation"}
    assert set(prompts.COMPACT_MARKERS) == set(prompts.POLYGLOSS)
    assert len(set(prompts.COMPACT_MARKERS.values())) == len(prompts.COMPACT_MARKERS)


# --- REFERENCE.md's field rules ------------------------------------------------------


@pytest.mark.parametrize(
    "changes, text_line, translation_line",
    [
        ({"language": None}, "Text in an unknown language: ", "Translation in Spanish: y fue a buscar su esposa"),
        ({"translation": None}, "Text in Uspanteko: ", "Translation in English: None"),
        ({"translation": ""}, "Text in Uspanteko: ", "Translation in English: None"),
        ({"translation": "Unknown"}, "Text in Uspanteko: ", "Translation in English: None"),
        ({"metalanguage": None}, "Text in Uspanteko: ", "Translation in an unknown language: y fue a buscar su esposa"),
        ({"translation": " y  fue\ta buscar\nsu esposa "}, "Text in Uspanteko: ", "Translation in Spanish: y fue a buscar su esposa"),
    ],
)
def test_field_rules(changes, text_line, translation_line):
    record = dict(RECORD, **changes)
    text = tasks.inference_inputs(record, "gloss-only")["t2g"]
    assert text_line + "o sey xtok rixoqiil\n" + translation_line + "\n\nGlosses: " in text


def test_transcription_whitespace_is_collapsed_in_prompts():
    record = dict(RECORD, transcription="  o\tsey  xtok\nrixoqiil ")
    assert tasks.inference_inputs(record, "interleaved")["interleaved"] == GOLDEN["interleaved"]


# --- inference ---------------------------------------------------------------------


def test_inference_inputs_per_task():
    assert tasks.inference_inputs(RECORD, "interleaved") == {"interleaved": GOLDEN["interleaved"]}
    assert tasks.inference_inputs(RECORD, "concatenated") == {"concatenated": GOLDEN["concatenated"]}
    assert tasks.inference_inputs(RECORD, "multitask") == {"t2g": GOLDEN["t2g"], "t2s": GOLDEN["t2s"]}
    assert tasks.inference_inputs(RECORD, "gloss-only") == {"t2g": GOLDEN["t2g"]}
    assert tasks.inference_inputs(RECORD, "segment-only") == {"t2s": GOLDEN["t2s"]}
    assert tasks.inference_inputs(RECORD, "gloss-only", "glosslm") == {"t2g": GLOSSLM_GOLDEN}


def test_inference_inputs_equal_the_eval_examples_inputs():
    for task in tasks.TASKS:
        for prompt_set in tasks.PROMPT_SETS:
            if prompt_set == "glosslm" and task != "gloss-only":
                continue
            examples = tasks.build_examples(RECORD, task, "eval", prompt_set)
            assert tasks.inference_inputs(RECORD, task, prompt_set) == {e["task"]: e["input"] for e in examples}


@pytest.mark.parametrize("task", tasks.TASKS)
def test_combine_predictions_inverts_the_eval_labels(task):
    outputs = {e["task"]: e["label"] for e in tasks.build_examples(RECORD, task)}
    parsed = tasks.combine_predictions(task, outputs)
    assert parsed.malformed == 0
    assert parsed.segmentation == (None if task == "gloss-only" else RECORD["segmentation"])
    assert parsed.glosses == (None if task == "segment-only" else RECORD["glosses"])


def test_combine_interleaved_counts_malformed_pieces():
    parsed = tasks.combine_predictions("interleaved", {"interleaved": "CONJ(o) sea COM(x)-buscar(tok)"})
    assert (parsed.segmentation, parsed.glosses, parsed.malformed) == ("o  x-tok", "CONJ sea COM-buscar", 1)


@pytest.mark.parametrize(
    "output, segmentation, glosses, malformed",
    [
        ("a-b c\nGlosses: A-B C", "a-b c", "A-B C", 0),
        ("a-b  c \nGlosses:  A-B\tC\n", "a-b c", "A-B C", 0),
        ("a-b c Glosses: A-B C", "a-b c", "A-B C", 1),
        ("a-b c", "a-b c", "", 1),
        ("", "", "", 1),
        ("\nGlosses: A", "", "A", 0),
    ],
)
def test_concatenated_outputs(output, segmentation, glosses, malformed):
    parsed = tasks.combine_predictions("concatenated", {"concatenated": output})
    assert (parsed.segmentation, parsed.glosses, parsed.malformed) == (segmentation, glosses, malformed)
    assert len(parsed.problems) == malformed


def test_multitask_combines_both_outputs():
    parsed = tasks.combine_predictions("multitask", {"t2g": "A-B  C", "t2s": "a-b c"})
    assert (parsed.segmentation, parsed.glosses, parsed.malformed) == ("a-b c", "A-B C", 0)


def test_combine_predictions_needs_every_subtask():
    with pytest.raises(KeyError, match="t2s"):
        tasks.combine_predictions("multitask", {"t2g": "A"})
    with pytest.raises(ValueError):
        tasks.combine_predictions("nope", {})


@given(st.sampled_from(tasks.TASKS), st.text())
def test_combine_predictions_never_fails_on_any_text(task, text):
    outputs = {name: text for name in tasks.MAIN_SUBTASKS[task]}
    parsed = tasks.combine_predictions(task, outputs)
    assert parsed.malformed == len(parsed.problems)  # each malformed piece named in a line
    # a tier is one line of text, None only where the task format has no such tier
    assert (parsed.segmentation is None, parsed.glosses is None) == (task == "gloss-only", task == "segment-only")
    assert all("\n" not in tier for tier in (parsed.segmentation, parsed.glosses) if tier is not None)
