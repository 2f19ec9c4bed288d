"""The human view of a record: interlinear text, as a linguist reads it.

    (12) Retinäy debex mi yižo.
    r-eti-näy        mi-x        mi   y-iži-o
    IV-want-CND.CVB  you-AD.ESS  you  II-lead-IMPR
    ‘If you want, marry her yourself.’

Each segmentation word stands over its gloss word in a column as wide as the
wider of the two on screen: wide (East Asian) characters take two columns,
combining marks none. Punctuation-only words get a column of their own with
nothing under (or over) them, as the metrics leave them out. Long sentences
wrap. Words that igt-gloss guessed have their gloss marked, `*` for the model's
and `~` for analogy's (`provenance` "model", "analogy"), and `?` for the
model's words it was unsure of (`word_confidence`, from igt-gloss
--confidence, under DOUBTFUL), with a line saying so: the ones to check first. Missing tiers are left out (without a segmentation, the glosses stand
under the transcription); a misaligned record is shown as it is, followed by
a line saying where its counts differ.
"""

import re
import unicodedata

from ..core import interleaved, tokens
from ..core.record import text as record_text
from ..examples.prompts import collapse

GAP = "  "
# Marks of guessed words in the gloss line, by igt-gloss's `provenance`.
MARKS = {"model": ("*", "made by the model"), "analogy": ("~", "guessed by analogy")}
# A model word whose mean token log-probability is under this is marked doubtful. It is where
# igt-gloss --trust-model stops trusting the model; on the six SIGMORPHON dev sets, 92% of the
# words the word model glossed under it were wrong, against 50% of the others
# (benchmarks/confidence_ranking.py, training/RESULTS.md).
DOUBTFUL = -0.1
DOUBT = ("?", f"made by the model, doubtful (confidence under {DOUBTFUL})")
# Zero-width: combining marks, enclosing marks, format characters (joiners, bidi marks).
_ZERO_WIDTH_CATEGORIES = ("Mn", "Me", "Cf")


def char_width(ch):
    if unicodedata.category(ch) in _ZERO_WIDTH_CATEGORIES:
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text):
    """Terminal columns text takes."""
    return sum(char_width(ch) for ch in text)


def pad(text, width):
    return text + " " * (width - display_width(text))


def columns(segmentation, glosses):
    """[(segmentation word, gloss word)] column pairs; '' where a line has nothing.

    Words pair in order; a punctuation-only word (dropped by the metrics) pairs
    with nothing when the other line has a real word there.
    """
    seg_words, gloss_words = (segmentation or "").split(), (glosses or "").split()
    pairs, i, j = [], 0, 0
    while i < len(seg_words) or j < len(gloss_words):
        seg = seg_words[i] if i < len(seg_words) else None
        gloss = gloss_words[j] if j < len(gloss_words) else None
        seg_alone = seg is not None and (gloss is None or (tokens.is_droppable(seg) and not tokens.is_droppable(gloss)))
        gloss_alone = gloss is not None and (seg is None or (tokens.is_droppable(gloss) and not tokens.is_droppable(seg)))
        if seg_alone:
            pairs.append((seg, ""))
            i += 1
        elif gloss_alone:
            pairs.append(("", gloss))
            j += 1
        else:
            pairs.append((seg, gloss))
            i += 1
            j += 1
    return pairs


def interlinear_lines(pairs, width=0):
    """The two column-aligned lines, wrapped into more pairs of lines past `width` (0: never)."""
    lines, seg_line, gloss_line, used = [], [], [], 0
    has_seg = any(seg for seg, _ in pairs)
    has_gloss = any(gloss for _, gloss in pairs)
    for seg, gloss in pairs:
        column = max(display_width(seg), display_width(gloss))
        step = column + (len(GAP) if seg_line else 0)
        if width and seg_line and used + step > width:
            lines += _flush(seg_line, gloss_line, has_seg, has_gloss)
            seg_line, gloss_line, used, step = [], [], 0, column
        seg_line.append(pad(seg, column))
        gloss_line.append(pad(gloss, column))
        used += step
    if seg_line:
        lines += _flush(seg_line, gloss_line, has_seg, has_gloss)
    return lines


