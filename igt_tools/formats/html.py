"""Records as one self-contained HTML page: the aligned interlinear view, in a browser.

Each record is an <article>: its id and transcription, then one column a word
(the transcription's word, its segmentation, its gloss, stacked) that wrap
onto more lines on a narrow screen, then the translation in quotes. The
transcription's words stand in the columns when they pair with the
segmentation's (as the lexicon pairs them); else the transcription is a line
of its own above. Punctuation-only words get a column of their own, as in the
aligned view. Grammatical tags (the capital parts of a gloss) are set in small
caps, as the Leipzig Glossing Rules ask, by the stylesheet alone: the text
stays as written, so a copied gloss reads the same.

Where igt-gloss said where each word's analysis came from (`provenance`:
lexicon, analogy, model, none), the column takes that source's colour, and
the same marks as `igt-format --to aligned` (~ analogy, * model, ? doubtful:
`word_confidence` under aligned.DOUBTFUL), so that the page reads in black
and white too; a legend at the top says what each means, and a word's
confidence is written under it.

The page needs nothing outside itself (no script, font or stylesheet to
fetch), escapes every text it shows, fits a phone (viewport, wrapping
columns) and prints (no colours lost, no record split across pages). It is
written as the records come, so memory stays bounded.
"""

from html import escape

from ..core.tags import gloss_parts
from ..core.words import analysed_words
from .aligned import DOUBT, DOUBTFUL, MARKS, Tiers, columns, is_doubtful, unquoted

# The kinds of provenance igt-gloss writes, with the mark and the words of the legend.
SOURCES = {
    "lexicon": ("", "from the lexicon"),
    "analogy": (MARKS["analogy"][0], MARKS["analogy"][1]),
    "model": (MARKS["model"][0], MARKS["model"][1]),
    "doubtful": DOUBT,
    "none": ("", "no analysis"),
}

STYLE = """
:root { --lexicon: #1b7a3a; --analogy: #b35c00; --model: #1f5fbf; --doubtful: #c0182b; --none: #6b6b6b; }
* { box-sizing: border-box; }
body { font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       margin: 0 auto; max-width: 60rem; padding: 0.75rem; color: #111; background: #fff; }
h1 { font-size: 1.2rem; margin: 0 0 0.5rem; }
.legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0.5rem 0;
          margin: 0 0 0.75rem; border-bottom: 1px solid #ccc; font-size: 0.9rem; }
.legend li { display: flex; align-items: center; gap: 0.35rem; }
.swatch { display: inline-block; width: 1.6rem; height: 1.1rem; border-radius: 3px; text-align: center;
          font-size: 0.8rem; line-height: 1.1rem; color: #fff; font-weight: bold; }
.igt { margin: 0 0 1.25rem; padding: 0 0 0.75rem; border-bottom: 1px solid #eee; break-inside: avoid; }
.head { margin: 0 0 0.35rem; }
.label { color: #555; margin-right: 0.4rem; }
.transcription { font-style: italic; }
.words { display: flex; flex-wrap: wrap; gap: 0.4rem 0.9rem; margin: 0; padding: 0; list-style: none; }
.word { display: flex; flex-direction: column; max-width: 100%; padding: 0 0.25rem 0.1rem;
        border-left: 4px solid transparent; }
.word > span { min-height: 1.4em; overflow-wrap: anywhere; }
.form { font-style: italic; }
.tag { font-variant-caps: all-small-caps; letter-spacing: 0.03em; }
.mark { font-weight: bold; }
.confidence { font-size: 0.75rem; color: #555; }
.lexicon { border-left-color: var(--lexicon); }
.analogy { border-left-color: var(--analogy); background: #fff4e5; }
.model { border-left-color: var(--model); background: #eaf1fc; }
.doubtful { border-left-color: var(--doubtful); background: #fde8ea; outline: 1px dashed var(--doubtful); }
.none { border-left-color: var(--none); background: #f0f0f0; }
.legend .lexicon, .legend .analogy, .legend .model, .legend .doubtful, .legend .none { border: 0; outline: 0; }
.swatch.lexicon { background: var(--lexicon); } .swatch.analogy { background: var(--analogy); }
.swatch.model { background: var(--model); } .swatch.doubtful { background: var(--doubtful); }
.swatch.none { background: var(--none); }
.mark.analogy, .mark.model, .mark.doubtful { background: none; outline: 0; }
.mark.analogy { color: var(--analogy); } .mark.model { color: var(--model); } .mark.doubtful { color: var(--doubtful); }
.translation { margin: 0.4rem 0 0; }
.note { margin: 0.3rem 0 0; font-size: 0.85rem; color: var(--doubtful); }
@media (max-width: 30rem) { body { font-size: 15px; padding: 0.5rem; } .words { gap: 0.3rem 0.6rem; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .igt { page-break-inside: avoid; break-inside: avoid; }
  .legend { page-break-after: avoid; break-after: avoid; }
}
"""


