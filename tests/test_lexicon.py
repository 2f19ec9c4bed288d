"""The lexicon and igt-gloss --lexicon: attested analyses, choosers, scopes, Unicode forms, provenance."""

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

from conftest import output_records, run_command, write_jsonl
from igt_tools.commands.gloss import command as gloss_command
from igt_tools.glossing.lexicon import Lexicon

BIN = Path(sys.executable).parent


def rec(transcription, segmentation, glosses, glottocode="aaaa1234", **extra):
    return dict(transcription=transcription, segmentation=segmentation, glosses=glosses, glottocode=glottocode, **extra)


TRAIN = [
    rec("the cats sleep.", "the cat-s sleep", "DET cat-PL sleep"),
    rec("cats run", "cat-s run", "cat-PL run"),
    # "run" is ambiguous: a noun after "the", a verb otherwise; the verb is more frequent
    rec("the run ends", "the run end-s", "DET run.N end-3SG"),
    rec("dogs run", "dog-s run", "dog-PL run"),
    rec("cats , dogs", "cat-s , dog-s", "cat-PL , dog-PL", glottocode="bbbb1234"),
]


def lexicon_of(records):
    lexicon = Lexicon()
    for r in records:
        lexicon.add(r)
    return lexicon


def test_attested_analyses_most_frequent_first_ties_to_the_first_attested():
    lexicon = lexicon_of(TRAIN)
    assert lexicon.analyses("aaaa1234", "run") == [("run", "run"), ("run", "run.N")]
    tie = lexicon_of([rec("x", "x-a", "A"), rec("x", "x-b", "B")])
    assert tie.analyses("aaaa1234", "x") == [("x-a", "A"), ("x-b", "B")]


def test_context_chooser_follows_the_neighbours():
    lexicon = lexicon_of(TRAIN)
    sentence = ["the", "run", "ends"]
    assert lexicon.choose("aaaa1234", sentence, 1, "frequent") == ("run", "run")
    assert lexicon.choose("aaaa1234", sentence, 1, "context") == ("run", "run.N")
    assert lexicon.choose("aaaa1234", ["dogs", "run"], 1, "context") == ("run", "run")


def test_context_chooser_weighs_neighbours_and_translation_against_frequency():
    # "bank": the river's 5 times, the money's 6 times, each with its own words about it
    river = [rec("bank green", "bank green", "shore green", translation="the green river bank")] * 5
    money = [rec("bank rich", "bank rich", "lender rich", translation="a rich bank")] * 6
    lexicon = lexicon_of(river + money)
    choose = lexicon.choose
    assert choose("aaaa1234", ["bank", "green"], 0, "context") == ("bank", "shore")  # its neighbour
    assert choose("aaaa1234", ["bank", "new"], 0, "context", "by the river") == ("bank", "shore")  # its translation
    # nothing of the sentence seen with the word (the edges always were): the more frequent
    assert choose("aaaa1234", ["bank", "new"], 0, "context", "something else") == ("bank", "lender")
    # one word of the translation is weak evidence against a neighbour
    assert choose("aaaa1234", ["bank", "rich"], 0, "context", "by the river") == ("bank", "lender")


def test_an_analysis_with_an_unknown_gloss_is_chosen_only_where_there_is_no_other():
    # annotators write ??? too: thrice here, against one real analysis, twice beside the same neighbour
    lexicon = lexicon_of([rec("tijtij,", "???", "???")] * 3 + [rec("kik' tijtij", "kik' ti-j-tij", "blood INC-E3S-eat")]
                         + [rec("kik' q", "kik' q", "blood ???")])
    for chooser in ("frequent", "context"):
        assert lexicon.choose("aaaa1234", ["x", "tijtij,"], 1, chooser) == ("ti-j-tij", "INC-E3S-eat")
    assert lexicon.analyses("aaaa1234", "tijtij")[-1] == ("???", "???")
    assert lexicon.choose("aaaa1234", ["q"], 0, "context") == ("q", "???")  # the only one


