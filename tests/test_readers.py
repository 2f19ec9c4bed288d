"""Readers and writers of the marker formats and FLEx XML, on small hand-written files."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from igt_tools.core.errors import DataError, RecordError
from igt_tools.formats.cldf import read_cldf
from igt_tools.formats.csv_cells import rows
from igt_tools.formats.flextext import read_flextext
from igt_tools.formats.sigmorphon import read_sigmorphon, write_sigmorphon
from igt_tools.formats.toolbox import parse_markers, read_toolbox, write_toolbox
from igt_tools.core.io import BadRecords

DATA = Path(__file__).parent / "data"


def records(reader, *args, **kwargs):
    return [record for _, record in reader(*args, **kwargs)]


# --- sigmorphon ---------------------------------------------------------------


def test_sigmorphon_crlf_and_bom():
    found = list(read_sigmorphon(DATA / "crlf_bom.sigmorphon.txt"))
    assert [loc.line for loc, _ in found] == [1, 6]
    first, second = (record for _, record in found)
    assert first == {
        "transcription": "Retinäy debex mi yižo.",
        "segmentation": "r-eti-näy mi-x mi y-iži-o",
        "glosses": "IV-want-CND.CVB you-AD.ESS you II-lead-IMPR",
        "translation": "If you want, marry her yourself .",
    }
    assert second["pos_glosses"] == "PRON INC-E3S-VT"
    assert second["glosses"] == "él INC-E3S-hacer"


def test_sigmorphon_odin_noise():
    found = list(read_sigmorphon(DATA / "odin_noise.txt"))
    assert [loc.line for loc, _ in found] == [3, 10, 15, 22]
    padded, empty_tier, wrapped, lone = (record for _, record in found)
    # Column padding around a tier goes; the spacing inside stays for the cleaner.
    assert padded["glosses"].startswith("DET-woman DET-man           DET-shirt")
    # A value that itself starts with a backslash is not a marker.
    assert empty_tier["transcription"] == "\\aʷcflk'n yyʷn\\"
    assert empty_tier["segmentation"] == ""
    # Tab after the marker; a line without a marker continues the tier above; odd markers kept.
    assert wrapped["transcription"].startswith("Alkyeeqa")
    assert wrapped["translation"] == "Who grabbed José?"
    assert wrapped["src"] == "Smith 1990: 12"
    assert lone == {"transcription": "only a transcription"}


def test_sigmorphon_bad_block_names_its_line():
    with pytest.raises(RecordError) as caught:
        records(read_sigmorphon, DATA / "bad_block.txt")
    assert (caught.value.line, "twice" in caught.value.message) == (6, True)


def test_sigmorphon_bad_block_skipped(capsys):
    bad = BadRecords("test", skip=True)
    found = records(read_sigmorphon, DATA / "bad_block.txt", bad=bad)
    assert found == [{"transcription": "one", "segmentation": "one", "glosses": "one"}]
    assert bad.count == 1
    assert "bad_block.txt:6" in capsys.readouterr().err


def test_sigmorphon_text_before_marker(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("\\t a\n\nstray text\n\\t b\n", encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        records(read_sigmorphon, path)
    assert caught.value.line == 3


def test_sigmorphon_invalid_utf8(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"\\t a\n\\g \xff\n")
    with pytest.raises(DataError) as caught:
        records(read_sigmorphon, path)
    assert (caught.value.source, caught.value.line) == (str(path), 2)


def test_write_sigmorphon_order_and_nulls():
    record = {"glosses": "DET cat", "transcription": "the cat", "segmentation": None, "translation": "", "id": 3}
    assert write_sigmorphon(record) == "\\t the cat\n\\g DET cat\n\\l"


# Text that survives a marker line: no line breaks, no padding at the ends.
_tier = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=30,
).map(lambda s: " ".join(s.split())).filter(bool)


@st.composite
def sigmorphon_records(draw):
    fields = ("transcription", "segmentation", "glosses", "translation", "pos_glosses")
    chosen = draw(st.lists(st.sampled_from(fields), min_size=1, unique=True))
    return {field: draw(_tier) for field in chosen}


@settings(max_examples=200, deadline=None)
@given(st.lists(sigmorphon_records(), min_size=1, max_size=4))
def test_sigmorphon_round_trip(tmp_path_factory, batch):
    path = tmp_path_factory.mktemp("rt") / "rt.txt"
    path.write_text("\n\n".join(write_sigmorphon(r) for r in batch) + "\n", encoding="utf-8")
    assert records(read_sigmorphon, path) == batch


# --- toolbox --------------------------------------------------------------------


def test_toolbox_text_with_refs_bundles_and_columns():
    found = list(read_toolbox(DATA / "kaka.toolbox.txt"))
    assert [loc.line for loc, _ in found] == [7, 16, 27]
    first, wrapped, second_text = (record for _, record in found)
    assert first == {
        "id": "Kaka_01.001",
        "transcription": "Kamwali ekoni.",
        # Affixes in their own columns are glued to the word above them.
        "segmentation": "ka-mwali e-koni",
        "glosses": "3SG-house PL-tree",
        "ps": "pro- n num- n",
        # A line without a marker continues the free translation.
        "translation": "His house, the trees.",
        "dt": "12/Feb/2004",
        "text_id": "Kaka_01",
    }
    # Two bundles (after a blank line) make one record; a suffix column joins its stem;
    # a two-word gloss under one morpheme becomes one token.
    assert wrapped["transcription"] == "Anu tuna , vauvau ikani ki."
    assert wrapped["segmentation"] == "a-nu tuna vau-vau i-kani ki"
    assert wrapped["glosses"] == "1SG-see tuna RED-many DET-fish come.out"
    assert wrapped["translation"] == "I saw the tuna, many fish came out."
    assert second_text["text_id"] == "Kaka_02"


def test_toolbox_blocks_without_refs_custom_markers_crlf():
    found = records(read_toolbox, DATA / "handmade.sfm", "t,m,g,f")
    assert found == [
        {
            "transcription": "kamwali ekoni",
            "segmentation": "ka-mwali e-koni",
            "glosses": "3SG-house PL-tree",
            "translation": "his house, the trees",
        },
        {"transcription": "only a line", "translation": "no glosses here"},
        # Single spaces that happen to line up with the words are not columns.
        {"transcription": "unaligned words", "segmentation": "un-align-ed word-s", "glosses": "NEG-align-PTCP word-PL"},
    ]


def test_toolbox_compound_stems_grouped_by_column(tmp_path):
    path = tmp_path / "c.tbx"
    path.write_text(
        "\\ref 1\n"
        "\\tx houseboat   sails\n"
        "\\mb house boat  sail -s\n"
        "\\ge house boat  sail -3SG\n",
        encoding="utf-8",
    )
    (record,) = records(read_toolbox, path)
    assert (record["segmentation"], record["glosses"]) == ("house-boat sail-s", "house-boat sail-3SG")


@pytest.mark.parametrize(
    "spec, expected",
    [
        (None, {"transcription": "tx", "segmentation": "mb", "glosses": "ge", "translation": "ft"}),
        ("t,m,g,l", {"transcription": "t", "segmentation": "m", "glosses": "g", "translation": "l"}),
        ("\\tx,,\\gl", {"transcription": "tx", "glosses": "gl"}),
        ("glosses=gl", {"transcription": "tx", "segmentation": "mb", "glosses": "gl", "translation": "ft"}),
        ({"transcription": "t"}, {"transcription": "t"}),
    ],
)
def test_parse_markers(spec, expected):
    assert parse_markers(spec) == expected


@pytest.mark.parametrize("spec", ["a,b,c,d,e", "tx,tx", "words=w", "ref,mb", "=tx"])
def test_parse_markers_rejects(spec):
    with pytest.raises(ValueError):
        parse_markers(spec)


def test_write_toolbox_aligns_columns():
    record = {"id": "r1", "transcription": "kamwali ekoni", "segmentation": "ka-mwali e-koni",
              "glosses": "3SG-house PL-tree", "translation": "his house"}
    assert write_toolbox(record).split("\n") == [
        "\\ref r1",
        "\\tx kamwali   ekoni",
        "\\mb ka-mwali  e-koni",
        "\\ge 3SG-house PL-tree",
        "\\ft his house",
    ]


_morph = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Z"), blacklist_characters="-=\\"),
    min_size=1,
    max_size=6,
)
# A gloss that opens a bracket and a later one that closes it (`[place name]`) are one
# bracketed gloss to the Toolbox reader, which joins them (`[place.name]`): none here.
_gloss_morph = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Z"), blacklist_characters="-=\\["),
    min_size=1,
    max_size=6,
)


@st.composite
def glossed_words(draw):
    """(segmentation word, gloss word) with the same boundaries."""
    count = draw(st.integers(1, 3))
    seps = draw(st.lists(st.sampled_from("-="), min_size=count - 1, max_size=count - 1))
    morphs = draw(st.lists(_morph, min_size=count, max_size=count))
    glosses = draw(st.lists(_gloss_morph, min_size=count, max_size=count))

    def join(parts):
        return parts[0] + "".join(s + p for s, p in zip(seps, parts[1:]))

    return join(morphs), join(glosses)


@st.composite
def toolbox_records(draw):
    record = {"id": draw(st.text(alphabet="abc.0123456789_", min_size=1, max_size=8))}
    words = draw(st.lists(glossed_words(), min_size=1, max_size=5))
    if draw(st.booleans()):
        record["transcription"] = " ".join(draw(st.lists(_morph, min_size=1, max_size=6)))
    record["segmentation"] = " ".join(w for w, _ in words)
    record["glosses"] = " ".join(g for _, g in words)
    if draw(st.booleans()):
        record["translation"] = draw(_tier)
    return record


@settings(max_examples=200, deadline=None)
@given(st.lists(toolbox_records(), min_size=1, max_size=3))
def test_toolbox_round_trip(tmp_path_factory, batch):
    path = tmp_path_factory.mktemp("rt") / "rt.tbx"
    path.write_text("\n\n".join(write_toolbox(r) for r in batch) + "\n", encoding="utf-8")
    assert records(read_toolbox, path) == batch


def test_toolbox_round_trip_custom_markers(tmp_path):
    record = {"id": "7", "transcription": "a b", "segmentation": "a b", "glosses": "A B"}
    path = tmp_path / "x.sfm"
    path.write_text(write_toolbox(record, "t,m,g,l") + "\n", encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith("\\ref 7\n\\t a b\n\\m a b\n\\g A B")
    assert records(read_toolbox, path, "t,m,g,l") == [record]


TOOLBOX = DATA / "toolbox"


def test_toolbox_records_keyed_by_id():
    """Without \\ref, \\id is the record marker: blank lines inside a record (a wrapped bundle) do not split it."""
    found = records(read_toolbox, TOOLBOX / "id_keyed.sfm")
    assert [r["id"] for r in found] == ["001", "002", "003"]
    assert found[1]["segmentation"] == "la-lu anima ke-ne ka-puti"
    assert found[1]["glosses"] == "3SG-eat fish DEF-PROX NEG-cooked"
    assert found[2] == {"id": "003", "transcription": "tema", "translation": "Yes."}
    assert not any("text_id" in r for r in found)


def test_toolbox_wrapped_line_sets_without_blank_lines():
    first, second = records(read_toolbox, TOOLBOX / "wrapped.tbx")
    assert (first["transcription"], first["segmentation"], first["glosses"]) == (
        "roki pamba tuli mbali poro", "roki pamba tu-li mbali po-ro", "child run PST-fall far hit-PL")
    assert second["id"] == "w.2"


def test_toolbox_continuation_lines_without_a_marker():
    first, _ = records(read_toolbox, TOOLBOX / "continuation.tbx")
    assert (first["transcription"], first["segmentation"], first["glosses"]) == (
        "sulu mani kopa", "sulu mani kopa", "sun rise morning")
    assert (first["translation"], first["nt"]) == ("The sun rises in the morning.", "told by the oldest speaker")


@pytest.mark.parametrize(
    "markers, glosses, others",
    [(None, "1SG-see pig", {"gr", "gf"}), ("glosses=gr", "1SG-ver cerdo", {"ge", "gf"}), ("glosses=gf", "1SG-voir cochon", {"ge", "gr"})],
)
def test_toolbox_several_gloss_tiers(markers, glosses, others):
    """--markers picks one gloss tier; the others are kept as fields of their own."""
    (record,) = records(read_toolbox, TOOLBOX / "gloss_tiers.tbx", markers)
    assert record["glosses"] == glosses
    assert others <= set(record)


def test_toolbox_non_standard_marker_names():
    first, second = records(read_toolbox, TOOLBOX / "odd_markers.tbx", "t,m,gl,tr")
    assert (first["segmentation"], first["glosses"], first["translation"]) == ("tumbi sa", "mountain DEM", "that mountain")
    assert (first["nt2"], first["ge-fr"]) == ("second note", "montagne DEM")
    assert second == {"id": "o.2", "transcription": "sa", "segmentation": "sa", "glosses": "DEM", "translation": "that"}


def test_toolbox_latin1_needs_its_encoding_named():
    with pytest.raises(DataError) as caught:
        records(read_toolbox, TOOLBOX / "latin1.tbx")
    assert caught.value.line == 2 and "--encoding latin-1" in caught.value.message
    first, second = records(read_toolbox, TOOLBOX / "latin1.tbx", encoding="latin-1")
    assert (first["transcription"], first["segmentation"], first["glosses"]) == ("caféa ñoro", "café-a ñoro", "coffee-DEF drink")
    assert second["translation"] == "Boire ½."


def test_toolbox_text_only_database_reads_as_unglossed_records():
    """A TextBankis database (Gaua): \\ti text headers, \\rf utterances with \\tv and \\ta only."""
    found = records(read_toolbox, TOOLBOX / "text_only.db", markers="tv,mb,ge,ta")
    assert [r["id"] for r in found] == ["Hur.01", "Hur.02", "Eel.01", "Sea.01"]
    assert found[0] == {
        "id": "Hur.01", "transcription": "se rere ra luk e", "translation": "the hurricane comes",
        "tf": "le cyclone arrive", "AUDbegin": "1.9259",
    }
    # The second text's header (\\ti ... \\id) is no part of the utterance before it, and names the text.
    assert "ti" not in found[1] and "lg" not in found[1]
    assert found[2]["text_id"] == "Olr.Eel"
    # A third text without an \\id is not named after the second.
    assert "text_id" not in found[3]


def test_toolbox_without_the_tier_markers_proposes_a_markers_line():
    with pytest.raises(DataError) as caught:
        records(read_toolbox, TOOLBOX / "text_only.db")
    assert "e.g. --markers tv,mb,ge,tf" in caught.value.message
    assert "\n" not in str(caught.value)


def test_toolbox_shoebox_markers_recognised_by_themselves():
    """\\t \\m \\g \\p with the translation in \\ft, \\fe or \\f (the first of these the file has); Windows-1252 named."""
    with pytest.raises(DataError) as caught:
        records(read_toolbox, TOOLBOX / "shoebox_cp1252.db")
    assert caught.value.line == 6 and "--encoding" in caught.value.message
    first, second = records(read_toolbox, TOOLBOX / "shoebox_cp1252.db", encoding="cp1252")
    assert (first["transcription"], first["segmentation"], first["glosses"]) == ("kyöp", "ky-öp", "1-see")
    assert first["p"] == "pfx- vt" and first["f"] == "“ich sehe”"
    assert second["translation"] == "stone" and second["f"] == "Stein"


def test_toolbox_damaged_utf8_lines_read_and_reported(capsys):
    first, second = records(read_toolbox, TOOLBOX / "damaged_utf8.txt")
    assert first["transcription"] == "ʔuwa ko"
    assert second["transcription"] == "u\ufffdwa ko" and second["glosses"] == "3SG-house this"
    reported = capsys.readouterr().err.splitlines()
    assert len(reported) == 1 and f"{TOOLBOX / 'damaged_utf8.txt'}:10: not valid UTF-8 (byte 6 of the line)" in reported[0]


def test_toolbox_bare_line_after_the_header_is_no_error():
    (found,) = records(read_toolbox, TOOLBOX / "bare_header_line.txt")
    assert found["transcription"] == "kafeni gorkedersiz" and found["translation"] == "the coffee"
    assert not found["segmentation"] and not found["glosses"]  # empty \\mb and \\ge: places kept for an analysis


def test_toolbox_classic_mac_line_endings():
    found = records(read_toolbox, TOOLBOX / "cr_only.tbx")
    assert [(r["id"], r["segmentation"], r["glosses"]) for r in found] == [
        ("m.001", "ka-mwali", "3SG-house"), ("m.002", "e-koni", "PL-tree")
    ]


def test_toolbox_morphemes_without_boundaries_grouped_by_the_transcription():
    """Koyi: `\\mb asina m` under `\\tx asina-m`: the morphemes spell the words; a bracketed gloss is one."""
    (found,) = records(read_toolbox, TOOLBOX / "unmarked_morphemes.txt")
    assert found["segmentation"] == "asina-m sodel-bi sjurime"
    assert found["glosses"] == "yesterday-NOM Sungdel-LOC [place.name]"


def test_toolbox_a_boundary_in_a_column_of_its_own_joins_both_tiers_alike():
    (found,) = records(read_toolbox, TOOLBOX / "bare_boundary.tbx")
    assert (found["segmentation"], found["glosses"]) == ("wa-mea-lei ko", "back-upside-PL this")


# --- flextext -------------------------------------------------------------------


def test_flextext_phrases_words_morphs():
    found = list(read_flextext(DATA / "story.flextext"))
    assert [loc.line for loc, _ in found] == [8, 45, 59, 77]
    first, unanalysed, bare, other_text = (record for _, record in found)
    assert first == {
        "transcription": "Kamwali, ekoni.",
        "segmentation": "ka-mwali ekoni=ri",
        "glosses": "3SG-house [UNK]=FOC",
        "translation": "His house,   the trees.",
        "metalanguage": "English",
        "metalang_code": "en",
        # Translations in other languages are kept.
        "translations": {"en": "His house,   the trees.", "es": "Su casa."},
        "literal_translation": "3SG-house tree-FOC",
        "language_code": "kkk",
        "text_title": "The tuna",
        "segnum": "1",
    }
    # Word glosses without morphs: one morpheme a word; quotes hug their words.
    assert unanalysed["transcription"] == '"tuna vauvau!"'
    assert (unanalysed.get("segmentation"), unanalysed["glosses"]) == ("tuna vauvau", "tuna [UNK]")
    assert (unanalysed["translation"], unanalysed["metalanguage"]) == ("Beaucoup de thons\u00a0!", "French")
    # The phrase's own txt wins over the joined words; nothing analysed means no tiers.
    assert bare == {"transcription": "Ki ki.", "language_code": "kkk", "text_title": "The tuna"}
    assert (other_text["text_title"], other_text["metalanguage"]) == ("Second", "Tok Pisin")


@pytest.mark.parametrize(
    "content, line",
    [
        (b"<document><interlinear-text><phrase>\n</interlinear-text></document>", 2),
        (b"", 1),
        (b'<?xml version="1.0" encoding="utf-8"?>\n<document>\n<item>\xff</item></document>', 3),
    ],
)
def test_flextext_errors_name_the_line(tmp_path, content, line):
    path = tmp_path / "bad.flextext"
    path.write_bytes(content)
    with pytest.raises(DataError) as caught:
        records(read_flextext, path)
    assert (caught.value.source, caught.value.line) == (str(path), line)


def test_flextext_external_entity_is_named_never_read_nor_dropped():
    with pytest.raises(DataError) as caught:
        records(read_flextext, DATA / "flextext" / "external_entity.xml")
    assert caught.value.line == 4
    assert caught.value.message.startswith("external entity &xxe;, file:///etc/passwd, is not read")


def test_flextext_a_gloss_holding_a_boundary_symbol_stays_one_gloss():
    (found,) = records(read_flextext, DATA / "flextext" / "gloss_with_boundary.flextext")
    assert found["segmentation"] == "k-aplo tiwa semo"
    assert found["glosses"] == "?\u2011(+aplo)-mother\u2011in\u2011law come [UNK]"  # U+2011: a hyphen that is no boundary


@pytest.mark.parametrize(
    "name, segmentation, glosses",
    [
        ("word_glosses_only.flextext", "wetks nancakamanks hi", "[UNK] TOP and"),
        ("word_glosses_generic.flextext", "Babanga ana munda", "pai.meu [UNK] queimou\u2011os"),
    ],
)
def test_flextext_word_glosses_only_read_as_one_morpheme_a_word(name, segmentation, glosses):
    found = records(read_flextext, DATA / "flextext" / name)
    assert (found[0]["segmentation"], found[0]["glosses"]) == (segmentation, glosses)


def test_flextext_streams(tmp_path):
    """Phrases come out as the file is read, not after the whole document."""
    phrase = "<phrase><words><word><item type='txt' lang='x'>w</item></word></words></phrase>"
    path = tmp_path / "big.flextext"
    path.write_text("<document><interlinear-text><paragraphs><paragraph><phrases>" + phrase * 5000, encoding="utf-8")
    reader = read_flextext(path)
    assert next(reader)[1]["transcription"] == "w"
    with pytest.raises(DataError):
        list(reader)  # the truncated document still ends in an error, with its line



def test_flextext_glosses_of_several_words_stay_one_token(tmp_path):
    """'come out' under one morpheme must not split the gloss line into extra words."""
    morph = "<morph><item type='txt' lang='x'>{}</item><item type='gls' lang='en'>{}</item></morph>"
    word = "<word><item type='txt' lang='x'>{}</item><morphemes>{}</morphemes></word>"
    words = word.format("kamwali", morph.format("ka-", "3SG") + morph.format("mwali", "come out"))
    words += "<word><item type='txt' lang='x'>eko</item><item type='gls' lang='en'>the tree</item></word>"
    path = tmp_path / "multi.flextext"
    path.write_text("<document><interlinear-text><paragraphs><paragraph><phrases><phrase><words>" + words
                    + "</words></phrase></phrases></paragraph></paragraphs></interlinear-text></document>", encoding="utf-8")
    (record,) = records(read_flextext, path)
    assert record["glosses"] == "3SG-come.out the.tree"

FLEX = DATA / "flextext"


def test_flextext_byte_order_mark_and_crlf():
    (record,) = records(read_flextext, FLEX / "bom_crlf.flextext")
    assert (record["transcription"], record["segmentation"], record["glosses"]) == (
        "Ndumiti kana.", "n-dumiti kana", "1SG-sleep [UNK]")
    assert record["translation"] == "I sleep here."


def test_flextext_older_export_without_phrase_elements():
    found = list(read_flextext(FLEX / "no_phrase_elements.flextext"))
    assert [loc.line for loc, _ in found] == [8, 24]
    first, second = (record for _, record in found)
    assert (first["segmentation"], first["glosses"], first["translation"]) == ("tupa-ri aloma", "dog-PL [UNK]", "the dogs bark")
    assert (first["segnum"], first["text_title"]) == ("1", "Old export")
    assert (second["transcription"], second.get("segmentation"), second["translation"]) == ("aloma!", None, "they bark!")


@pytest.mark.parametrize(
    "metalanguage, translations, metalanguages",
    [
        (None, ["la vaca come", "she eats"], ["Spanish", "English"]),  # the first, whatever its language
        ("en", ["the cow eats", "she eats"], ["English", "English"]),
        ("English", ["the cow eats", "she eats"], ["English", "English"]),
        ("pt", ["a vaca come", "she eats"], ["Portuguese", "English"]),  # pt-BR is Portuguese; none: the first
    ],
)
def test_flextext_translations_in_several_languages(metalanguage, translations, metalanguages):
    found = records(read_flextext, FLEX / "translations.flextext", metalanguage=metalanguage)
    assert [r["translation"] for r in found] == translations
    assert [r.get("metalanguage") for r in found] == metalanguages
    assert found[0]["translations"] == {"es": "la vaca come", "en": "the cow eats", "pt-BR": "a vaca come"}
    assert found[0]["literal_translation"] == "cow eat"


def test_flextext_morphs_without_type_or_gloss():
    (record,) = records(read_flextext, FLEX / "bare_morphs.flextext")
    assert (record["segmentation"], record["glosses"]) == ("ko-talo biru sane", "[UNK]-house [UNK] [UNK]")
    assert "translation" not in record


@pytest.mark.parametrize(
    "metalanguage, glosses",
    [(None, "3PL-eat [UNK]"), ("es", "3PL-comer pan"), ("Spanish", "3PL-comer pan"), ("fr", "3PL-eat [UNK]")],
)
def test_flextext_glosses_in_several_analysis_languages(metalanguage, glosses):
    """One language for the whole phrase, never a mixture: a morph without a gloss in it is [UNK]."""
    (record,) = records(read_flextext, FLEX / "analysis_languages.flextext", metalanguage=metalanguage)
    assert record["glosses"] == glosses


def test_flextext_analysis_status_attributes():
    (record,) = records(read_flextext, FLEX / "analysis_status.flextext")
    assert (record["segmentation"], record["glosses"]) == ("mbolo sika-i nene", "river flow-PRS [UNK]")


# --- cldf -------------------------------------------------------------------------

CLDF = DATA / "cldf"


def test_cldf_tab_separators_language_table_and_other_columns():
    found = list(read_cldf(CLDF / "tab" / "examples.csv"))
    assert [loc.line for loc, _ in found] == [2, 3, 4, 5, 6]
    first, quoted, translation_only, bare, spaced = (record for _, record in found)
    assert first == {
        "id": "kaka-1",
        "transcription": "Kamwali ekoni.",
        "segmentation": "ka-mwali e-koni",
        "glosses": "3SG-house PL-tree",
        "translation": "his house, the trees",
        # Language_ID through the LanguageTable: glottocode and name; the reference itself kept.
        "language_id": "kaka", "glottocode": "kaka1265", "language": "Kaka",
        "metalanguage_id": "eng", "metalang_glottocode": "stan1293", "metalanguage": "English",
        "Page": "12",
    }
    assert quoted["Comment"] == 'said "twice"'
    # Rows without an analysis: records without those tiers.
    assert "segmentation" not in translation_only and "glosses" not in translation_only
    assert translation_only["translation"] == "Many!"
    assert set(bare) == {"id", "transcription", "language_id", "glottocode", "language"}
    # One gloss item of two words: one token.
    assert (spaced["segmentation"], spaced["glosses"]) == ("kiki", "come.out")


def test_cldf_read_through_its_metadata_file():
    by_table = records(read_cldf, CLDF / "tab" / "examples.csv")
    assert records(read_cldf, CLDF / "tab" / "Generic-metadata.json") == by_table


def test_cldf_backslash_t_declared_and_morphemes_as_items():
    first, second, third = records(read_cldf, CLDF / "backslash_t" / "examples.csv")
    assert (first["segmentation"], first["glosses"]) == ("ka=at=a", "go=PST=3SG")
    assert (second["segmentation"], second["glosses"]) == ("ka=at=a ulu", "go=PST=3SG home")
    assert first["glottocode"] == "mori1268"  # a Language_ID that is a glottocode
    assert "segmentation" not in third


def test_cldf_without_metadata_guesses_the_separator_row_by_row():
    found = records(read_cldf, CLDF / "no_metadata" / "examples.csv")
    assert [(r["segmentation"], r["glosses"]) for r in found] == [
        ("a b-c", "A B-C"),  # TAB
        ("d e-f", "D E-F"),  # backslash-t in both cells
        ("g h-i", "G H-I"),  # spaces, as many items in both
        ("jk", "come.out"),  # spaces that would misalign: one item
        ("lm", "\\textsc{pst}"),  # a LaTeX command is not a separator
    ]


def test_cldf_bad_rows(tmp_path):
    path = tmp_path / "examples.csv"
    path.write_text('ID,Primary_Text\na,b,c\n', encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        records(read_cldf, path)
    assert (caught.value.line, caught.value.message) == (2, "3 cells but 2 columns")
    path.write_text('ID,Primary_Text\n"x,y\n', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        records(read_cldf, path)
    assert (caught.value.line, caught.value.message) == (2, "a quoted cell is never closed")


def test_cldf_without_its_language_table_reads_and_says_so_once(capsys):
    found = records(read_cldf, CLDF / "no_language_table" / "Generic-metadata.json")
    assert [r.get("glosses") for r in found] == [r.get("glosses") for r in records(read_cldf, CLDF / "tab" / "examples.csv")]
    assert "glottocode" not in found[0] and found[0]["language_id"] == "kaka"
    reported = capsys.readouterr().err.splitlines()
    assert len(reported) == 1 and "languages.csv: no LanguageTable there" in reported[0]


def test_cldf_without_metadata_splits_both_cells_despite_a_trailing_empty_item():
    first, second = records(read_cldf, CLDF / "trailing_empty" / "examples.csv")
    assert (first["segmentation"], first["glosses"]) == ("ka mat=at .", "1SG see=OBJ")  # no \\t left in either
    assert (second["segmentation"], second["glosses"]) == ("ka et", "1SG go")


def _dataset(folder, table_url="examples.csv", edit=None, **changes):
    """A copy of the tab dataset in `folder`, its metadata changed: `table_url` for the example table,
    `changes` at the top, then `edit(metadata)`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("examples.csv", "languages.csv"):
        (folder / name).write_bytes((CLDF / "tab" / name).read_bytes())
    metadata = json.loads((CLDF / "tab" / "Generic-metadata.json").read_text(encoding="utf-8"))
    metadata["tables"][0]["url"] = table_url
    metadata.update(changes)
    if edit is not None:
        edit(metadata)
    path = folder / "Generic-metadata.json"
    path.write_text(json.dumps(metadata), encoding="utf-8")
    return path


