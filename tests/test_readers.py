"""Readers and writers of the marker formats and FLEx XML, on small hand-written files."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from igt_tools.errors import DataError, RecordError
from igt_tools.formats.sigmorphon import read_sigmorphon, write_sigmorphon
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