def test_context_chooser_prefers_an_analysis_whose_stem_gloss_the_translation_has():
    # Uspanteko-like "koj": "put" 5 times, "lion" twice; nothing else of the sentence was seen with it
    lexicon = lexicon_of([rec("koj a", "koj a", "put a")] * 5 + [rec("koj b", "koj b", "lion-PL b")] * 2)
    choose = lexicon.choose
    assert choose("aaaa1234", ["x", "koj", "y"], 1, "context", "The Lion came.") == ("koj", "lion-PL")
    assert choose("aaaa1234", ["x", "koj", "y"], 1, "context", "He came.") == ("koj", "put")
    assert choose("aaaa1234", ["x", "koj", "y"], 1, "frequent", "The lion came.") == ("koj", "put")
    # grammatical glosses are not matched ("PL" is no stem gloss), and the match is a prior, not a rule
    assert choose("aaaa1234", ["x", "koj", "y"], 1, "context", "pl") == ("koj", "put")
    rare = lexicon_of([rec("koj a", "koj a", "put a")] * 9 + [rec("koj b", "koj b", "lion b")])
    assert rare.choose("aaaa1234", ["x", "koj", "y"], 1, "context", "the lion") == ("koj", "put")


def test_context_chooser_reads_the_punctuation_on_the_word_itself():
    # Tsez-like: "esno" ends a clause as a finite verb ("esno.") and joins one as a converb (no mark),
    # the converb more frequent; the neighbours say nothing (each differs)
    finite = [rec(f"a{n} esno.", f"a{n} es-no", f"x{n} say-PST.UNW") for n in range(3)]
    converb = [rec(f"b{n} esno c{n}", f"b{n} es-no c{n}", f"y{n} say-PFV.CVB z{n}") for n in range(5)]
    choose = lexicon_of(finite + converb).choose
    assert choose("aaaa1234", ["q", "esno.", "r"], 1, "context") == ("es-no", "say-PST.UNW")
    assert choose("aaaa1234", ["q", "esno", "r"], 1, "context") == ("es-no", "say-PFV.CVB")
    assert choose("aaaa1234", ["q", "esno.", "r"], 1, "frequent") == ("es-no", "say-PFV.CVB")


def test_a_rarely_seen_word_takes_its_punctuation_from_the_languages_closing_grams():
    # "icin" was seen three times, never at a clause's edge: twice a converb, once finite. Across the
    # language, finite verbs end sentences ("."), converbs do not: that decides "icin." ...
    finite = [rec(f"a{n} ve{n}.", f"a{n} ve{n}-n", f"x{n} do{n}-PST.UNW") for n in range(6)]
    converb = [rec(f"ve{n}no b{n}", f"ve{n}-no b{n}", f"do{n}-PFV.CVB y{n}") for n in range(6)]
    seen = [rec(f"icin c{n}", "ic-in c{n}".format(n=n), f"sit-PFV.CVB z{n}") for n in range(2)]
    seen.append(rec("icin d", "ic-in d", "sit-PST.UNW w"))
    lexicon = lexicon_of(finite + converb + seen)
    choose = lexicon.choose
    assert choose("aaaa1234", ["q", "icin."], 1, "context") == ("ic-in", "sit-PST.UNW")
    # ... and without the mark the converb stays, as does the most frequent with the other chooser
    assert choose("aaaa1234", ["q", "icin", "r"], 1, "context") == ("ic-in", "sit-PFV.CVB")
    assert choose("aaaa1234", ["q", "icin."], 1, "frequent") == ("ic-in", "sit-PFV.CVB")
    # analyses that close alike (both in a stem) gain nothing from it: frequency decides
    stems = lexicon_of(finite + converb + [rec("kid a", "kid a", "girl u")] * 2 + [rec("kid b", "kid b", "daughter v")])
    assert stems.choose("aaaa1234", ["q", "kid."], 1, "context") == ("kid", "girl")