@pytest.mark.parametrize("url", ["../outside/secret.csv", "/etc/passwd", "link/examples.csv", "file:///etc/passwd"])
def test_cldf_table_urls_outside_the_dataset_are_refused(tmp_path, url):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.csv").write_text("ID,Primary_Text\nsecret,do not read\n", encoding="utf-8")
    (tmp_path / "outside" / "examples.csv").write_text("ID,Primary_Text\nsecret,do not read\n", encoding="utf-8")
    metadata = _dataset(tmp_path / "dataset", url)
    (tmp_path / "dataset" / "link").symlink_to(tmp_path / "outside")  # inside by its name, outside once followed
    with pytest.raises(DataError) as caught:
        records(read_cldf, metadata)
    assert caught.value.message == f"refused: table url {url!r} is outside the metadata's folder"


@pytest.mark.parametrize("url, why", [("a\x00b", "embedded null byte"), ("loop", "Symlink loop")])
def test_cldf_table_urls_that_cannot_be_resolved_are_one_line(tmp_path, url, why):
    metadata = _dataset(tmp_path, url)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(DataError) as caught:
        records(read_cldf, metadata)
    assert caught.value.message.startswith(f"refused: table url {url!r}: ") and why in caught.value.message


def test_cldf_language_table_url_outside_the_dataset_is_refused(tmp_path):
    metadata = _dataset(tmp_path, edit=lambda document: document["tables"][1].update(url="../languages.csv"))
    with pytest.raises(DataError, match="refused: table url '../languages.csv'"):
        records(read_cldf, metadata)


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"tables": 5}, '"tables" must be a list of table descriptions'),
        ({"dialect": {"encoding": "nosuch"}}, 'the dialect: encoding "nosuch" is not one Python knows'),
        ({"dialect": {"delimiter": 5}}, "the dialect: delimiter 5 cannot separate cells"),
        ({"dialect": "csv"}, "the dialect: must be an object"),
    ],
)
def test_cldf_metadata_of_the_wrong_shape_is_one_line(tmp_path, changes, problem):
    metadata = _dataset(tmp_path, **changes)
    with pytest.raises(DataError) as caught:
        records(read_cldf, metadata)
    assert caught.value.message == f"cannot read the CLDF metadata: {problem}"


