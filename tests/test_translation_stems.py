"""Unknown stems of analogy's guesses glossed with a word of the sentence's translation."""

import json

import pytest
from click.testing import CliRunner

from igt_tools.glossing.analogy import Analogy
from igt_tools.commands.gloss import command as gloss_command
from igt_tools.glossing.lexicon import Lexicon
from igt_tools.core.words import translation_words
from igt_tools.glossing import stems as stems_mod
from igt_tools.glossing.stems import metalanguage_shares, stem_gloss_words
from igt_tools.glossing.analyses import WordAnalysis

# "the" is in every translation and glosses no stem; "dog", "cat", "eat" gloss stems.
LEXICON = [
    {"glottocode": "toya1234", "transcription": "ab cati", "segmentation": "ab cat-i", "glosses": "eat cat-PL",
     "translation": "They eat the cats."},
    {"glottocode": "toya1234", "transcription": "ab doxi", "segmentation": "ab dox-i", "glosses": "eat dog-PL",
     "translation": "They eat the dogs."},
    {"glottocode": "toya1234", "transcription": "doxi", "segmentation": "dox-i", "glosses": "dog-PL",
     "translation": "The dogs."},
] + [{"glottocode": "toya1234", "transcription": "ab", "segmentation": "ab", "glosses": "eat",
      "translation": "They eat the food."}] * 3


def lexicon():
    found = Lexicon()
    for record in LEXICON:
        found.add(record)
    return found


@pytest.fixture(scope="module")
def lexicon_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("stems") / "lexicon.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in LEXICON), encoding="utf-8")
    return path


@pytest.fixture
def glossed(lexicon_file):
    """igt-gloss --lexicon on one record: its output record."""
    def run(record, translation_stems=True):
        args = ["-q", "--lexicon", str(lexicon_file)] + ([] if translation_stems else ["--no-translation-stems"])
        result = CliRunner().invoke(gloss_command, args, input=json.dumps(record) + "\n")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)
    return run


def test_an_unknown_stem_takes_the_translation_word_most_used_as_a_stem_gloss(glossed):
    out = glossed({"glottocode": "toya1234", "transcription": "ruxi ab", "translation": "The cats eat the birds."})
    # "ab" is attested (eat); "ruxi" is guessed by analogy as rux-i ???-PL. Shares: "the" is in
    # 6 translations and glosses no stem (0.5 / 7, too low), "eat" is taken by "ab", "cats" is
    # in one translation and glosses no stem (0.5 / 2), "birds" is in none (0.5): birds wins,
    # though "cats" is nearer the word's place.
    assert out["glosses"] == "birds-PL eat" and out["segmentation"] == "rux-i ab"
    assert out["provenance"] == ["analogy", "lexicon"]


def test_the_best_pairs_go_first_so_place_can_outweigh_a_higher_share(glossed):
    out = glossed({"glottocode": "toya1234", "transcription": "ruxi soxi", "translation": "Cats, the birds."})
    # Places: ruxi 0, soxi 1/2; "cats" 0 (share 0.25), "the" (0.07, not used), "birds" 2/3 (0.5).
    # Scores log(share) - |distance|: soxi-birds -0.86, ruxi-birds -1.36, ruxi-cats -1.39,
    # soxi-cats -1.89. soxi takes birds first, ruxi is left cats; in sentence order ruxi would
    # have taken birds, the higher share, and soxi cats.
    assert out["glosses"] == "cats-PL birds-PL"


def test_ties_go_to_the_nearest_place(glossed):
    out = glossed({"glottocode": "toya1234", "transcription": "ruxi ab", "translation": "Fish eat birds."})
    assert out["glosses"] == "fish-PL eat"  # and the translation's first word in lower case


def test_without_the_option_or_a_translation_the_stem_stays_unknown(glossed):
    record = {"glottocode": "toya1234", "transcription": "ab ruxi", "translation": "The fish."}
    assert glossed(record, translation_stems=False)["glosses"] == "eat ???-PL"
    assert glossed(dict(record, translation=None))["glosses"] == "eat ???-PL"
    assert glossed(dict(record, translation="the, the"))["glosses"] == "eat ???-PL"  # no word worth taking


def test_each_translation_word_serves_one_stem_and_names_keep_their_capital(glossed):
    out = glossed({"glottocode": "toya1234", "transcription": "ruxi soxi", "translation": "Fish, Mary."})
    assert out["glosses"] == "fish-PL Mary-PL"
    out = glossed({"glottocode": "toya1234", "transcription": "ruxi soxi", "translation": "Fish."})
    assert out["glosses"] == "fish-PL ???-PL"


def test_words_the_lexicon_attests_are_never_changed(glossed):
    record = {"glottocode": "toya1234", "transcription": "ab doxi", "translation": "Birds eat wolves."}
    assert glossed(record)["glosses"] == "eat dog-PL"


