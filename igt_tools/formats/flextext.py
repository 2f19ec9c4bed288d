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

One record per phrase. Morph forms carry their own boundaries in FLEx
(`ka-`, `-na`, `=ri`): a word's segmentation glues them (a `-` between two
stems), and its glosses follow the same boundaries. A morph without a gloss
gets `[UNK]` (the metrics' unknown-gloss token), an unanalysed word its word
gloss (or `[UNK]`). Punctuation words go into the transcription only, as in
the shared-task data. A phrase with no morphs at all has no segmentation, and
one with no gloss anywhere has no glosses.

Parsed with expat directly rather than ElementTree's iterparse, because
expat reports the line of each phrase, so every record and every XML error
can name its file and line.
"""

from xml.parsers import expat

from ..errors import DataError
from ..io import Location, open_binary, source_name
from .toolbox import BOUNDARIES, glue_morphemes

UNKNOWN_GLOSS = "[UNK]"
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


def read_flextext(path, bad=None):
    """Yield (Location, record) for each phrase of a .flextext file (or '-' for stdin).

    `bad` is accepted for the same signature as the other readers; an XML
    error cannot be skipped (the rest of the file is unreadable after it).
    """
    name = source_name(path)
    builder = _PhraseBuilder(name)
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


class _PhraseBuilder:
    """expat callbacks that collect each phrase's items, words and morphs."""

    def __init__(self, source):
        self.source = source
        self.done = []
        self.stack = []  # open container dicts: interlinear-text, phrase, word, morph
        self.item = None  # (type, lang, [text pieces]) of the open <item>

    def attach(self, parser):
        self.parser = parser
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data

    def drain(self):
        done, self.done = self.done, []
        return done

    def start(self, tag, attrs):
        if tag in _CONTAINERS:
            self.stack.append(
                {"tag": tag, "line": self.parser.CurrentLineNumber, "type": attrs.get("type"), "items": [], "children": []}
            )
        elif tag == "item":
            self.item = (attrs.get("type"), attrs.get("lang"), [])

    def data(self, text):
        if self.item is not None:
            self.item[2].append(text)

    def end(self, tag):
        if tag == "item" and self.item is not None:
            kind, lang, pieces = self.item
            self.item = None
            if self.stack:
                self.stack[-1]["items"].append((kind, lang, "".join(pieces).strip()))
            return
        if tag not in _CONTAINERS or not self.stack:
            return
        node = self.stack.pop()
        if tag == "phrase":
            self.done.append((Location(self.source, node["line"]), _phrase_record(node, self._title())))
        elif tag != "interlinear-text" and self.stack:
            self.stack[-1]["children"].append(node)

    def _title(self):
        """The enclosing text's title: its item comes before the paragraphs."""
        text = next((node for node in self.stack if node["tag"] == "interlinear-text"), None)
        return _first(text["items"], "title")[0] if text else None


def _first(items, *kinds):
    """(text, lang) of the first non-empty item of one of these kinds, else (None, None)."""
    for kind, lang, text in items:
        if kind in kinds and text:
            return text, lang
    return None, None


def _phrase_record(phrase, title):
    words = [w for w in phrase["children"] if w["tag"] == "word"]
    record = {}
    text, _ = _first(phrase["items"], "txt")
    record["transcription"] = text if text is not None else _join_words(words)
    segmentation, glosses = _analysis(words)
    if segmentation is not None:
        record["segmentation"] = segmentation
    if glosses is not None:
        record["glosses"] = glosses
    translation, metalang = _first(phrase["items"], "gls", "free")
    if translation is not None:
        record["translation"] = translation
        if metalang in METALANGUAGES:
            record["metalanguage"] = METALANGUAGES[metalang]
        if metalang:
            record["metalang_code"] = metalang
    literal, _ = _first(phrase["items"], "lit")
    if literal is not None:
        record["literal_translation"] = literal
    vernacular = next((lang for w in words for kind, lang, _ in w["items"] if kind == "txt" and lang), None)
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
        punct = any(kind == "punct" for kind, _, _ in word["items"])
        # A straight quote opens when the ones before it are paired.
        opening = punct and (form[0] in _OPENING or (form[0] in _QUOTES and out.count(form[0]) % 2 == 0))
        if glue_next or (punct and not opening):
            out += form
        else:
            out += " " + form
        glue_next = opening
    return out


def _analysis(words):
    """(segmentation, glosses) of the phrase's non-punctuation words; None where the phrase has none."""
    seg_words, gloss_words, analysed, glossed = [], [], False, False
    for word in words:
        form, _ = _first(word["items"], "txt")
        morphs = [m for m in word["children"] if m["tag"] == "morph"]
        if form is None and not morphs:
            continue  # a punctuation word
        if morphs:
            analysed = True
            forms = [_first(m["items"], "txt", "cf")[0] or "" for m in morphs]
            pieces = [_first(m["items"], "gls")[0] for m in morphs]
            glossed = glossed or any(p is not None for p in pieces)
            seg, seps = glue_morphemes(forms)
            # A gloss of several words becomes one token joined with "." (Leipzig), as in toolbox.py.
            pieces = [".".join(p.split()) if p is not None else UNKNOWN_GLOSS for p in pieces]
            if len(pieces) > 1:
                pieces = [p.strip("".join(BOUNDARIES)) or UNKNOWN_GLOSS for p in pieces]
            gloss = pieces[0] + "".join(s + p for s, p in zip(seps, pieces[1:]))
        else:
            seg = form
            gloss, _ = _first(word["items"], "gls")
            glossed = glossed or gloss is not None
            gloss = ".".join(gloss.split()) if gloss is not None else UNKNOWN_GLOSS
        seg_words.append(seg)
        gloss_words.append(gloss)
    return (" ".join(seg_words) if analysed else None), (" ".join(gloss_words) if glossed else None)