def test_lookup_ignores_edge_punctuation_then_case_and_is_scoped_by_glottocode():
    lexicon = lexicon_of(TRAIN)
    assert lexicon.analyses("aaaa1234", "Cats!") == [("cat-s", "cat-PL")]
    assert lexicon.analyses("aaaa1234", "sleep") == [("sleep", "sleep")]
    assert lexicon.analyses("bbbb1234", "sleep") == []
    assert lexicon.analyses("bbbb1234", ",") == [(",", ",")]
    # unscoped entries serve every language
    lexicon.add(rec("hi", "hi", "hello", glottocode=None))
    assert lexicon.analyses("bbbb1234", "hi") == [("hi", "hello")]


def _gloss(args, records, tmp_path, lexicon=TRAIN):
    path = write_jsonl(tmp_path / "lexicon.jsonl", lexicon)
    return output_records(run_command(gloss_command, ["--lexicon", path, *args], records=records, exit_code=0))


def test_gloss_with_the_lexicon_alone(tmp_path):
    out = _gloss([], [{"id": 7, "transcription": "The cats sleep soundly.", "glottocode": "aaaa1234", "x": [1]}], tmp_path)
    assert out == [{
        "id": 7, "transcription": "The cats sleep soundly.", "glottocode": "aaaa1234", "x": [1],
        "segmentation": "the cat-s sleep soundly", "glosses": "DET cat-PL sleep ???", "malformed": 0,
        "provenance": ["lexicon", "lexicon", "lexicon", "none"],
    }]


def test_punctuation_words_are_written_only_where_the_lexicon_attests_them(tmp_path):
    records = [{"transcription": "cats , dogs", "glottocode": "bbbb1234"},
               {"transcription": "cats , run", "glottocode": "aaaa1234"}]
    first, second = _gloss([], records, tmp_path)
    assert (first["segmentation"], first["glosses"]) == ("cat-s , dog-s", "cat-PL , dog-PL")
    assert (second["segmentation"], second["glosses"]) == ("cat-s run", "cat-PL run")
    assert len(second["provenance"]) == 2


def test_decomposed_input_matches_and_gets_a_decomposed_segmentation(tmp_path):
    word = "bɔ́ɔ"
    lexicon = [rec(word, "bɔ́-ɔ", "go-PST")]
    nfd = unicodedata.normalize("NFD", word)
    (out,) = _gloss([], [{"transcription": nfd, "glottocode": "aaaa1234"}], tmp_path, lexicon=lexicon)
    assert out["segmentation"] == unicodedata.normalize("NFD", "bɔ́-ɔ") and out["provenance"] == ["lexicon"]


def test_choose_option(tmp_path):
    records = [{"transcription": "the run ends", "glottocode": "aaaa1234"}]
    assert _gloss(["--choose", "frequent"], records, tmp_path)[0]["glosses"] == "DET run end-3SG"
    assert _gloss([], records, tmp_path)[0]["glosses"] == "DET run.N end-3SG"


def test_no_model_and_no_lexicon_is_a_usage_error():
    result = run_command(gloss_command, [], "{}\n")
    assert result.exit_code == 2 and "--lexicon" in result.output


def test_a_bad_lexicon_line_names_file_and_line(tmp_path):
    path = tmp_path / "lex.jsonl"
    path.write_text(json.dumps(TRAIN[0]) + "\n{oops\n", encoding="utf-8")
    result = run_command(gloss_command, ["--lexicon", path], "{}\n")
    assert result.exit_code == 1 and "lex.jsonl:2" in result.output


