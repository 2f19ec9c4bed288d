"""Merge writers: predictions back into FLEx, Toolbox and CLDF files, every other byte kept."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from igt_tools.formats.cleaning import Cleaner, Options
from igt_tools.commands.format import command
from igt_tools.core.errors import DataError
from igt_tools.formats.merge.into import merge_into

from conftest import shared_data

DATA = Path(__file__).parent / "data"

# (format, file, reader options): every hand-written file of the three formats.
FLEX_FILES = [DATA / "story.flextext", *sorted((DATA / "flextext").glob("*.flextext"))]
TOOLBOX_FILES = [
    (DATA / "kaka.toolbox.txt", {}),
    (DATA / "handmade.sfm", {"markers": "t,m,g,f"}),
    (DATA / "toolbox" / "id_keyed.sfm", {}),
    (DATA / "toolbox" / "wrapped.tbx", {}),
    (DATA / "toolbox" / "continuation.tbx", {}),
    (DATA / "toolbox" / "gloss_tiers.tbx", {}),
    (DATA / "toolbox" / "gloss_tiers.tbx", {"markers": "glosses=gr"}),
    (DATA / "toolbox" / "odd_markers.tbx", {"markers": "t,m,gl,tr"}),
    (DATA / "toolbox" / "latin1.tbx", {"encoding": "latin-1"}),
    (DATA / "toolbox" / "text_only.db", {"markers": "tv,mb,ge,ta"}),
    (DATA / "toolbox" / "shoebox_cp1252.db", {"encoding": "cp1252"}),
    (DATA / "toolbox" / "damaged_utf8.txt", {}),
    (DATA / "toolbox" / "bare_header_line.txt", {}),
    (DATA / "toolbox" / "cr_only.tbx", {}),
    (DATA / "toolbox" / "unmarked_morphemes.txt", {}),
    (DATA / "toolbox" / "bare_boundary.tbx", {}),
    (DATA / "toolbox" / "unglossed_mixed_ends.txt", {}),
]
CLDF_FILES = [DATA / "cldf" / name / "examples.csv" for name in ("tab", "backslash_t", "no_metadata", "trailing_empty", "no_language_table")]
ALL_FILES = (
    [("flextext", path, {}) for path in FLEX_FILES]
    + [("toolbox", path, options) for path, options in TOOLBOX_FILES]
    + [("cldf", path, {}) for path in CLDF_FILES]
)
IDS = [f"{fmt}:{path.name}:{','.join(options.values())}" for fmt, path, options in ALL_FILES]


def cleaned(fmt, path, **options):
    """The records igt-clean writes for the file."""
    return list(Cleaner(Options(fmt=fmt, **options)).run([str(path)]))


def located(records):
    return [(None, record) for record in records]


def read_back(fmt, data, tmp_path, original, **options):
    """What igt-clean makes of the merged file, under the original's name (so the ids are the same) and beside
    copies of the files beside it (a CLDF table's metadata)."""
    folder = tmp_path / "merged"
    shutil.copytree(Path(original).parent, folder, dirs_exist_ok=True)
    path = folder / Path(original).name
    path.write_bytes(data)
    return cleaned(fmt, path, **options)


def predict(record):
    """A prediction for every word of the transcription (punctuation at their ends left out): `ka-mwali` / `3SG-mwali`."""
    forms = [word.strip(".,!?\"'") for word in (record.get("transcription") or "").split()]
    forms = [form for form in forms if form]
    prediction = dict(record)
    prediction["segmentation"] = " ".join(f if len(f) < 4 else f"{f[:2]}-{f[2:]}" for f in forms)
    prediction["glosses"] = " ".join(f.lower() if len(f) < 4 else f"3SG-{f[2:].lower()}" for f in forms)
    return prediction


def _other_fields(record):
    return {k: v for k, v in record.items() if k not in ("segmentation", "glosses", "issues", "igt", "Gloss_Source")}


# --- read -> write, nothing predicted: the same bytes ------------------------------------


@pytest.mark.parametrize("fmt, path, options", ALL_FILES, ids=IDS)
def test_records_straight_from_igt_clean_give_the_file_back(fmt, path, options):
    records = cleaned(fmt, path, **options)
    for overwrite in (False, True):
        assert merge_into(fmt, str(path), located(records), "test", overwrite=overwrite, **options) == path.read_bytes()


@pytest.mark.parametrize("fmt, path, options", ALL_FILES, ids=IDS)
def test_no_records_at_all_give_the_file_back(fmt, path, options):
    assert merge_into(fmt, str(path), [], "test", **options) == path.read_bytes()


# --- read -> predict -> write -> read: the predictions back ------------------------------


@pytest.mark.parametrize("fmt, path, options", ALL_FILES, ids=IDS)
def test_predictions_read_back(fmt, path, options, tmp_path):
    records = cleaned(fmt, path, **options)
    predictions = [predict(record) for record in records]
    merged = merge_into(fmt, str(path), located(predictions), "test", overwrite=True, **options)
    assert merged != path.read_bytes()
    found = read_back(fmt, merged, tmp_path, path, **options)
    assert len(found) == len(records)
    for before, prediction, after in zip(records, predictions, found):
        if prediction["segmentation"]:
            assert (after.get("segmentation"), after.get("glosses")) == (prediction["segmentation"], prediction["glosses"])
        # Everything else reads as before.
        assert _other_fields(after) == _other_fields(before)


@pytest.mark.parametrize("fmt, path, options", ALL_FILES, ids=IDS)
def test_predictions_go_only_where_there_was_no_analysis(fmt, path, options, tmp_path):
    records = cleaned(fmt, path, **options)
    merged = merge_into(fmt, str(path), located(predict(r) for r in records), "test", **options)
    found = read_back(fmt, merged, tmp_path, path, **options)
    # zip alone would hide a record lost or reordered by the merge
    assert [r["id"] for r in found] == [r["id"] for r in records]
    for before, after in zip(records, found):
        if before.get("segmentation") is None and before.get("glosses") is None:
            expected = predict(before)
            if expected["segmentation"]:
                assert (after["segmentation"], after["glosses"]) == (expected["segmentation"], expected["glosses"])
        elif fmt != "flextext":  # FLEx: analysed words keep theirs (next test)
            assert (after.get("segmentation"), after.get("glosses")) == (before.get("segmentation"), before.get("glosses"))


def test_flextext_unanalysed_words_of_an_analysed_phrase_are_filled(tmp_path):
    path = DATA / "flextext" / "bom_crlf.flextext"
    (record,) = cleaned("flextext", path)
    assert (record["segmentation"], record["glosses"]) == ("n-dumiti kana", "1SG-sleep [UNK]")
    prediction = dict(record, segmentation="ndu-miti ka-na", glosses="PFX-sleep here-LOC")
    merged = merge_into("flextext", str(path), located([prediction]), "test")
    (after,) = read_back("flextext", merged, tmp_path, path)
    assert (after["segmentation"], after["glosses"]) == ("n-dumiti ka-na", "1SG-sleep here-LOC")
    # The byte order mark and every CRLF stay; the new lines end in CRLF too.
    assert merged.startswith(b"\xef\xbb\xbf<?xml") and b"\n" not in merged.replace(b"\r\n", b"")
    assert merged.count(b'<morphemes analysisStatus="guess">') == 1


# --- what the merged files say about predictions ---------------------------------------


def test_flextext_marks_predicted_morphemes_and_indents_them_like_the_file(tmp_path):
    path = DATA / "story.flextext"
    records = cleaned("flextext", path)
    records[2] = dict(records[2], segmentation="ki ki-i", glosses="CONJ go-PST")
    merged = merge_into("flextext", str(path), located(records), "test").decode("utf-8")
    # A word on one line stays on one line; the glosses are in the document's language.
    assert (
        '              <word><item type="txt" lang="kkk">Ki</item><morphemes analysisStatus="guess"><morph type="stem">'
        '<item type="txt" lang="kkk">ki</item><item type="gls" lang="en">CONJ</item></morph></morphemes></word>\n'
    ) in merged
    assert '<morph type="stem"><item type="txt" lang="kkk">ki</item><item type="gls" lang="en">go</item></morph>' \
        '<morph type="suffix"><item type="txt" lang="kkk">-i</item><item type="gls" lang="en">PST</item></morph>' in merged
    # A word over several lines gets its morphemes on lines of their own, indented as its items.
    # story.flextext has no such word without morphs, so spread phrase 2's `vauvau` over three lines.
    one_line = '              <word><item type="txt" lang="kkk">vauvau</item></word>\n'
    spread = '              <word>\n                <item type="txt" lang="kkk">vauvau</item>\n              </word>\n'
    text = path.read_text(encoding="utf-8")
    assert text.count(one_line) == 1
    spread_path = tmp_path / path.name
    spread_path.write_text(text.replace(one_line, spread), encoding="utf-8")
    records = cleaned("flextext", spread_path)
    records[1] = dict(records[1], segmentation="tuna vau-vau", glosses="tuna RED-many")
    merged = merge_into("flextext", str(spread_path), located(records), "test").decode("utf-8")
    assert merged.count('analysisStatus="guess"') == 2  # both words of the phrase: neither had morphs
    assert (
        '              <word>\n'
        '                <item type="txt" lang="kkk">vauvau</item>\n'
        '                <morphemes analysisStatus="guess">\n'
        '                  <morph type="prefix">\n'
        '                    <item type="txt" lang="kkk">vau-</item>\n'
        '                    <item type="gls" lang="en">RED</item>\n'
        '                  </morph>\n'
        '                  <morph type="stem">\n'
        '                    <item type="txt" lang="kkk">vau</item>\n'
        '                    <item type="gls" lang="en">many</item>\n'
        '                  </morph>\n'
        '                </morphemes>\n'
        '              </word>\n'
    ) in merged


def test_flextext_a_gloss_with_a_boundary_symbol_is_written_back_as_it_was(tmp_path):
    path = DATA / "flextext" / "gloss_with_boundary.flextext"
    (record,) = cleaned("flextext", path)
    corrected = dict(record, glosses=record["glosses"].replace("come", "arrive"))
    merged = merge_into("flextext", str(path), located([corrected]), "test", overwrite=True).decode("utf-8")
    assert '<item type="gls" lang="en">?-(+aplo)</item>' in merged and '<item type="gls" lang="en">mother-in-law</item>' in merged
    (after,) = read_back("flextext", merged.encode("utf-8"), tmp_path, path)
    assert after["glosses"] == corrected["glosses"]


def test_flextext_word_glosses_only_take_predictions_as_word_glosses(capsys):
    path = DATA / "flextext" / "word_glosses_only.flextext"
    first, second = cleaned("flextext", path)
    predictions = [dict(first, glosses="so TOP and"), dict(second, segmentation="kun cu-gs", glosses="that go-PTCP")]
    merged = merge_into("flextext", str(path), located(predictions), "test").decode("utf-8")
    block = merged[merged.index("<morphemes"):merged.index("</morphemes>") + len("</morphemes>")]
    added = ['\n                <item type="gls" lang="en">so</item>', '\n                <item type="gls" lang="en">that</item>', "\n                " + block]
    original = merged
    for text in added:
        assert original.count(text) == 1
        original = original.replace(text, "")
    assert original == path.read_text(encoding="utf-8")
    assert '<item type="gls" lang="en">so</item>' in merged and '<item type="gls" lang="en">that</item>' in merged
    assert merged.count('<morphemes analysisStatus="guess">') == 1  # cu-gs: two morphemes, no word gloss can hold them
    assert "the file glosses words only; 1 predicted words of several morphemes got <morphemes" in capsys.readouterr().err


def test_flextext_empty_word_gloss_of_the_generic_export_is_filled_in_place():
    path = DATA / "flextext" / "word_glosses_generic.flextext"
    (record,) = cleaned("flextext", path)
    merged = merge_into("flextext", str(path), located([dict(record, glosses="pai.meu be queimou‑os")]), "test")
    assert merged == path.read_bytes().replace(b'<item type="gls" lang="pt" /><item type="pos" lang="pt">Irreg-na',
                                               b'<item type="gls" lang="pt">be</item><item type="pos" lang="pt">Irreg-na')


def test_toolbox_marks_predicted_records_and_lines_up_columns():
    path = DATA / "toolbox" / "id_keyed.sfm"
    records = cleaned("toolbox", path)
    records[2] = dict(records[2], segmentation="te-ma", glosses="yes-EMPH")
    merged = merge_into("toolbox", str(path), located(records), "test", guess_marker="pred").decode("utf-8")
    assert merged.endswith("\\id 003\n\\tx tema\n\\mb te  -ma\n\\ge yes -EMPH\n\\ft Yes.\n\\pred guess mb ge\n")


def test_toolbox_words_start_under_their_transcription_words(tmp_path):
    path = tmp_path / "columns.tbx"
    path.write_text("\\ref 1\n\\tx Kamwali        ekoni.\n\\ft his house, the trees\n", encoding="utf-8")
    (record,) = cleaned("toolbox", path)
    prediction = dict(record, segmentation="ka-mwali e-koni", glosses="3SG-house PL-tree")
    merged = merge_into("toolbox", str(path), located([prediction]), "test").decode("utf-8")
    assert merged.splitlines()[1:4] == [
        "\\tx Kamwali        ekoni.",
        "\\mb ka-  mwali     e-  koni",
        "\\ge 3SG- house     PL- tree",
    ]


def test_toolbox_marker_line_replaced_on_a_second_merge(tmp_path):
    path = tmp_path / "id_keyed.sfm"
    shutil.copy(DATA / "toolbox" / "id_keyed.sfm", path)
    records = cleaned("toolbox", path)
    path.write_bytes(merge_into("toolbox", str(path), located([dict(records[2], segmentation="te-ma", glosses="yes-EMPH")]), "t"))
    merged = merge_into("toolbox", str(path), located([dict(records[2], segmentation="tema", glosses="yes")]), "t", overwrite=True)
    assert merged.decode("utf-8").endswith("\\id 003\n\\tx tema\n\\mb tema\n\\ge yes\n\\ft Yes.\n\\igt guess mb ge\n")


def test_toolbox_one_tier_filled_under_the_other_where_they_agree(tmp_path):
    path = tmp_path / "half.tbx"
    path.write_text("\\ref 1\n\\tx kamwali\n\\mb ka-  mwali\n\\ft his house\n\n\\ref 2\n\\tx ekoni\n\\mb e- koni\n", encoding="utf-8")
    records = cleaned("toolbox", path)
    predictions = [dict(records[0], glosses="3SG-house"), dict(records[1], segmentation="ek-oni", glosses="X-Y")]
    result = CliRunner().invoke(command, ["--to", "toolbox", "--into", str(path)], input="".join(json.dumps(p) + "\n" for p in predictions))
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode().startswith("\\ref 1\n\\tx kamwali\n\\mb ka-  mwali\n\\ge 3SG- house\n\\ft his house\n\\igt guess ge\n")
    assert f"{path}:6: record left as it was: the prediction does not agree with the \\mb line there" in result.stderr


def test_toolbox_latin1_stays_latin1():
    path = DATA / "toolbox" / "latin1.tbx"
    records = cleaned("toolbox", path, encoding="latin-1")
    records[1] = dict(records[1], segmentation="ño-ro", glosses="drink-ÉPH")
    merged = merge_into("toolbox", str(path), located(records), "t", encoding="latin-1", overwrite=True)
    assert "\\tx ñoro\n\\mb ño    -ro\n\\ge drink -ÉPH\n".encode("latin-1") in merged
    records[1]["glosses"] = "drink-語"
    with pytest.raises(DataError, match="cannot be written in latin-1"):
        merge_into("toolbox", str(path), located(records), "t", encoding="latin-1", overwrite=True)


def test_toolbox_text_only_database_takes_new_analysis_lines_under_each_transcription():
    """Gaua: \\mb and \\ge come in under each \\tv, Toolbox's way; the other lines stay as they were."""
    path = DATA / "toolbox" / "text_only.db"
    records = cleaned("toolbox", path, markers="tv,mb,ge,ta")
    predictions = [dict(records[0], segmentation="se re-re ra luk e", glosses="3SG RED-come ART wind DEM")]
    merged = merge_into("toolbox", str(path), located(predictions), "t", markers="tv,mb,ge,ta").decode("utf-8")
    added = "\\mb se  re-  re   ra  luk  e\n\\ge 3SG RED- come ART wind DEM\n"
    assert "\\rf Hur.01\n\\tv se rere ra luk e\n" + added + "\\tf le cyclone" in merged
    assert merged.replace(added, "").replace(
        "\\AUDbegin 1.9259\n\\igt guess mb ge\n", "\\AUDbegin 1.9259\n") == path.read_text(encoding="utf-8")


def test_toolbox_lines_added_at_the_end_take_the_line_end_of_the_lines_before():
    """Khasi: CRLF in the header, LF after, no final line end."""
    path = DATA / "toolbox" / "unglossed_mixed_ends.txt"
    (record,) = cleaned("toolbox", path)
    prediction = dict(record, segmentation="ki=kjat ki kyuh yoh-i ba", glosses="PL=limb 3pl fear get-3sg.N NMZ")
    merged = merge_into("toolbox", str(path), located([prediction]), "t")
    assert merged.endswith(b"\nwhen -  that\n\\igt guess mb ge") and b"\r\n\\igt" not in merged
    assert b"\n\\mb ki= kjat    ki  kyuh\n\\ge PL= limb    3pl fear\n\\ph" in merged


def test_toolbox_damaged_lines_keep_their_bytes(tmp_path):
    path = DATA / "toolbox" / "damaged_utf8.txt"
    records = cleaned("toolbox", path)
    predictions = [dict(r, segmentation="u-wa ko", glosses="3SG-home this") for r in records]
    merged = merge_into("toolbox", str(path), located(predictions), "t", overwrite=True)
    assert b"\\tx u\x94wa  ko\n" in merged and b"\\tx \xca\x94uwa  ko\n" in merged
    assert [r["glosses"] for r in read_back("toolbox", merged, tmp_path, path)] == ["3SG-home this"] * 2


def test_cldf_marks_predicted_rows_and_declares_the_column(tmp_path):
    dataset = tmp_path / "tab"
    shutil.copytree(DATA / "cldf" / "tab", dataset)
    records = cleaned("cldf", dataset / "examples.csv")
    metadata = tmp_path / "out" / "Generic-metadata.json"
    metadata.parent.mkdir()
    merged = merge_into("cldf", str(dataset / "examples.csv"), located(predict(r) for r in records), "t", metadata_out=str(metadata))
    lines = merged.decode("utf-8").split("\r\n")
    assert lines[0].endswith(",Comment,Page,Gloss_Source")
    assert lines[1].endswith(",eng,,12,")  # an analysed row: kept, no mark
    assert lines[3] == "kaka-3,kaka,Vauvau!,Va-uvau,3SG-uvau,Many!,eng,translation only,14,guess"
    declared = json.loads(metadata.read_text())["tables"][0]["tableSchema"]["columns"]
    assert declared[-1]["name"] == "Gloss_Source"


def test_cldf_adds_the_analysis_columns_a_translation_only_table_lacks(tmp_path):
    path = tmp_path / "examples.csv"
    path.write_text("ID,Language_ID,Primary_Text,Translated_Text\na-1,abcd1234,kamwali,his house\n", encoding="utf-8")
    records = cleaned("cldf", path)
    merged = merge_into("cldf", str(path), located([dict(records[0], segmentation="ka-mwali", glosses="3SG-house")]), "t")
    assert merged.decode() == (
        "ID,Language_ID,Primary_Text,Translated_Text,Analyzed_Word,Gloss,Gloss_Source\n"
        "a-1,abcd1234,kamwali,his house,ka-mwali,3SG-house,guess\n"
    )


# --- what does not fit -------------------------------------------------------------------


@pytest.mark.parametrize("fmt, path, options", [ALL_FILES[0], ALL_FILES[len(FLEX_FILES)]], ids=["flextext", "toolbox"])
def test_a_prediction_with_other_word_counts_is_reported_and_left_out(fmt, path, options, capsys):
    records = cleaned(fmt, path, **options)
    wrong = [dict(r, segmentation="a b c d e f g h", glosses="A B C D E F G H") for r in records]
    assert merge_into(fmt, str(path), located(wrong), "test", overwrite=True, **options) == path.read_bytes()
    err = capsys.readouterr().err
    assert "left as it was: 8 predicted words for" in err
    assert "with a prediction that does not fit" in err.splitlines()[-1]


def test_a_misaligned_prediction_is_reported_and_left_out(capsys):
    """Rows with no analysis of their own take nothing of a prediction misaligned in one word."""
    path = CLDF_FILES[0]
    records = [dict(r, segmentation="a-b c", glosses="A B") for r in cleaned("cldf", path) if not r.get("segmentation")]
    assert merge_into("cldf", str(path), located(records), "test", overwrite=True) == path.read_bytes()
    assert f"{path}:4: row left as it was: the prediction is misaligned (word 1 ('a-b' / 'A'): 2 morphemes but 1 glosses)" \
        in capsys.readouterr().err


@pytest.mark.parametrize("fmt, path, options", [ALL_FILES[0], (("toolbox",) + TOOLBOX_FILES[0]), ("cldf", CLDF_FILES[0], {})], ids=["flextext", "toolbox", "cldf"])
def test_overwrite_merges_the_words_that_fit_and_reports_the_misaligned_one(fmt, path, options, tmp_path, capsys):
    records = cleaned(fmt, path, **options)
    index, before = next((i, r) for i, r in enumerate(records) if len((r.get("segmentation") or "").split()) >= 2 and not r.get("issues"))
    seg_words, gloss_words = before["segmentation"].split(), before["glosses"].split()
    corrected = dict(before, segmentation=" ".join(["x-y-z"] + seg_words[1:-1] + ["fixed"]),
                     glosses=" ".join(["X"] + gloss_words[1:-1] + ["FIXED"]))
    merged = merge_into(fmt, str(path), located([corrected]), "test", overwrite=True, **options)
    after = read_back(fmt, merged, tmp_path, path, **options)[index]
    assert after["segmentation"].split() == seg_words[:1] + seg_words[1:-1] + ["fixed"]
    assert after["glosses"].split() == gloss_words[:1] + gloss_words[1:-1] + ["FIXED"]
    assert "the prediction is misaligned in word 1 ('x-y-z' / 'X'): 3 morphemes but 1 glosses: that word left as it was" \
        in capsys.readouterr().err


def test_records_with_other_ids_are_matched_by_transcription(capsys):
    path = DATA / "story.flextext"
    records = [dict(r, id=f"other-{n}") for n, r in enumerate(cleaned("flextext", path))]
    records[2] = dict(records[2], segmentation="ki ki", glosses="CONJ CONJ")
    merged = merge_into("flextext", str(path), located(records), "test")
    assert merged.count(b"analysisStatus") == 2
    assert "4 matched by transcription, not by id" in capsys.readouterr().err


def test_a_record_with_a_units_id_and_another_transcription_is_reported_not_merged(capsys):
    path = DATA / "story.flextext"
    records = cleaned("flextext", path)
    wrong = dict(records[0], transcription=records[1]["transcription"], segmentation="ki ki", glosses="CONJ CONJ")
    assert merge_into("flextext", str(path), located([wrong]), "test") == path.read_bytes()
    err = capsys.readouterr().err
    assert f"phrase left as it was: the record with its id {records[0]['id']!r} has another transcription" in err
    assert "1 whose record has another transcription" in err


def test_a_second_record_with_the_same_id_and_transcription_is_reported():
    path = DATA / "story.flextext"
    records = cleaned("flextext", path)
    first, second = dict(records[0], glosses="X Y"), dict(records[0], glosses="Z W")
    result = CliRunner().invoke(command, ["--to", "flextext", "--into", str(path)], input="".join(json.dumps(r) + "\n" for r in (first, second)))
    assert result.exit_code == 0, result.output
    assert f"<stdin>:2: a second record with id {records[0]['id']!r} and the same transcription: ignored" in result.stderr


def test_a_file_that_gives_two_units_one_id_takes_each_its_own_record(tmp_path):
    path = tmp_path / "twice.tbx"
    path.write_text("\\ref 1\n\\tx kamwali\n\n\\ref 1\n\\tx ekoni\n", encoding="utf-8")
    first, second = cleaned("toolbox", path)
    predictions = [dict(second, segmentation="e-koni", glosses="PL-tree"), dict(first, segmentation="ka-mwali", glosses="3SG-house")]
    merged = merge_into("toolbox", str(path), located(predictions), "t")
    assert [r["glosses"] for r in read_back("toolbox", merged, tmp_path, path)] == ["3SG-house", "PL-tree"]


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\uffff", "\ud800"])
def test_flextext_characters_xml_forbids_are_refused_with_the_phrase_named(character, capsys):
    path = DATA / "story.flextext"
    records = cleaned("flextext", path)
    records[0] = dict(records[0], segmentation=records[0]["segmentation"], glosses=records[0]["glosses"].replace("3SG", "3SG" + character, 1))
    assert merge_into("flextext", str(path), located(records), "test", overwrite=True) == path.read_bytes()
    reported = capsys.readouterr().err
    assert f"{path}:" in reported
    assert f"record {records[0]['id']!r}: its glosses holds U+{ord(character):04X}, which XML 1.0 forbids" in reported


def test_cldf_punctuation_items_stay_in_their_places(tmp_path):
    path = tmp_path / "examples.csv"
    path.write_text("ID,Primary_Text,Analyzed_Word,Gloss\n147,pezen : pezemoi,peze-n\t:\tpeze-moi,wash-1SG\t:\twash-REFL.1SG\n", encoding="utf-8")
    (record,) = cleaned("cldf", path)
    corrected = dict(record, glosses="wash-1PL : wash-REFL.1SG")
    merged = merge_into("cldf", str(path), located([corrected]), "t", overwrite=True).decode("utf-8")
    assert "peze-n\t:\tpeze-moi,wash-1PL\t:\twash-REFL.1SG,guess" in merged


def test_cldf_prediction_its_encoding_lacks_is_one_line(tmp_path):
    path = tmp_path / "examples.csv"
    path.write_bytes("ID,Primary_Text,Analyzed_Word,Gloss\r\nc-1,caf\xe9,,\r\n".encode("latin-1"))
    (record,) = cleaned("cldf", path, encoding="latin-1")
    prediction = dict(record, segmentation="café-語", glosses="coffee-X")
    result = CliRunner().invoke(command, ["--to", "cldf", "--into", str(path), "--encoding", "latin-1"], input=json.dumps(prediction) + "\n")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"igt-format: {path}:2: a prediction cannot be written in latin-1: '語'"


# --- FieldWorks' schema, pycldf ---------------------------------------------------------


def _schema():
    """lxml (the test extra) and FieldWorks' schema, ../shared/specs/FlexInterlinear.xsd (beside the data:
    missing, the test skips, or fails where IGT_REQUIRE_SHARED_DATA=1 says the data is there)."""
    from lxml import etree

    schema = shared_data().parent / "specs" / "FlexInterlinear.xsd"
    if not schema.is_file():
        pytest.fail(f"FieldWorks' schema not found at {schema}", pytrace=False)
    return etree, etree.XMLSchema(etree.parse(str(schema)))


# Older exports without <phrase> elements predate the schema.
@pytest.mark.parametrize("path", [p for p in FLEX_FILES if p.name not in ("no_phrase_elements.flextext", "word_glosses_generic.flextext")], ids=lambda p: p.name)
def test_merged_flextext_validates_against_fieldworks_schema(path):
    """The test files are valid exports (older ones without <phrase> predate the schema), and stay valid merged."""
    etree, schema = _schema()
    assert schema.validate(etree.parse(str(path))), schema.error_log
    records = [predict(r) for r in cleaned("flextext", path)]
    merged = merge_into("flextext", str(path), located(records), "test", overwrite=True)
    document = etree.fromstring(merged)
    assert schema.validate(document), schema.error_log
    assert document.xpath("//morphemes[@analysisStatus='guess']")


def test_merged_cldf_dataset_validates_with_pycldf(tmp_path):
    import pycldf
    dataset = tmp_path / "tab"
    shutil.copytree(DATA / "cldf" / "tab", dataset)
    assert pycldf.Dataset.from_metadata(dataset / "Generic-metadata.json").validate()
    records = cleaned("cldf", dataset / "examples.csv")
    merged = merge_into("cldf", str(dataset / "examples.csv"), located(predict(r) for r in records), "t",
                        metadata_out=str(dataset / "Generic-metadata.json"))
    (dataset / "examples.csv").write_bytes(merged)
    assert pycldf.Dataset.from_metadata(dataset / "Generic-metadata.json").validate()


def test_new_cldf_table_validates_with_pycldf(tmp_path):
    import pycldf
    records = cleaned("cldf", DATA / "cldf" / "tab" / "examples.csv") + cleaned("toolbox", DATA / "kaka.toolbox.txt")
    records[0]["malformed"] = 0  # glossed by igt-gloss
    metadata = tmp_path / "Generic-metadata.json"
    result = CliRunner().invoke(command, ["--to", "cldf", "--metadata", str(metadata)], input="".join(json.dumps(r) + "\n" for r in records))
    assert result.exit_code == 0, result.output
    (tmp_path / "examples.csv").write_text(result.stdout, encoding="utf-8", newline="")
    dataset = pycldf.Dataset.from_metadata(metadata)
    assert dataset.validate()
    rows = list(dataset["ExampleTable"])
    assert (rows[0]["Analyzed_Word"], rows[0]["Gloss"], rows[0]["Gloss_Source"]) == (["ka-mwali", "e-koni"], ["3SG-house", "PL-tree"], "guess")
    assert rows[5]["ID"] == "Kaka_01.001" and not rows[5]["Gloss_Source"]
    # And it reads back as the records it was written from.
    again = cleaned("cldf", tmp_path / "examples.csv")
    assert [(r["id"], r["segmentation"], r["glosses"]) for r in again] == [(r["id"], r["segmentation"], r["glosses"]) for r in records]


# --- the command line ---------------------------------------------------------------------


def test_cli_pipeline_into_flextext(tmp_path):
    path = DATA / "flextext" / "bare_morphs.flextext"
    records = [dict(r, segmentation="ko-talo biru sa-ne", glosses="CL-house stone 3SG-sleep") for r in cleaned("flextext", path)]
    result = CliRunner().invoke(command, ["--to", "flextext", "--into", str(path)], input="".join(json.dumps(r) + "\n" for r in records))
    assert result.exit_code == 0, result.output
    (after,) = read_back("flextext", result.stdout_bytes, tmp_path, path)
    # Kept: the morphs the file had (one without a gloss); filled: the word without any.
    assert (after["segmentation"], after["glosses"]) == ("ko-talo biru sa-ne", "[UNK]-house [UNK] 3SG-sleep")
    assert result.stderr.splitlines()[-1] == "igt-format: 1 phrases, 1 given predictions"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--to", "flextext"], "--to flextext writes into a FLEx export: name it with --into"),
        (["--to", "aligned", "--into", str(DATA / "story.flextext")], "--into goes with --to flextext, toolbox, cldf"),
        (["--to", "toolbox", "--overwrite"], "--overwrite goes with --into"),
        (["--to", "cldf", "--into", str(CLDF_FILES[0]), "--guess-marker", "x"], "--guess-marker goes with --to toolbox --into"),
        (["--tagmap", str(DATA / "story.flextext")], "--tagmap goes with --to"),
        (["--to", "toolbox", "--metadata", "m.json"], "--metadata goes with --to cldf"),
        (["--to", "toolbox", "--into", str(DATA / "kaka.toolbox.txt"), "--guess-marker", "mb"], "already a tier"),
        (["--to", "toolbox", "--into", str(DATA / "kaka.toolbox.txt"), "--encoding", "nope"], "unknown encoding"),
    ],
)
def test_cli_usage_errors(args, message):
    result = CliRunner().invoke(command, args, input='{"id": "x"}\n')
    assert result.exit_code == 2
    assert message in result.stderr


def test_cli_tagmap_maps_the_output_glosses(tmp_path):
    tagmap = tmp_path / "tags.tsv"
    tagmap.write_text("3SG\t3.SG\n", encoding="utf-8")
    record = {"id": "r1", "transcription": "kamwali", "segmentation": "ka-mwali", "glosses": "3SG-house.PL"}
    result = CliRunner().invoke(command, ["--to", "toolbox", "--tagmap", str(tagmap)], input=json.dumps(record) + "\n")
    assert result.exit_code == 0, result.output
    assert "\\ge 3.SG-house.PL" in result.stdout
    assert "1 tags mapped, 1 not in the map (passed through): PL 1" in result.stderr
