"""Records as LaTeX examples, for the packages linguists number examples with.

gb4e (the default):

    \\begin{exe}
    \\ex\\label{usp-1}
    o sey xtok rixoqiil\\\\
    \\gll o sey x-tok r-ixoqiil\\\\
    \\textsc{conj} sea \\textsc{com}-buscar \\textsc{e3s}-esposa\\\\
    \\trans `y fue a buscar su esposa'
    \\end{exe}

expex: the same lines as `\\ex \\begingl \\glpreamble ... \\gla ... \\glb ...
\\glft ... \\endgl \\xe`.

The transcription stands on a line of its own over the aligned pair when the
record has a segmentation (its words need not pair with the segmentation's);
without one, the glosses are aligned under the transcription's words, and a
record without glosses prints its line alone. Words pair into columns as in
the aligned view (a punctuation-only word gets an empty partner `{}`); a
misaligned record is written as it is, after a `%` comment that says where.
Grammatical tags (the capital parts of a gloss: PL, 3SG, DET, the PST of
go.PST) go in small caps, as the Leipzig Glossing Rules ask: \\textsc{} of the
tag in small letters. Lexical glosses stay as they are. The translation goes
in single quotes (quotes it already has around it are not doubled). Every
text is escaped: # $ % & ~ _ ^ \\ { } and the characters that the default
font encoding would print as others (< > |), [ ] (an optional argument at the
start of a line) and `//` (which ends expex's lines).

pdflatex reads UTF-8, but the fonts of plain pdflatex lack IPA and most
scripts: compile with xelatex or lualatex and fontspec for those.
"""

import re

from ..core.tags import gloss_parts
from .aligned import Tiers, columns, unquoted

STYLES = ("gb4e", "expex")

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "[": "{[}",
    "]": "{]}",
}
_SPECIAL_CHARS = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")


def escape(text):
    """Text that LaTeX prints as it is."""
    return _SPECIAL_CHARS.sub(lambda m: _SPECIAL[m.group()], text).replace("//", "/{/}")


def gloss_word(word):
    """A gloss word in LaTeX: its grammatical tags in small caps (\\textsc{3sg}), the rest as it is."""
    return "".join(rf"\textsc{{{escape(part.lower())}}}" if tag else escape(part) for part, tag in gloss_parts(word))


def write_latex(record, style="gb4e"):
    """The record as one numbered example of gb4e or expex (no trailing newline)."""
    tiers = Tiers(record)
    free_line = tiers.transcription if tiers.top is not tiers.transcription else None
    plain_line = tiers.top if not tiers.glosses else None
    pairs = columns(tiers.top, tiers.glosses) if tiers.glosses else []
    cells = [(escape(word) or "{}", gloss_word(gloss) or "{}") for word, gloss in pairs]
    example = _expex if style == "expex" else _gb4e
    misaligned = tiers.misaligned()
    comment = ["% misaligned: " + misaligned.replace("\n", " ")] if misaligned else []
    return "\n".join(comment + example(record, free_line, plain_line, cells, tiers.translation))


def _gb4e(record, free_line, plain_line, cells, translation):
    lines = [r"\begin{exe}", r"\ex" + _label(record)]
    for line in (free_line, plain_line):
        if line:
            lines.append(escape(line) + (r"\\" if cells or translation else ""))
    if cells:
        lines.append(r"\gll " + " ".join(seg for seg, _ in cells) + r"\\")
        lines.append(" ".join(gloss for _, gloss in cells) + r"\\")
    if translation:
        lines.append(r"\trans " + _quoted(translation))
    lines.append(r"\end{exe}")
    return lines


def _expex(record, free_line, plain_line, cells, translation):
    lines = [r"\ex" + _label(record)]
    if cells:
        lines.append(r"\begingl")
        if free_line:
            lines.append(r"\glpreamble " + escape(free_line) + "//")
        lines.append(r"\gla " + " ".join(seg for seg, _ in cells) + "//")
        lines.append(r"\glb " + " ".join(gloss for _, gloss in cells) + "//")
        if translation:
            lines.append(r"\glft " + _quoted(translation) + "//")
        lines.append(r"\endgl")
    else:
        shown = [escape(line) for line in (free_line, plain_line) if line]
        if translation:
            shown.append(_quoted(translation))
        lines.append(r"\\".join(shown) if shown else "{}")
    lines.append(r"\xe")
    return lines


def _quoted(translation):
    """The translation in single LaTeX quotes (not in two pairs)."""
    return "`" + escape(unquoted(translation)) + "'"


def _label(record):
    """\\label{ID} for references, from the record's id: characters other than letters, digits, `.`,
    `:` and `-` made `-` (gb4e makes `_` active, which a label cannot hold)."""
    value = record.get("id")
    if value in (None, ""):
        return ""
    return r"\label{" + re.sub(r"[^A-Za-z0-9.:-]", "-", str(value)) + "}"
