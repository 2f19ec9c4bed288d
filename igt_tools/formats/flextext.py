"""FieldWorks (FLEx) interlinear XML export (`.flextext`), read as a stream.

    <interlinear-text>  <item type="title">
      <paragraphs><paragraph><phrases>
        <phrase>  <item type="segnum">1</item>  <item type="txt">...</item>
          <words>
            <word> <item type="txt" lang="kkk">kamwali</item>
              <morphemes>
                <morph type="prefix"> <item type="txt">ka-</item> <item type="gls" lang="en">3SG</item>
            <word> <item type="punct">.</item>
          <item type="gls" lang="en">his house</item>    (the free translation; `free` in older exports)
          <item type="lit" lang="en">...</item>

Older exports have no `<phrase>` elements: there a phrase is a `<word>` that
holds `<words>`, followed by the phrase's own items; both read alike. Where a
phrase has free translations in several languages, or morphs glosses in
several analysis languages, `metalanguage` (a code, `en`, or a name,
`English`) picks one; without it the first translation is taken, and the
language of the phrase's first gloss. The others go into `translations`
({lang: text}). `analysisStatus` attributes (human-approved or guessed
analyses) do not change what is read.

One record per phrase. Morph forms carry their own boundaries in FLEx
(`ka-`, `-na`, `=ri`): a word's segmentation glues them (a `-` between two
stems), and its glosses follow the same boundaries. A boundary symbol inside
one morph's gloss (`mother-in-law`) is read as a look-alike (U+2011, U+2E40:
see morphemes.escape_inner_boundaries), so that the gloss stays one; the
merge writes it back as it was. A phrase glossed at word level only (no
morphs: older or simpler exports) has one morpheme a word, the word gloss. A morph without a gloss
gets `[UNK]` (the metrics' unknown-gloss token), an unanalysed word its word
gloss (or `[UNK]`). Punctuation words go into the transcription only, as in
the shared-task data. A phrase with no morphs at all has no segmentation, and
one with no gloss anywhere has no glosses.

An external entity (`<!ENTITY x SYSTEM "file:...">`) is never read: the
file is refused, the entity named, rather than a word silently left empty.

Parsed with expat directly rather than ElementTree's iterparse, because
expat reports the line of each phrase, so every record and every XML error
can name its file and line.
"""

from dataclasses import dataclass
from xml.parsers import expat

from ..core.errors import DataError
from ..core.io import Location, open_binary, source_name
from ..core.tokens import UNK
from .morphemes import BOUNDARIES, escape_inner_boundaries, glue_morphemes

CHUNK = 1 << 16
# Common FLEx analysis writing systems; others keep only their code (`metalang_code`).
METALANGUAGES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "pt": "Portuguese",
    "de": "German",
    "ru": "Russian",
    "id": "Indonesian",
    "tpi": "Tok Pisin",
    "zh": "Chinese",
    "swh": "Swahili",
    "sw": "Swahili",
}
_OPENING = "([{¿¡«“‘"
_QUOTES = "\"'"
_CONTAINERS = ("interlinear-text", "phrase", "word", "morph")


def read_flextext(path, bad=None, metalanguage=None):
    """Yield (Location, record) for each phrase of a .flextext file (or '-' for stdin).

    `bad` is accepted for the same signature as the other readers; an XML
    error cannot be skipped (the rest of the file is unreadable after it).
    """
    for location, record, _ in read_phrases(path, metalanguage):
        yield location, record


def read_phrases(path, metalanguage=None):
    """Yield (Location, record, phrase node) for each phrase: the node keeps each element's byte offsets
    (`start` of its start tag, `end_tag` where its end tag or empty-element tag ends), for writers that patch the file."""
    name = source_name(path)
    builder = PhraseBuilder(name, metalanguage)
    parser = expat.ParserCreate()
    builder.attach(parser)
    stream, owned = open_binary(path)
    try:
        while True:
            chunk = stream.read(CHUNK)
            try:
                parser.Parse(chunk, not chunk)
            except expat.ExpatError as err:
                raise DataError(f"not well-formed XML: {expat.errors.messages[err.code]}", name, err.lineno) from None
            yield from builder.drain()
            if not chunk:
                break
    finally:
        if owned:
            stream.close()


