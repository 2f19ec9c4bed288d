"""Morphemes written one a token, as Toolbox, FLEx and some CLDF tables do: the
boundary symbol stays on the affix (`ka-`, `-na`, `=ri`), and words are glued
back from them (`ka-mwali`)."""

BOUNDARIES = ("-", "=")


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