def _flush(seg_line, gloss_line, has_seg, has_gloss):
    out = []
    if has_seg:
        out.append(GAP.join(seg_line).rstrip())
    if has_gloss:
        out.append(GAP.join(gloss_line).rstrip())
    return out


class Tiers:
    """A record's four tiers as the views show them: whitespace collapsed, None when missing or blank."""

    def __init__(self, record):
        self.transcription, self.segmentation, self.glosses, self.translation = (
            _field(record, field) for field in ("transcription", "segmentation", "glosses", "translation")
        )
        # Without a segmentation, the glosses stand under the transcription's words.
        self.top = self.segmentation or (self.transcription if self.glosses else None)

    def misaligned(self):
        """Where segmentation and glosses do not pair word for word and morpheme for morpheme, else None."""
        if not (self.segmentation and self.glosses):
            return None
        try:
            interleaved.aligned_words(self.segmentation, self.glosses)
        except interleaved.Misaligned as err:
            return str(err)
        return None


def write_aligned(record, width=0):
    """The record as interlinear text (no trailing newline)."""
    tiers = Tiers(record)
    head = [_label(record.get("id"))] + ([tiers.transcription] if tiers.top is not tiers.transcription else [])
    lines = [" ".join(part for part in head if part)]
    marked, used = _mark_guesses(tiers.glosses, record.get("provenance"), record.get("word_confidence"))
    lines += interlinear_lines(columns(tiers.top, marked), width)
    if tiers.translation:
        lines.append(f"‘{tiers.translation}’")
    misaligned = tiers.misaligned()
    if misaligned:
        lines.append(f"[misaligned: {misaligned}]")
    if used:
        lines.append("[" + ", ".join(f"{mark} {what}" for mark, what in (*MARKS.values(), DOUBT) if mark in used)
                     + ": check these first]")
    return "\n".join(line for line in lines if line)


def _mark_guesses(glosses, provenance, confidences=None):
    """(the glosses with a mark before each guessed word, the marks used), from igt-gloss's
    `provenance` and `word_confidence` (one per word each)."""
    words = (glosses or "").split()
    if not isinstance(provenance, list) or len(provenance) != len(words) or not set(provenance) & set(MARKS):
        return glosses, set()
    if not isinstance(confidences, list) or len(confidences) != len(words):
        confidences = [None] * len(words)
    marks = [_mark(source, confidence) for source, confidence in zip(provenance, confidences)]
    return " ".join(mark + word for mark, word in zip(marks, words)), set(marks) - {""}


def is_doubtful(source, confidence):
    """A word the model glossed with a confidence under DOUBTFUL."""
    return source == "model" and isinstance(confidence, (int, float)) and confidence < DOUBTFUL


def _mark(source, confidence):
    if is_doubtful(source, confidence):
        return DOUBT[0]
    return MARKS[source][0] if source in MARKS else ""


# Quotes a translation may come in, opening -> closing: the views that quote it do not quote it twice.
_QUOTES = {"'": "'", '"': '"', "‘": "’", "“": "”", "`": "'", "«": "»", "„": "“"}


def unquoted(translation):
    """The translation without the pair of quotes around it, if it has them (and no quote closes
    inside it: `'I said', he said 'no'` keeps its own; an apostrophe in `'didn't'` is no quote)."""
    close = _QUOTES.get(translation[:1])
    inner = translation[1:-1]
    if len(translation) < 2 or translation[-1] != close or re.search(re.escape(close) + r"(?!\w)", inner):
        return translation
    return inner.strip()


def _label(value):
    return f"({value})" if value not in (None, "") else ""


def _field(record, field):
    """The field's text with whitespace collapsed, or None when missing or blank."""
    value = record_text(record, field)
    return collapse(value) if value is not None else None