def test_cldf_metadata_numeric_separator_is_one_line(tmp_path):
    def numeric_separator(document):
        next(c for c in document["tables"][0]["tableSchema"]["columns"] if c["name"] == "Gloss")["separator"] = 9

    metadata = _dataset(tmp_path, edit=numeric_separator)
    with pytest.raises(DataError) as caught:
        records(read_cldf, metadata)
    assert caught.value.message == "cannot read the CLDF metadata: table 1, column 'Gloss': \"separator\" must be a string, not 9"


def test_cldf_duplicate_header_is_refused(tmp_path):
    path = tmp_path / "examples.csv"
    path.write_text("ID,ID,Primary_Text\na,b,c\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        records(read_cldf, path)
    assert (caught.value.line, caught.value.message) == (1, "the header names column 'ID' twice")


def test_csv_cells_keep_their_places():
    text = 'a,"b,""c""",\r\n\r\nd,"e\nf",g\n'
    found = list(rows(text))
    assert [row.values for row in found] == [["a", 'b,"c"', ""], ["d", "e\nf", "g"]]
    assert [row.line for row in found] == [1, 3]
    assert [text[c.start:c.end] for c in found[0].cells] == ["a", '"b,""c"""', ""]


# --- real data ------------------------------------------------------------------


def test_real_marker_files_all_read(data_dir):
    """Every shared-task and ODIN file reads, one record per \\t line, each with a transcription tier."""
    files = sorted((data_dir / "sigmorphon2023").glob("*/*-track2-uncovered")) + sorted((data_dir / "odin").glob("*.txt"))
    assert len(files) > 1000
    for path in files:
        found = records(read_sigmorphon, path)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(found) == sum(line.startswith("\\t ") for line in lines), path
        assert all("transcription" in r and "glosses" in r for r in found), path