def language_codes(metalanguage):
    """The writing-system codes a --metalanguage value stands for: itself, and the codes of that name."""
    if not metalanguage:
        return ()
    wanted = metalanguage.strip().lower()
    return (wanted,) + tuple(code for code, name in METALANGUAGES.items() if name.lower() == wanted)


def _in_language(lang, codes):
    """`es-MX` is in `es`."""
    return lang is not None and (lang.lower() in codes or lang.lower().split("-")[0] in codes)


@dataclass
class Item:
    kind: str
    lang: str
    text: str
    start: int  # byte offset of <item
    end_tag: int  # byte offset that expat gives for its end: `</item>` (or just past `<item/>`)


class PhraseBuilder:
    """expat callbacks that collect each phrase's items, words and morphs, with their byte offsets."""

    def __init__(self, source, metalanguage=None):
        self.source = source
        self.codes = language_codes(metalanguage)
        self.done = []
        self.stack = []  # open container dicts: interlinear-text, phrase, word, morph
        self.item = None  # [type, lang, [text pieces], start] of the open <item>

    def attach(self, parser):
        self.parser = parser
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        parser.ExternalEntityRefHandler = self.external_entity

    def external_entity(self, context, base, system_id, public_id):
        """Never read (a file must not make igt-tools read another), nor dropped unseen: the text
        that uses it cannot be read, so the file is refused, the entity named."""
        raise DataError(
            f"external entity &{context};, {system_id or public_id}, is not read: the text that uses it cannot be"
            " read (FLEx exports have none)", self.source, self.parser.CurrentLineNumber
        )

    def drain(self):
        done, self.done = self.done, []
        return done

    def start(self, tag, attrs):
        where = self.parser.CurrentByteIndex
        if tag in _CONTAINERS:
            self.stack.append(
                {"tag": tag, "line": self.parser.CurrentLineNumber, "start": where, "items": [], "children": []}
            )
        elif tag == "item":
            self.item = [attrs.get("type"), attrs.get("lang"), [], where]
        elif tag == "morphemes" and self.stack:
            self.stack[-1]["morphemes"] = [where, None]

    def data(self, text):
        if self.item is not None:
            self.item[2].append(text)

    def end(self, tag):
        where = self.parser.CurrentByteIndex
        if tag == "item" and self.item is not None:
            kind, lang, pieces, start = self.item
            self.item = None
            if self.stack:
                self.stack[-1]["items"].append(Item(kind, lang, "".join(pieces).strip(), start, where))
            return
        if tag == "morphemes" and self.stack and "morphemes" in self.stack[-1]:
            self.stack[-1]["morphemes"][1] = where
            return
        if tag not in _CONTAINERS or not self.stack:
            return
        node = self.stack.pop()
        node["end_tag"] = where
        # An older export's phrase: a <word> holding <words>.
        if tag == "phrase" or (tag == "word" and any(child["tag"] == "word" for child in node["children"])):
            record = _phrase_record(node, self._title(), self.codes)
            self.done.append((Location(self.source, node["line"]), record, node))
        elif tag != "interlinear-text" and self.stack:
            self.stack[-1]["children"].append(node)

    def _title(self):
        """The enclosing text's title: its item comes before the paragraphs."""
        text = next((node for node in self.stack if node["tag"] == "interlinear-text"), None)
        return _first(text["items"], "title")[0] if text else None


def _first(items, *kinds, codes=None):
    """(text, lang) of the first non-empty item of one of these kinds (in one of the
    language `codes`, when any item is), else (None, None)."""
    found = [item for item in items if item.kind in kinds and item.text]
    if codes:
        found = [item for item in found if _in_language(item.lang, codes)] or found
    return (found[0].text, found[0].lang) if found else (None, None)


def words_of(phrase):
    return [w for w in phrase["children"] if w["tag"] == "word"]


