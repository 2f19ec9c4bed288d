"""Predictions into a FLEx `.flextext` export, every other byte kept.

Each word of a phrase that has no morphemes (all of them with `overwrite`)
gets a `<morphemes analysisStatus="guess">` element, FieldWorks' own mark of
an analysis no one has approved yet (FlexInterlinear.xsd), right after the
word's `txt` item, indented like its neighbours:

    <morphemes analysisStatus="guess">
      <morph type="prefix">
        <item type="txt" lang="kkk">ka-</item>
        <item type="gls" lang="en">3SG</item>
      </morph>
      ...

Morph forms carry their boundaries as FLEx writes them; morph types follow
from them (prefix, stem, suffix, proclitic, enclitic). Glosses are in the
phrase's gloss language (else the document's, else English); a gloss the
model did not know ([UNK]) is left out. In a file glossed at word level only
(no morphs anywhere), a predicted word of one morpheme goes into the word's
own `gls` item instead, and the words of several get `<morphemes>` (said in
one line). A prediction misaligned in some words fills the others; those
are reported and keep what they had. A prediction holding a character XML
1.0 forbids is reported and left out, its phrase named.
"""

import re
from xml.sax.saxutils import escape, quoteattr

from ...core.io import source_name, warn
from .. import GUESS
from ..flextext import gloss_language, is_analysable, morphs_of, read_phrases, words_of
from ..morphemes import restore_boundaries
from .patch import apply_edits, line_end, read_bytes
from .predictions import predicted_units
from .words import UNKNOWN, Unplaceable, placeable_words, split_among

DEFAULT_GLOSS_LANGUAGE = "en"
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def merge_flextext(path, predictions, report, overwrite=False):
    """The bytes of the FLEx file at `path` with the predictions merged in."""
    data = read_bytes(path)
    phrases = list(read_phrases(path))
    encoding = _xml_encoding(data)
    newline = line_end(data)
    document_language = next(filter(None, (gloss_language(words_of(p)) for _, _, p in phrases)), DEFAULT_GLOSS_LANGUAGE)
    # A file glossed at word level only (no morphs anywhere): one-morpheme predictions go into word glosses.
    word_level = not any(morphs_of(word) for _, _, phrase in phrases for word in words_of(phrase))
    edits, morphemes_added = [], 0
    for _, location, record, phrase, prediction in predicted_units(phrases, path, predictions, report):
        words = [w for w in words_of(phrase) if is_analysable(w)]
        try:
            _check_xml_characters(prediction)
            predicted = placeable_words(prediction, report=lambda why: report.word_kept(location, why))
            (analyses,) = split_among(predicted, [len(words)])
        except Unplaceable as err:
            report.count("unplaceable", location, err)
            continue
        language = gloss_language(words_of(phrase)) or document_language
        before = len(edits)
        for word, analysis in zip(words, analyses):
            if analysis is None or analysis.kept:
                continue
            if word_level and len(analysis.morphs) == 1:
                edit = _word_gloss_edit(data, word, analysis.morphs[0].gloss, language, newline, overwrite)
                edits += [edit] if edit is not None else []
            elif overwrite or not morphs_of(word):
                edits.append(_word_edit(data, word, analysis, language, newline))
                morphemes_added += word_level
        report.count("filled" if len(edits) > before else "kept")
    if morphemes_added:
        warn(report.prog, f"{source_name(path)}: the file glosses words only; {morphemes_added:,} predicted words of several"
             ' morphemes got <morphemes analysisStatus="guess">, the others word glosses')
    return apply_edits(data, [(start, end, text.encode(encoding, "xmlcharrefreplace")) for start, end, text in edits])


def _check_xml_characters(prediction):
    """Unplaceable where the prediction holds a character XML 1.0 forbids (control characters, lone
    surrogates, U+FFFE/U+FFFF): no escape can write it, and the file would no longer be XML."""
    for field in ("segmentation", "glosses"):
        match = _NOT_XML.search(prediction.get(field) or "")
        if match is not None:
            raise Unplaceable(f"record {prediction.get('id')!r}: its {field} holds U+{ord(match.group()):04X}, which XML 1.0 forbids")