def test_an_unseen_word_of_the_translation_is_glossed_as_itself(glossed):
    # "soxi" would be guessed sox-i ???-PL (like doxi); as a word of the translation, case aside,
    # it is a name or a word the speaker took from the metalanguage: itself, unsegmented.
    out = glossed({"glottocode": "toya1234", "transcription": "Soxi, ruxi ab", "translation": "soxi, birds eat."})
    assert out["segmentation"] == "Soxi rux-i ab" and out["glosses"] == "Soxi birds-PL eat"
    assert out["provenance"] == ["analogy", "analogy", "lexicon"]


def test_attested_words_stay_the_lexicons_and_the_option_switches_it_off(glossed):
    record = {"glottocode": "toya1234", "transcription": "ab soxi", "translation": "ab soxi"}
    assert glossed(record)["glosses"] == "eat soxi"
    assert glossed(record, translation_stems=False)["glosses"] == "eat ???-PL"


def test_the_lexicon_of_the_language_sets_the_shares():
    stems = Analogy(lexicon())._stems
    in_translation, as_stem = stems._tables("toya1234")
    assert in_translation["the"] == 6 and as_stem["the"] == 0
    assert in_translation["eat"] == 5 and as_stem["eat"] == 5
    assert in_translation["dogs"] == 2 and as_stem["dogs"] == 0  # the gloss is "dog"
    # another language has no records: nothing to share
    assert stems._tables("othr1234") == ({}, {})
    analyses = [WordAnalysis("ruxi", "rux-i", "???-PL", "analogy")]
    assert stems.fill(analyses, {"glottocode": "othr1234", "translation": "Fish."})[0].glosses == "fish-PL"


def test_a_metalanguages_shipped_shares_outweigh_a_small_lexicons_ignorance(monkeypatch):
    # The lexicon has never seen "am" or "fish" in a translation: both would share 0.5, and "am",
    # nearer the word's place, would win. Shipped shares that know "am" seldom glosses a stem
    # (0.04, for 3 records: (0 + 3 * 0.04) / 3, under MIN_SHARE) leave "fish" to it; "fish", absent
    # from them, keeps the lexicon's 0.5. A record naming no metalanguage keeps the lexicon's shares.
    shipped = {"am": 0.04}
    monkeypatch.setattr(stems_mod, "metalanguage_shares", lambda name: shipped if name == "English" else None)
    stems = Analogy(lexicon())._stems

    def fill(metalanguage):
        analyses = [WordAnalysis("ruxi", "rux-i", "???-PL", "analogy")]
        record = {"glottocode": "toya1234", "translation": "Am fish.", "metalanguage": metalanguage}
        return stems.fill(analyses, record)[0].glosses

    assert fill("English") == "fish-PL"
    assert fill(None) == "am-PL"
    # a record that names its metalanguage by glottocode only (CLDF's metaLanguageReference)
    analyses = [WordAnalysis("ruxi", "rux-i", "???-PL", "analogy")]
    record = {"glottocode": "toya1234", "translation": "Am fish.", "metalang_glottocode": "stan1293"}
    assert stems.fill(analyses, record)[0].glosses == "fish-PL"
    # the lexicon's own records count beside them: "eat" glosses a stem in all 5 of its
    shipped["eat"] = 0.0
    assert stems_mod.PRIOR_RECORDS == 3
    analyses = [WordAnalysis("ruxi", "rux-i", "???-PL", "analogy")]
    record = {"glottocode": "toya1234", "translation": "Eat.", "metalanguage": "English"}
    assert stems.fill(analyses, record)[0].glosses == "eat-PL"  # (5 + 0) / (5 + 3) = 0.63


def test_the_shipped_english_shares_load_by_the_metalanguages_name():
    english = metalanguage_shares("English")
    assert len(english) > 1000 and all(0 < share < 1 for share in english.values())
    assert english["am"] < stems_mod.MIN_SHARE < english["dog"]  # a verb form against a noun
    assert metalanguage_shares(" english ") is english
    for name in (None, "", "Klingon", "../English", "stem_shares/English"):
        assert metalanguage_shares(name) is None


@pytest.mark.parametrize("glosses, words", [
    ("DET cat-PL run.fast", {"cat", "run", "fast"}),
    ("1SG=ERG Mary-GEN ???-PL", {"mary"}),
    ("IV-want-CND.CVB", {"want"}),
])
def test_stem_gloss_words_are_the_glosses_with_lower_case_letters(glosses, words):
    assert stem_gloss_words(glosses) == words


def test_translation_words_are_letters_with_inner_apostrophes():
    assert translation_words("Don't eat 3 fish, l'eau!") == ["Don't", "eat", "fish", "l'eau"]
