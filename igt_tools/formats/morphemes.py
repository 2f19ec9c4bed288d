"""Morphemes written one a token, as Toolbox, FLEx and some CLDF tables do: the
boundary symbol stays on the affix (`ka-`, `-na`, `=ri`), and words are glued
back from them (`ka-mwali`)."""

from ..core.tokens import MORPHEME_BOUNDARIES

BOUNDARIES = tuple(MORPHEME_BOUNDARIES)  # a tuple, for str.startswith and str.endswith


def is_detached(token):
    """An affix written on its own: a boundary at one end."""
    return token.startswith(BOUNDARIES) or token.endswith(BOUNDARIES)


def glue_morphemes(morphs):
    """Morpheme tokens of one word -> (word, separators); a boundary is kept once, '-' where none is written."""
    word, seps = morphs[0], []
    for morph in morphs[1:]:
        if word.endswith(BOUNDARIES):
            sep, word = word[-1], word[:-1]
            morph = morph[1:] if morph.startswith(BOUNDARIES) else morph
        elif morph.startswith(BOUNDARIES):
            sep, morph = morph[0], morph[1:]
        else:
            sep = "-"
        word += sep + morph
        seps.append(sep)
    return word, seps


def attach_affixes(tokens):
    """Tokens -> words, an affix token (`ka-`, `-na`) joining its neighbour."""
    words = []
    for token in tokens:
        if words and (words[-1].endswith(BOUNDARIES) or token.startswith(BOUNDARIES)):
            words[-1] = glue_morphemes([words[-1], token])[0]
        else:
            words.append(token)
    return words


# A boundary symbol inside one morpheme's gloss (`mother-in-law`, `?-(+aplo)`) would split it in two:
# it is read as a look-alike that is no boundary (U+2011 non-breaking hyphen, U+2E40 double hyphen),
# which shows as it did, and written back as it was.
_INNER = str.maketrans({"-": "\u2011", "=": "\u2e40"})
_RESTORED = str.maketrans({"\u2011": "-", "\u2e40": "="})


def escape_inner_boundaries(gloss):
    """One morpheme's gloss with the boundary symbols inside it escaped; those at its ends stay."""
    core = gloss.strip("".join(BOUNDARIES))
    if not core:
        return gloss
    start = gloss.index(core)
    return gloss[:start] + core.translate(_INNER) + gloss[start + len(core):]


def restore_boundaries(gloss):
    """A gloss as the file writes it: escaped boundary symbols back."""
    return gloss.translate(_RESTORED)