def test_lexicon_only_glossing_never_imports_torch(tmp_path):
    path = tmp_path / "lex.jsonl"
    path.write_text(json.dumps(TRAIN[0]) + "\n", encoding="utf-8")
    script = (
        "import sys; from igt_tools.commands.gloss import main; sys.argv = ['igt-gloss', '-l', sys.argv[1]];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\nassert 'torch' not in sys.modules, 'torch imported'"
    )
    result = subprocess.run([sys.executable, "-c", script, str(path)], input='{"transcription": "the cats"}\n',
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_aligned_view_marks_guessed_words():
    from igt_tools.formats.aligned import write_aligned

    record = {"transcription": "ab cd", "segmentation": "a-b cd", "glosses": "X-Y cat", "provenance": ["lexicon", "model"]}
    lines = write_aligned(record).splitlines()
    assert lines[2].split() == ["X-Y", "*cat"] and lines[-1] == "[* made by the model: check these first]"
    lines = write_aligned(dict(record, provenance=["analogy", "model"])).splitlines()
    assert lines[2].split() == ["~X-Y", "*cat"] and "~ guessed by analogy" in lines[-1]
    unmarked = write_aligned(dict(record, provenance=["lexicon", "lexicon"]))
    assert "*" not in unmarked


def test_aligned_view_flags_the_model_words_it_was_unsure_of():
    from igt_tools.formats.aligned import DOUBTFUL, write_aligned

    record = {"transcription": "ab cd ef", "segmentation": "a-b cd ef", "glosses": "X-Y cat dog",
              "provenance": ["lexicon", "model", "model"], "word_confidence": [None, DOUBTFUL - 0.01, DOUBTFUL]}
    lines = write_aligned(record).splitlines()
    assert lines[2].split() == ["X-Y", "?cat", "*dog"]
    assert lines[-1] == f"[* made by the model, ? made by the model, doubtful (confidence under {DOUBTFUL}): check these first]"
    # an analogy guess has no model confidence to doubt; a list that does not fit the words is ignored
    lines = write_aligned(dict(record, provenance=["analogy", "analogy", "model"])).splitlines()
    assert lines[2].split() == ["~X-Y", "~cat", "*dog"] and "?" not in lines[-1]
    assert write_aligned(dict(record, word_confidence=[-5.0])).splitlines()[2].split() == ["X-Y", "*cat", "*dog"]


def test_the_empty_analysis_counts_as_a_word_for_the_metrics():
    from igt_tools.core import tokens
    from igt_tools.glossing.analyses import UNKNOWN_GLOSS

    assert tokens.words(f"{UNKNOWN_GLOSS} {UNKNOWN_GLOSS}") == [UNKNOWN_GLOSS, UNKNOWN_GLOSS]


def test_unseen_words_are_guessed_by_analogy_unless_no_guess(tmp_path):
    records = [{"transcription": "the bats sleep", "glottocode": "aaaa1234"}]
    (guessed,) = _gloss([], records, tmp_path)
    assert guessed["provenance"] == ["lexicon", "analogy", "lexicon"]
    assert guessed["segmentation"] == "the bat-s sleep" and guessed["glosses"] == "DET ???-PL sleep"
    (plain,) = _gloss(["--no-guess"], records, tmp_path)
    assert plain["provenance"] == ["lexicon", "none", "lexicon"] and plain["glosses"] == "DET ??? sleep"


def test_tagmap_writes_the_glosses_in_the_users_conventions(tmp_path):
    tagmap = tmp_path / "tags.tsv"
    tagmap.write_text("PL\tPLUR\n", encoding="utf-8")
    (out,) = _gloss(["--tagmap", str(tagmap)], [{"transcription": "the cats", "glottocode": "aaaa1234"}], tmp_path)
    assert out["glosses"] == "DET cat-PLUR"


def test_an_unknown_word_with_hyphens_gets_a_gloss_per_piece(tmp_path):
    (out,) = _gloss(["--no-guess"], [{"transcription": "zz-yy", "glottocode": "aaaa1234"}], tmp_path)
    assert (out["segmentation"], out["glosses"]) == ("zz-yy", "???-???")
