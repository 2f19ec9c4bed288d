"""The interleaved format: `DET(the) cat(cat)-PL(s)` (REFERENCE.md section 2).

Each gloss is followed by its morpheme in parentheses; boundary symbols come
from the gloss line. Building a label needs aligned tiers; parsing always
gives the best reading of whatever the model wrote, counting malformed pieces.
"""

from dataclasses import dataclass, field

from . import tokens

BOUNDARIES = "-="


class Misaligned(ValueError):
    """Segmentation and glosses differ in word or morpheme counts."""


def _split_keep(word):
    """'a-b=c' -> (['a', 'b', 'c'], ['-', '='])."""
    pieces, seps, start = [], [], 0
    for i, ch in enumerate(word):
        if ch in BOUNDARIES:
            pieces.append(word[start:i])
            seps.append(ch)
            start = i + 1
    pieces.append(word[start:])
    return pieces, seps


def aligned_words(segmentation, glosses):
    """[(morphemes, glosses, boundaries)] per word, or Misaligned naming where counts differ."""
    seg_words, gloss_words = tokens.words(segmentation), tokens.words(glosses)
    if len(seg_words) != len(gloss_words):
        raise Misaligned(f"{len(seg_words)} segmentation words but {len(gloss_words)} gloss words")
    out = []
    for n, (seg_word, gloss_word) in enumerate(zip(seg_words, gloss_words), start=1):
        morphs, _ = _split_keep(seg_word)
        glosses_, seps = _split_keep(gloss_word)
        if len(morphs) != len(glosses_):
            raise Misaligned(
                f"word {n} ({seg_word!r} / {gloss_word!r}): {len(morphs)} morphemes but {len(glosses_)} glosses"
            )
        out.append((morphs, glosses_, seps))
    return out


def make_label(segmentation, glosses):
    """The interleaved label, or Misaligned."""
    words = []
    for morphs, glosses_, seps in aligned_words(segmentation, glosses):
        parts = [f"{glosses_[0]}({morphs[0]})"]
        for sep, gloss, morph in zip(seps, glosses_[1:], morphs[1:]):
            parts.append(f"{sep}{gloss}({morph})")
        words.append("".join(parts))
    return " ".join(words)


@dataclass
class Parse:
    segmentation: str
    glosses: str
    malformed: int = 0
    problems: list = field(default_factory=list)


def _split_pieces(word):
    """Split on boundaries outside parentheses; naive split when parentheses do not balance."""
    pieces, seps, start, depth = [], [], 0, 0
    for i, ch in enumerate(word):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch in BOUNDARIES and depth == 0:
            pieces.append(word[start:i])
            seps.append(ch)
            start = i + 1
    pieces.append(word[start:])
    if depth != 0:
        return _split_keep(word)
    return pieces, seps


def _last_group(piece):
    """Index of the '(' that opens the group closing at the end of piece, or None."""
    if not piece.endswith(")"):
        return None
    depth = 0
    for i in range(len(piece) - 1, -1, -1):
        if piece[i] == ")":
            depth += 1
        elif piece[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    return None


def parse(output):
    """Parse a model output into segmentation and glosses; never fails."""
    seg_words, gloss_words, malformed, problems = [], [], 0, []
    for word in output.split():
        pieces, seps = _split_pieces(word)
        morphs, glosses_ = [], []
        for piece in pieces:
            start = _last_group(piece)
            if start is None:
                malformed += 1
                problems.append(f"no (morpheme) in {piece!r}")
                glosses_.append(piece)
                morphs.append("")
                continue
            gloss, morph = piece[:start], piece[start + 1 : -1]
            if not gloss:
                malformed += 1
                problems.append(f"empty gloss in {piece!r}")
            glosses_.append(gloss)
            morphs.append(morph)
        seg_words.append(_join(morphs, seps))
        gloss_words.append(_join(glosses_, seps))
    return Parse(" ".join(seg_words), " ".join(gloss_words), malformed, problems)


def _join(parts, seps):
    out = [parts[0]]
    for sep, part in zip(seps, parts[1:]):
        out.append(sep + part)
    return "".join(out)
