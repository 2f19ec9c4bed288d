"""The interleaved format: `DET(the) cat(cat)-PL(s)` (REFERENCE.md section 2).

Each gloss is followed by its morpheme in parentheses; boundary symbols come
from the gloss line. Building a label needs aligned tiers; parsing always
gives the best reading of whatever the model wrote, counting malformed pieces.
"""

from dataclasses import dataclass, field
from typing import Optional

from . import tokens

BOUNDARIES = tokens.MORPHEME_BOUNDARIES


class Misaligned(ValueError):
    """Segmentation and glosses differ in word or morpheme counts."""


def split_keep(word):
    """'a-b=c' -> (['a', 'b', 'c'], ['-', '='])."""
    pieces, seps, start = [], [], 0
    for i, ch in enumerate(word):
        if ch in BOUNDARIES:
            pieces.append(word[start:i])
            seps.append(ch)
            start = i + 1
    pieces.append(word[start:])
    return pieces, seps


def join_keep(pieces, seps):
    """split_keep's inverse: (['a', 'b', 'c'], ['-', '=']) -> 'a-b=c'."""
    return pieces[0] + "".join(sep + piece for sep, piece in zip(seps, pieces[1:]))


def aligned_words(segmentation, glosses):
    """[(morphemes, glosses, boundaries)] per word, or Misaligned naming where counts differ."""
    seg_words, gloss_words = tokens.words(segmentation), tokens.words(glosses)
    if len(seg_words) != len(gloss_words):
        raise Misaligned(f"{len(seg_words)} segmentation words but {len(gloss_words)} gloss words")
    out = []
    for n, (seg_word, gloss_word) in enumerate(zip(seg_words, gloss_words), start=1):
        morphs, _ = split_keep(seg_word)
        glosses_, seps = split_keep(gloss_word)
        if len(morphs) != len(glosses_):
            raise Misaligned(
                f"word {n} ({seg_word!r} / {gloss_word!r}): {len(morphs)} morphemes but {len(glosses_)} glosses"
            )
        out.append((morphs, glosses_, seps))
    return out


def make_label(segmentation, glosses):
    """The interleaved label, or Misaligned."""
    return _label(aligned_words(segmentation, glosses))


def _label(aligned):
    words = []
    for morphs, glosses_, seps in aligned:
        parts = [f"{glosses_[0]}({morphs[0]})"]
        for sep, gloss, morph in zip(seps, glosses_[1:], morphs[1:]):
            parts.append(f"{sep}{gloss}({morph})")
        words.append("".join(parts))
    return " ".join(words)


# Why a label may not parse back into its tiers (see representable).
BOUNDARY_MISMATCH = "boundary-mismatch"
UNBALANCED_PARENTHESES = "unbalanced-parentheses"
UNREPRESENTABLE = {
    BOUNDARY_MISMATCH: "segmentation and glosses put different boundary symbols (- or =) at the same place;"
    " the label keeps the glosses' symbol",
    UNBALANCED_PARENTHESES: "a morpheme or gloss with unbalanced parentheses makes it ambiguous where"
    " the gloss ends and the (morpheme) starts",
}


def representable(segmentation, glosses):
    """(True, None) when parse(make_label(...)) gives back both tiers (punctuation-only
    words dropped), else (False, reasons): the UNREPRESENTABLE classes that apply,
    joined by '+'. Raises Misaligned when no label can be made.
    """
    words = aligned_words(segmentation, glosses)
    back = parse(_label(words))
    if back.segmentation == " ".join(tokens.words(segmentation)) and back.glosses == " ".join(tokens.words(glosses)):
        return True, None
    reasons = []
    if any(seps != split_keep(seg_word)[1] for (_, _, seps), seg_word in zip(words, tokens.words(segmentation))):
        reasons.append(BOUNDARY_MISMATCH)
    if not all(is_balanced(text) for morphs, glosses_, _ in words for text in morphs + glosses_):
        reasons.append(UNBALANCED_PARENTHESES)
    # Neither would be a bug in the format: let it show rather than hide it.
    return False, "+".join(reasons) or "unexplained"


@dataclass
class Parse:
    """What a model output says: the tiers (None where a task format gives no such tier),
    how many pieces did not follow the format, and a line about each."""

    segmentation: Optional[str]
    glosses: Optional[str]
    malformed: int = 0
    problems: list = field(default_factory=list)