def write_page(records, stream, title="Interlinear glossed text"):
    """Write the page with one <article> per record to stream, as the records come."""
    stream.write(_head(title))
    for record in records:
        stream.write(article(record) + "\n")
    stream.write("</main>\n</body>\n</html>\n")


def _head(title):
    legend = "".join(
        f'<li><span class="swatch {kind}">{escape(mark)}</span>{escape(words)}</li>'
        for kind, (mark, words) in SOURCES.items()
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{escape(title)}</h1>\n"
        f'<ul class="legend" aria-label="where each analysis came from">{legend}</ul>\n'
        f"<p class=\"confidence\">Under a model's word: its confidence (mean token log-probability);"
        f" under {DOUBTFUL} it is doubtful.</p>\n"
        "</header>\n<main>\n"
    )


def article(record):
    """One record as an <article> (one line of HTML)."""
    tiers = Tiers(record)
    forms = _transcription_words(tiers)
    head = [f'<span class="label">({escape(str(record["id"]))})</span>'] if record.get("id") not in (None, "") else []
    if tiers.transcription and forms is None and tiers.top is not tiers.transcription:
        head.append(f'<span class="transcription">{escape(tiers.transcription)}</span>')
    parts = [f'<p class="head">{"".join(head)}</p>'] if head else []
    if tiers.top:
        top_class = "segmentation" if tiers.segmentation else "form"
        parts.append(_columns(tiers, forms, record.get("provenance"), record.get("word_confidence"), top_class))
    if tiers.translation:
        parts.append(f'<p class="translation">‘{escape(unquoted(tiers.translation))}’</p>')
    misaligned = tiers.misaligned()
    if misaligned:
        parts.append(f'<p class="note">misaligned: {escape(misaligned)}</p>')
    return '<article class="igt">' + "".join(parts) + "</article>"


def _transcription_words(tiers):
    """The transcription's word over each segmentation word, when they pair one to one; else None."""
    top = tiers.segmentation
    if top is None or tiers.transcription is None:
        return None
    pairs = analysed_words({"transcription": tiers.transcription, "segmentation": top, "glosses": top})
    if pairs is None or len(pairs) != len(top.split()):
        return None  # only where every column gets its word: a partial row would mislead
    return [word for word, _, _ in pairs]


def _columns(tiers, forms, provenance, confidences, top_class):
    """The words as a list of stacked columns, each with its source's class and mark."""
    gloss_count = len((tiers.glosses or "").split())
    sources = provenance if isinstance(provenance, list) and len(provenance) == gloss_count else None
    scores = confidences if isinstance(confidences, list) and len(confidences) == gloss_count else None
    forms = iter(forms) if forms is not None else None
    cells, g = [], 0
    for word, gloss in columns(tiers.top, tiers.glosses):
        rows = [("form", next(forms) if word else "")] if forms is not None else []
        rows += [(top_class, word), ("gloss", gloss)]
        kind = confidence = None
        if gloss:
            kind, confidence = _kind(sources[g] if sources else None, scores[g] if scores else None), scores[g] if scores else None
            g += 1
        cells.append(_cell(rows, kind, confidence))
    return '<ul class="words">' + "".join(cells) + "</ul>"


def _kind(source, confidence):
    """The class of a word: its provenance, or doubtful (the aligned view's `?`)."""
    if not isinstance(source, str):
        return None
    return "doubtful" if is_doubtful(source, confidence) else source if source in SOURCES else None


def _cell(rows, kind, confidence):
    """One column: its rows stacked, the gloss after the mark of its kind, the confidence under it."""
    mark = f'<span class="mark {kind}">{escape(SOURCES[kind][0])}</span>' if kind and SOURCES[kind][0] else ""
    html = [f'<span class="{name}">' + (mark + _gloss(text) if name == "gloss" else escape(text)) + "</span>" for name, text in rows]
    if isinstance(confidence, (int, float)) and not isinstance(confidence, bool):
        html.append(f'<span class="confidence">{confidence:.2f}</span>')
    attributes = f' class="word {kind}" title="{escape(SOURCES[kind][1])}"' if kind else ' class="word"'
    return f"<li{attributes}>" + "".join(html) + "</li>"


def _gloss(word):
    """A gloss word, its grammatical tags set in small caps (the text stays as written: copied, it reads the same)."""
    return "".join(f'<span class="tag">{escape(part)}</span>' if tag else escape(part) for part, tag in gloss_parts(word))
