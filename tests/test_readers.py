"""Readers and writers of the marker formats and FLEx XML, on small hand-written files."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from igt_tools.errors import DataError, RecordError
from igt_tools.formats.flextext import read_flextext
from igt_tools.formats.sigmorphon import read_sigmorphon, write_sigmorphon
from igt_tools.formats.toolbox import parse_markers, read_toolbox, write_toolbox
from igt_tools.io import BadRecords

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


@st.composite
def glossed_words(draw):
    """(segmentation word, gloss word) with the same boundaries."""
    count = draw(st.integers(1, 3))
    seps = draw(st.lists(st.sampled_from("-="), min_size=count - 1, max_size=count - 1))
    morphs = draw(st.lists(_morph, min_size=count, max_size=count))
    glosses = draw(st.lists(_morph, min_size=count, max_size=count))

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
        "literal_translation": "3SG-house tree-FOC",
        "language_code": "kkk",
        "text_title": "The tuna",
        "segnum": "1",
    }
    # Word glosses without morphs: glosses but no segmentation; quotes hug their words.
    assert unanalysed["transcription"] == '"tuna vauvau!"'
    assert (unanalysed.get("segmentation"), unanalysed["glosses"]) == (None, "tuna [UNK]")
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
