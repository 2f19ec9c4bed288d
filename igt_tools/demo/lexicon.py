"""The English side of the demo languages: meanings, their inflected forms, and how many of each.

Stem glosses are the first English form (lower case, one word); the other
forms are what the translations need (plural nouns, 3SG and past verbs).
"""

NOUNS = {
    # Animate nouns can be subjects and recipients.
    "animate": (
        ("dog", "dogs"), ("cat", "cats"), ("bird", "birds"), ("fish", "fish"),
        ("man", "men"), ("woman", "women"), ("child", "children"), ("horse", "horses"),
        ("snake", "snakes"), ("wolf", "wolves"), ("bear", "bears"), ("goat", "goats"),
        ("cow", "cows"), ("girl", "girls"), ("boy", "boys"), ("mouse", "mice"),
    ),
    # Places are where things happen (LOC), and can be objects too.
    "place": (
        ("house", "houses"), ("tree", "trees"), ("river", "rivers"), ("hill", "hills"),
        ("boat", "boats"), ("field", "fields"), ("cave", "caves"), ("lake", "lakes"),
        ("village", "villages"), ("forest", "forests"),
    ),
    "thing": (
        ("stone", "stones"), ("stick", "sticks"), ("apple", "apples"), ("egg", "eggs"),
        ("bone", "bones"), ("rope", "ropes"), ("pot", "pots"), ("basket", "baskets"),
        ("knife", "knives"), ("bowl", "bowls"),
    ),
}

VERBS = {
    # (base, third person singular present, past)
    "intransitive": (
        ("sleep", "sleeps", "slept"), ("run", "runs", "ran"), ("walk", "walks", "walked"),
        ("sing", "sings", "sang"), ("fall", "falls", "fell"), ("sit", "sits", "sat"),
        ("swim", "swims", "swam"), ("cry", "cries", "cried"), ("laugh", "laughs", "laughed"),
        ("come", "comes", "came"), ("dance", "dances", "danced"), ("wait", "waits", "waited"),
    ),
    "transitive": (
        ("see", "sees", "saw"), ("eat", "eats", "ate"), ("hit", "hits", "hit"),
        ("take", "takes", "took"), ("find", "finds", "found"), ("carry", "carries", "carried"),
        ("hear", "hears", "heard"), ("hold", "holds", "held"), ("want", "wants", "wanted"),
        ("bite", "bites", "bit"), ("wash", "washes", "washed"), ("like", "likes", "liked"),
    ),
    # Ditransitive verbs take a recipient in the dative (only where the language has DAT).
    "ditransitive": (
        ("give", "gives", "gave"), ("show", "shows", "showed"), ("send", "sends", "sent"),
        ("bring", "brings", "brought"), ("throw", "throws", "threw"),
    ),
}

ADJECTIVES = (
    ("big",), ("small",), ("old",), ("new",), ("good",), ("bad",), ("red",),
    ("black",), ("white",), ("long",), ("tall",), ("young",), ("wet",), ("dry",),
)

POOLS = {**NOUNS, **VERBS, "adjective": ADJECTIVES}
POS = {cls: "noun" for cls in NOUNS} | {cls: "verb" for cls in VERBS} | {"adjective": "adj"}

MIN_STEMS = 8


def allocate(n_stems, ditransitive):
    """How many meanings of each class a lexicon of n_stems has: {class: count}.

    Roughly 45% nouns (half animate), 35% verbs, 20% adjectives, with at least
    what every sentence frame needs.
    """
    if n_stems < MIN_STEMS:
        raise ValueError(f"a demo language needs at least {MIN_STEMS} stems, got {n_stems}")
    nouns = max(4, round(n_stems * 0.45))
    verbs = max(2, round(n_stems * 0.35))
    adjectives = max(1, n_stems - nouns - verbs)
    nouns = n_stems - verbs - adjectives
    animate = max(2, round(nouns * 0.5))
    place = max(1, round(nouns * 0.3))
    ditr = max(1, round(verbs * 0.15)) if ditransitive and verbs >= 4 else 0
    intr = max(1, round((verbs - ditr) * 0.5))
    counts = {
        "animate": animate,
        "place": place,
        "thing": nouns - animate - place,
        "intransitive": intr,
        "transitive": verbs - ditr - intr,
        "ditransitive": ditr,
        "adjective": adjectives,
    }
    for cls, count in counts.items():
        if count > len(POOLS[cls]):
            raise ValueError(f"{n_stems} stems need {count} {cls} meanings, only {len(POOLS[cls])} exist")
    return counts