def _xml_encoding(data):
    match = _ENCODING.match(data)
    return match.group(1).decode("ascii") if match else "utf-8"


def _word_edit(data, word, analysis, language, newline):
    """(start, end, text): the word's new <morphemes>, in place of its old one or after its txt item."""
    txt = next((item for item in word["items"] if item.kind == "txt"), None)
    vernacular = txt.lang if txt is not None and txt.lang else language
    if "morphemes" in word and word["morphemes"][1] is not None:
        start = word["morphemes"][0]
        end = element_end(data, start, word["morphemes"][1])
        indent = _indent(data, start)
        return start, end, _morphemes(analysis, vernacular, language, indent, _unit(data, word, start), newline)
    end = element_end(data, txt.start, txt.end_tag)
    indent = _indent(data, txt.start)
    block = _morphemes(analysis, vernacular, language, indent, _unit(data, word, txt.start), newline)
    return end, end, (newline + indent + block) if indent is not None else block


def _word_gloss_edit(data, word, gloss, language, newline, overwrite):
    """(start, end, text): the word's gloss item in `language`, in place of an empty one (any, with
    `overwrite`) or after its txt item; None where the word keeps its own gloss or none is predicted."""
    if gloss in (None, UNKNOWN):
        return None
    item = f'<item type="gls" lang={quoteattr(language)}>{escape(restore_boundaries(gloss))}</item>'
    old = next((i for i in word["items"] if i.kind == "gls" and i.lang == language), None)
    if old is not None:
        if old.text and not overwrite:
            return None
        return old.start, element_end(data, old.start, old.end_tag), item
    txt = next(i for i in word["items"] if i.kind == "txt")
    end = element_end(data, txt.start, txt.end_tag)
    indent = _indent(data, txt.start)
    return end, end, (newline + indent + item) if indent is not None else item


def element_end(data, start, end_tag):
    """Just past an element that starts at `start` and whose end tag expat reported at `end_tag`."""
    match = _START_TAG.match(data, start)
    if match is not None and match.group(1):  # <empty/>
        return match.end()
    return data.index(b">", end_tag) + 1


def _indent(data, position):
    """The whitespace before `position` on its line, or None when something else comes first (compact XML)."""
    line_start = max(data.rfind(b"\n", 0, position), data.rfind(b"\r", 0, position)) + 1
    before = data[line_start:position]
    return before.decode("ascii") if before.strip() == b"" and before.isascii() else None


def _unit(data, word, inner):
    """One step of indentation: what the word's items add to the word's own, else two spaces."""
    outer, own = _indent(data, word["start"]), _indent(data, inner)
    if outer is not None and own is not None and own.startswith(outer) and len(own) > len(outer):
        return own[len(outer):]
    return "  "


def _morphemes(analysis, vernacular, language, indent, unit, newline):
    """The <morphemes> element: one line per element, indented, or all on one line where the file is compact."""
    lines = [(0, f'<morphemes analysisStatus="{GUESS}">')]
    for morph in analysis.morphs:
        lines.append((1, f"<morph type={quoteattr(morph.kind)}>"))
        lines.append((2, f'<item type="txt" lang={quoteattr(vernacular)}>{escape(morph.form)}</item>'))
        if morph.gloss not in (None, UNKNOWN):
            # A clitic written as a word of its own (`=ki`) carries its boundary in its gloss too (`=2`), as read.
            gloss = morph.gloss_form if len(analysis.morphs) == 1 else morph.gloss
            lines.append((2, f'<item type="gls" lang={quoteattr(language)}>{escape(restore_boundaries(gloss))}</item>'))
        lines.append((1, "</morph>"))
    lines.append((0, "</morphemes>"))
    if indent is None:
        return "".join(text for _, text in lines)
    return (newline + indent).join(unit * depth + text for depth, text in lines)