def _phrase_record(phrase, title, codes=()):
    words = words_of(phrase)
    record = {}
    text, _ = _first(phrase["items"], "txt")
    record["transcription"] = text if text is not None else _join_words(words)
    segmentation, glosses = _analysis(words, gloss_language(words, codes))
    if segmentation is not None:
        record["segmentation"] = segmentation
    if glosses is not None:
        record["glosses"] = glosses
    translation, metalang = _first(phrase["items"], "gls", "free", codes=codes)
    if translation is not None:
        record["translation"] = translation
        name = METALANGUAGES.get(metalang) or METALANGUAGES.get((metalang or "").split("-")[0])
        if name:
            record["metalanguage"] = name
        if metalang:
            record["metalang_code"] = metalang
        others = {i.lang: i.text for i in phrase["items"] if i.kind in ("gls", "free") and i.text and i.lang not in (None, metalang)}
        if others and metalang:
            record["translations"] = {metalang: translation, **others}
    literal, _ = _first(phrase["items"], "lit")
    if literal is not None:
        record["literal_translation"] = literal
    vernacular = next((i.lang for w in words for i in w["items"] if i.kind == "txt" and i.lang), None)
    if vernacular:
        record["language_code"] = vernacular
    if title:
        record["text_title"] = title
    segnum, _ = _first(phrase["items"], "segnum")
    if segnum is not None:
        record["segnum"] = segnum
    return record


def _join_words(words):
    """The transcription from the word forms: punctuation hugs its word, opening brackets the next."""
    out, glue_next = "", True
    for word in words:
        form, _ = _first(word["items"], "txt", "punct")
        if form is None:
            continue
        punct = any(item.kind == "punct" for item in word["items"])
        # A straight quote opens when the ones before it are paired.
        opening = punct and (form[0] in _OPENING or (form[0] in _QUOTES and out.count(form[0]) % 2 == 0))
        if glue_next or (punct and not opening):
            out += form
        else:
            out += " " + form
        glue_next = opening
    return out


def gloss_language(words, codes=()):
    """The analysis language of a phrase's glosses: one of `codes` where the phrase has it, else its first."""
    langs = [i.lang for w in words for node in [w, *w["children"]] for i in node["items"] if i.kind == "gls" and i.text]
    return next((lang for lang in langs if _in_language(lang, codes)), langs[0] if langs else None)


def _gloss(node, lang):
    return next((i.text for i in node["items"] if i.kind == "gls" and i.text and i.lang == lang), None)


def is_analysable(word):
    """Not a punctuation word: it has a form (or morphs) of its own."""
    return _first(word["items"], "txt")[0] is not None or bool(morphs_of(word))


def morphs_of(word):
    return [m for m in word["children"] if m["tag"] == "morph"]


def _analysis(words, lang):
    """(segmentation, glosses) of the phrase's non-punctuation words (glosses in `lang`); None where the phrase has none.

    A phrase analysed at word level only (glosses on words, no morphs) has one morpheme a word."""
    seg_words, gloss_words, analysed, glossed = [], [], False, False
    for word in filter(is_analysable, words):
        form, _ = _first(word["items"], "txt")
        morphs = morphs_of(word)
        if morphs:
            analysed = True
            forms = [_first(m["items"], "txt", "cf")[0] or "" for m in morphs]
            pieces = [_gloss(m, lang) for m in morphs]
            glossed = glossed or any(p is not None for p in pieces)
            seg, seps = glue_morphemes(forms)
            # A gloss of several words becomes one token joined with "." (Leipzig), as in toolbox.py.
            pieces = [".".join(p.split()) if p is not None else UNK for p in pieces]
            if len(pieces) > 1:
                pieces = [p.strip("".join(BOUNDARIES)) or UNK for p in pieces]
            pieces = [escape_inner_boundaries(p) for p in pieces]
            gloss = pieces[0] + "".join(s + p for s, p in zip(seps, pieces[1:]))
        else:
            seg = form
            gloss = _gloss(word, lang)
            glossed = glossed or gloss is not None
            analysed = analysed or gloss is not None
            gloss = escape_inner_boundaries(".".join(gloss.split())) if gloss is not None else UNK
        seg_words.append(seg)
        gloss_words.append(gloss)
    return (" ".join(seg_words) if analysed else None), (" ".join(gloss_words) if glossed else None)
