"""Guesses by analogy for words the lexicon does not attest."""

from igt_tools.glossing.analogy import Analogy
from igt_tools.glossing.lexicon import Lexicon

# Suffixing: -bi PL, -n TOP; the stem "q'ˤuri" is attested as a morpheme.
RECORDS = [
    {"glottocode": "tsez1234", "transcription": "q'ˤuribin", "segmentation": "q'ˤuri-bi-n", "glosses": "chair-PL-TOP"},
    {"glottocode": "tsez1234", "transcription": "žekbin", "segmentation": "žek-bi-n", "glosses": "man-PL-TOP"},
    {"glottocode": "tsez1234", "transcription": "žekbi", "segmentation": "žek-bi", "glosses": "man-PL"},
    {"glottocode": "tsez1234", "transcription": "baħri", "segmentation": "baħri", "glosses": "hound"},
    # prefixing: x- COM, r- E3S
    {"glottocode": "uspa1245", "transcription": "xtokik", "segmentation": "x-tok-ik", "glosses": "COM-buscar-PL"},
    {"glottocode": "uspa1245", "transcription": "xtinb'ij", "segmentation": "x-tinb'ij", "glosses": "COM-ir"},
]


def analogy():
    lexicon = Lexicon()
    for record in RECORDS:
        lexicon.add(record)
    return Analogy(lexicon)


def test_an_unseen_word_takes_the_affixes_of_words_with_its_ending():
    assert analogy().guess("tsez1234", "indowribin,") == ("indowri-bi-n", "???-PL-TOP")


def test_the_stem_is_glossed_from_the_morphemes_when_known_even_in_canonical_form():
    guess = analogy()
    assert guess.guess("tsez1234", "Žekbin") == ("Žek-bi-n", "man-PL-TOP")
    # surface baħr for canonical baħri
    assert guess.guess("tsez1234", "baħrbi") == ("baħr-bi", "hound-PL")


def test_beginnings_count_too():
    assert analogy().guess("uspa1245", "xtiyaj") == ("x-tiyaj", "COM-???")


def test_the_longest_match_wins_and_votes_are_weighted_by_frequency():
    lexicon = Lexicon()
    for record in RECORDS[:3] + [RECORDS[1]] * 3:
        lexicon.add(record)
    # "-bin" ends q'ˤuribin once and žekbin four times: both vote for -bi-n, over "-in"'s shorter -n
    assert Analogy(lexicon).guess("tsez1234", "ħonbin")[1].endswith("-PL-TOP")
    # a rival at the same length: one word attested three times outvotes two words attested once
    # each (counting words, not attestations, -bi-n would win 2 to 1)
    kabin = {"glottocode": "tsez1234", "transcription": "kabin", "segmentation": "ka-bin", "glosses": "K-ERG"}
    rival = Lexicon()
    for record in RECORDS[:2] + [kabin] * 3:
        rival.add(record)
    assert Analogy(rival).guess("tsez1234", "ħonbin") == ("ħon-bin", "???-ERG")


def test_words_of_other_languages_are_not_used_and_nothing_alike_gives_none():
    guess = analogy()
    assert guess.guess("othr1234", "indowribin") is None
    assert guess.guess("tsez1234", "qq") is None


def test_affixes_at_both_ends_when_the_word_has_room_for_a_stem():
    lexicon = Lexicon()
    for record in RECORDS + [{"glottocode": "uspa1245", "transcription": "inwarik", "segmentation": "in-war-ik",
                              "glosses": "1SG-dormir-PL"}]:
        lexicon.add(record)
    assert Analogy(lexicon).guess("uspa1245", "xtalik") == ("x-tal-ik", "COM-???-PL")


def test_a_word_with_its_own_hyphens_keeps_its_tiers_aligned():
    from igt_tools.core import interleaved

    segmentation, glosses = analogy().guess("tsez1234", "Mamali-Žekbin")
    assert (segmentation, glosses) == ("Mamali-Žek-bi-n", "???-man-PL-TOP")
    interleaved.aligned_words(segmentation, glosses)  # raises if misaligned


def test_a_number_in_digits_is_glossed_as_itself():
    guess = analogy()
    # not by the words that share its last letters, nor only where a language has such words
    assert guess.guess("tsez1234", "1941,") == ("1941", "1941")
    assert guess.guess("othr1234", "10:30") == ("10:30", "10:30")
    assert guess.candidates("tsez1234", "3.5") == [("3.5", "3.5")]
    assert guess.guess("tsez1234", "1bin") != ("1bin", "1bin")


def test_a_boundary_written_in_the_word_is_the_affixs_own_not_a_second_one():
    # Arapaho writes some words with a hyphen (`ne'-ei'towuuneinoo`, Natugu `wz-ngrde`): where an affix
    # ends there, the word's own hyphen separates it, with no empty morpheme between two
    guess = analogy()
    assert guess.guess("tsez1234", "indowri-bin") == ("indowri-bi-n", "???-PL-TOP")
    assert guess.guess("tsez1234", "indowri=bin") == ("indowri=bi-n", "???=PL-TOP")  # glosses mirror it
    # a hyphen inside the stem stays there, each piece glossed
    assert guess.guess("tsez1234", "q'ˤuri-žekbin") == ("q'ˤuri-žek-bi-n", "chair-man-PL-TOP")
    # every candidate alike
    assert all("--" not in segmentation for segmentation, _ in guess.candidates("tsez1234", "indowri-bin"))


def test_a_word_that_is_its_affixes_met_at_its_own_boundary_has_no_stem():
    lexicon = Lexicon()
    for record in [{"glottocode": "natu1246", "transcription": "vzmoux", "segmentation": "vz-mou-x", "glosses": "go-again-1MINI"},
                   {"glottocode": "natu1246", "transcription": "tqzvzkr", "segmentation": "tq-zvz-kr", "glosses": "RL-always-1AUGI"}]:
        lexicon.add(record)
    # prefix vz, suffixes zvz-kr, and between them only the hyphen the word is written with
    assert Analogy(lexicon).guess("natu1246", "vz-zvzkr") == ("vz-zvz-kr", "go-always-1AUGI")
