"""The byte-exact prompts of PolyGloss and GlossLM (REFERENCE.md section 3).

Published checkpoints were trained on exactly these strings: change nothing,
not even a space.
"""

from string import Template

_TAIL = "\n\nText in $lang: $source\nTranslation in $metalang: $translation\n\n"

POLYGLOSS = {
    "interleaved": Template(
        "Predict the glosses and morphological segmentation (in parentheses) for the following text in $lang."
        + _TAIL
        + "Output: "
    ),
    "concatenated": Template(
        "Predict the morphological segmentation and glosses for the following text in $lang." + _TAIL + "Segmentation: "
    ),
    "glosses": Template("Predict the glosses for the following text in $lang." + _TAIL + "Glosses: "),
    "segmentation": Template(
        "Predict the morphological segmentation for the following text in $lang." + _TAIL + "Segmentation: "
    ),
}

GLOSSLM = Template(
    "Provide the glosses for the following transcription in $lang.\n\n"
    "Transcription in $lang: $source\n"
    "Transcription segmented: $segmented\n"
    "Translation in $metalang: $translation\n\n"
    "Glosses: "
)

# What the published prompts say where a record names no language or metalanguage.
UNKNOWN_LANGUAGE = "an unknown language"


def collapse(text):
    """Whitespace collapsed to single spaces, ends trimmed."""
    return " ".join(text.split())


def prompt_fields(record):
    """The substitutions for a record, after REFERENCE.md's field rules."""
    lang = collapse(record.get("language") or "") or UNKNOWN_LANGUAGE
    translation = collapse(record.get("translation") or "")
    metalang = collapse(record.get("metalanguage") or "")
    if not translation or translation == "Unknown":
        translation, metalang = "None", "English"
    elif not metalang:
        metalang = UNKNOWN_LANGUAGE
    return {"lang": lang, "translation": translation, "metalang": metalang}


def polygloss_prompt(kind, record, source_field="transcription"):
    """kind: interleaved | concatenated | glosses | segmentation."""
    fields = prompt_fields(record)
    fields["source"] = collapse(record.get(source_field) or "")
    return POLYGLOSS[kind].substitute(fields)


def glosslm_prompt(record, segmented=False):
    fields = prompt_fields(record)
    fields["source"] = collapse(record.get("segmentation" if segmented else "transcription") or "")
    fields["segmented"] = "True" if segmented else "False"
    return GLOSSLM.substitute(fields)


# igt-tools' own prompts, NOT published: no released checkpoint knows them.
# For small models trained from scratch (the README's demo trains a tiny ByT5
# on a CPU), where every input byte costs compute: a marker naming the
# sub-task, the source text, and the translation on a second line when there
# is one. The language is left out; the model sees one language per run.
COMPACT_MARKERS = {
    "interleaved": "i: ",
    "concatenated": "c: ",
    "glosses": "g: ",
    "segmentation": "s: ",
}


def compact_prompt(kind, record, source_field="transcription"):
    """kind: interleaved | concatenated | glosses | segmentation (as polygloss_prompt)."""
    text = COMPACT_MARKERS[kind] + collapse(record.get(source_field) or "")
    translation = collapse(record.get("translation") or "")
    if translation and translation != "Unknown":
        text += "\n" + translation
    return text