def parse(output):
    """Parse a model output into segmentation and glosses; never fails.

    A label holds no boundary symbol inside a gloss or morpheme (make_label
    splits both tiers on them), so every `-`/`=` separates pieces. Each piece
    is `gloss(morpheme)`; when parentheses inside the gloss or morpheme make
    more than one reading possible, the readings are chosen together for the
    whole output (see _choose_readings).
    """
    words = [split_keep(word) for word in output.split()]
    pieces = [piece for word_pieces, _ in words for piece in word_pieces]
    readings = _choose_readings([_readings(piece) for piece in pieces])
    seg_words, gloss_words, malformed, problems = [], [], 0, []
    at = 0
    for word_pieces, seps in words:
        morphs, glosses_ = [], []
        for piece in word_pieces:
            gloss, morph = readings[at]
            at += 1
            if morph is None:
                malformed += 1
                problems.append(f"no (morpheme) in {piece!r}")
                morph = ""
            elif gloss and not morph:  # `A() B(b)`: the segmentation would lose a word the glosses keep
                malformed += 1
                problems.append(f"empty morpheme in {piece!r}")
            elif morph and not gloss:  # `()` alone is an empty slot on both tiers, and fine
                malformed += 1
                problems.append(f"empty gloss in {piece!r}")
            glosses_.append(gloss)
            morphs.append(morph)
        seg_words.append(join_keep(morphs, seps))
        gloss_words.append(join_keep(glosses_, seps))
    return Parse(" ".join(seg_words), " ".join(gloss_words), malformed, problems)




# Choosing among readings. A piece `a(b)(c)` reads as gloss `a(b)` + morpheme
# `c`, or gloss `a` + morpheme `b)(c`. When every gloss and morpheme has
# balanced parentheses, the morpheme is the last balanced group and all is
# clear. Real data also brackets across morphemes and words (Uspanteko
# `(ante pasa)` glossed `??? ???`, ODIN `(r-k'i)`), leaving single pieces
# unbalanced: then the reading that keeps the segmentation and glosses lines
# balanced is most often the one meant. What stays ambiguous is reported by
# representable() (benchmarks/roundtrip_report.py counts it on real data).


# A piece with more '(' than this keeps only its first and last candidates, so
# that degenerate outputs (`((((((...`) stay linear to parse.
_MAX_READINGS = 16


def _readings(piece):
    """[(gloss, morpheme)] for each '(' that could open the morpheme; [(piece, None)] if none."""
    if not piece.endswith(")"):
        return [(piece, None)]
    opens, at = [], piece.find("(")
    while 0 <= at < len(piece) - 1:
        opens.append(at)
        at = piece.find("(", at + 1)
    if len(opens) > _MAX_READINGS:
        opens = opens[: _MAX_READINGS // 2] + opens[-_MAX_READINGS // 2 :]
    return [(piece[:i], piece[i + 1 : -1]) for i in opens] or [(piece, None)]


def _depth_walk(text):
    """(change in depth, lowest depth reached) of the parentheses in text."""
    depth = low = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            low = min(low, depth)
    return depth, low


def is_balanced(text):
    """Every ')' closes an earlier '(' and every '(' is closed."""
    return _depth_walk(text) == (0, 0)


def _advance(depth, walk):
    """A line's depth after a text with this walk; None once the line has closed more than it opened."""
    if depth is None or depth + walk[1] < 0:
        return None
    return depth + walk[0]


# Beyond this many depth states (pathological input: real data needs a few), each
# piece takes its own preferred reading.
_MAX_STATES = 64


def _choose_readings(options):
    """One reading per piece, the best for the whole output: the most lines (of
    segmentation and glosses) balanced, then the sum of what each piece likes on
    its own (a balanced morpheme most, then a balanced gloss, then a short morpheme).

    A dynamic programme over the (segmentation, glosses) parenthesis depths, so
    the work grows with the number of pieces, not the number of combinations.
    """
    if all(len(readings) == 1 for readings in options):
        return [readings[0] for readings in options]
    # Per reading: (depth walk of the morpheme, of the gloss, (preference, position)).
    facts = [
        [
            (walk_m, walk_g, (2 * (walk_m == (0, 0)) + (walk_g == (0, 0)), index))
            for index, (gloss, morph) in enumerate(readings)
            for walk_m, walk_g in [(_depth_walk(morph or ""), _depth_walk(gloss))]
        ]
        for readings in options
    ]
    # (segmentation depth, glosses depth) -> (summed preference, chosen indexes as a linked list)
    states = {(0, 0): ((0, 0), None)}
    for piece_facts in facts:
        step = {}
        for (seg_depth, gloss_depth), (score, chosen) in states.items():
            for index, (walk_m, walk_g, liked) in enumerate(piece_facts):
                state = (_advance(seg_depth, walk_m), _advance(gloss_depth, walk_g))
                total = (score[0] + liked[0], score[1] + liked[1])
                if state not in step or total > step[state][0]:
                    step[state] = (total, (index, chosen))
        if len(step) > _MAX_STATES:
            return [readings[max(piece_facts, key=lambda f: f[2])[2][1]] for readings, piece_facts in zip(options, facts)]
        states = step

    def rank(item):
        (seg_depth, gloss_depth), (score, _) = item
        return ((seg_depth == 0) + (gloss_depth == 0), score)

    _, (_, chosen) = max(states.items(), key=rank)
    indexes = []
    while chosen is not None:
        index, chosen = chosen
        indexes.append(index)
    indexes.reverse()
    return [readings[i] for readings, i in zip(options, indexes)]
