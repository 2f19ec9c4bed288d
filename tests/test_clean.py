"""igt-clean: normalisation, filling in, the audit, the command line and its Unix manners."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import QUIET_PIPE_STATUSES, jsonl, output_records, pipe_to_head, run_command
from igt_tools.formats import cleaning as clean
from igt_tools.formats import registry
from igt_tools.commands.clean import command
from igt_tools.core.errors import DataError, RecordError
from igt_tools.core.interleaved import Misaligned, aligned_words
from igt_tools.core.record import CANONICAL_FIELDS

DATA = Path(__file__).parent / "data"
BIN = Path(sys.executable).parent


def run(args, stdin=None):
    return run_command(command, args, stdin)


def cleaned(records, **options):
    """Clean records given as JSONL on a fake path, with Options(**options)."""
    cleaner = clean.Cleaner(clean.Options(**options))
    out = []
    for number, record in enumerate(records, 1):
        result = cleaner.clean(dict(record), f"x-{number}", {})
        if result is not None:
            out.append(result)
    return out, cleaner.audit


# --- normalisation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("cafe\u0301", "café"),
        ("a\tb\n c\u00a0 d", "a b c d"),
        ("  padded  ", "padded"),
        ("", None),
        (" \t ", None),
    ],
)
def test_normalise_text(raw, expected):
    assert clean.normalise_text(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("I do .", "I do."),
        ("Who walked ?", "Who walked?"),
        ("yes , no ; maybe : so !", "yes, no; maybe: so!"),
        ("( so ) [ it ] { is }", "(so) [it] {is}"),
        ("Wait... what?", "Wait... what?"),
        ("the boy 's house", "the boy 's house"),
    ],
)
def test_tidy_translation(raw, expected):
    assert clean.tidy_translation(raw) == expected


def test_normalise_keeps_word_tokens_of_the_tiers():
    record = clean.normalise(
        {"transcription": "walked  .", "segmentation": "walk-ed\t.", "glosses": "walk-PST .", "translation": " walked . ", "x": " kept "}
    )
    assert record == {
        "transcription": "walked .",
        "segmentation": "walk-ed .",
        "glosses": "walk-PST .",
        "translation": "walked.",
        "x": " kept ",
    }


def test_alignment_issue_names_the_word():
    assert clean.alignment_issues({"segmentation": "x a-b", "glosses": "X Y"}) == [
        "misaligned: word 2 ('a-b' / 'Y'): 2 morphemes but 1 glosses"
    ]
    assert clean.alignment_issues({"segmentation": "x a", "glosses": "X"}) == [
        "misaligned: 2 segmentation words but 1 gloss words"
    ]
    # Punctuation-only words do not count (REFERENCE 5.1); a missing tier cannot misalign.
    assert clean.alignment_issues({"segmentation": "x-a .", "glosses": "X-A"}) == []
    assert clean.alignment_issues({"segmentation": "x a", "glosses": None}) == []


_line = st.lists(st.text(alphabet="ab-=._!?'(", min_size=1, max_size=5), max_size=5).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(_line, _line)
def test_alignment_issues_agree_with_aligned_words(segmentation, glosses):
    try:
        aligned_words(segmentation, glosses)
        expected = []
    except Misaligned as err:
        expected = [f"misaligned: {err}"]
    assert clean.alignment_issues({"segmentation": segmentation, "glosses": glosses}) == expected


# --- filling in and the audit ------------------------------------------------------


def test_ids_defaults_and_canonical_order():
    (record,), _ = cleaned(
        [{"extra": 1, "glosses": "DET cat", "transcription": "the cat", "language": "English"}],
        language="Ignored",
    )
    assert list(record) == list(CANONICAL_FIELDS) + ["extra"]
    assert record["id"] == "x-1"
    assert record["language"] == "English"  # defaults fill only what is missing
    assert record["segmentation"] is None


def test_duplicates_dropped_and_counted_per_language():
    records = [
        {"transcription": "a  b", "glosses": "A B", "glottocode": "aaaa1234"},
        {"transcription": "a b", "glosses": "A B", "glottocode": "aaaa1234", "translation": "other"},
        {"transcription": "a b", "glosses": "A B", "glottocode": "bbbb1234"},
        {"transcription": None, "glosses": None, "translation": "only this"},
        {"transcription": None, "glosses": None, "translation": "only that"},
    ]
    out, audit = cleaned(records)
    assert [r["id"] for r in out] == ["x-1", "x-3", "x-4", "x-5"]
    assert (audit.read, audit.written, audit.duplicates) == (5, 4, 1)
    assert audit.by_language["aaaa1234"]["duplicates"] == 1
    assert audit.by_language[clean.NO_LANGUAGE]["read"] == 2


def test_misaligned_flagged_or_dropped():
    records = [
        {"transcription": "ab", "segmentation": "a-b", "glosses": "A"},
        {"transcription": "ab", "segmentation": "ab", "glosses": "A"},
    ]
    out, audit = cleaned(records)
    assert out[0]["issues"] == ["misaligned: word 1 ('a-b' / 'A'): 2 morphemes but 1 glosses"]
    # Same transcription and glosses: the second is a duplicate of the first.
    assert (audit.written, audit.misaligned, audit.duplicates) == (1, 1, 1)
    # Dropping the misaligned one leaves no trace, so its aligned twin is kept.
    out, audit = cleaned(records, drop_misaligned=True)
    assert [r["segmentation"] for r in out] == ["ab"]
    assert (audit.written, audit.dropped_misaligned, audit.duplicates) == (1, 1, 0)


def test_cleaning_twice_changes_nothing():
    first, _ = cleaned([{"transcription": "a\tb", "segmentation": "a-x b", "glosses": "A B", "issues": ["kept by hand"]}])
    second, _ = cleaned(first)
    assert second == first
    assert first[0]["issues"] == ["kept by hand", "misaligned: word 1 ('a-x' / 'A'): 2 morphemes but 1 glosses"]


def test_issues_must_be_a_list():
    from igt_tools.core.io import Location

    clean.check_issues({"issues": ["x"]}, Location("f", 3))
    clean.check_issues({"issues": None}, Location("f", 3))
    with pytest.raises(RecordError) as caught:
        clean.check_issues({"transcription": "a", "issues": "x"}, Location("f", 3))
    assert caught.value.line == 3


# --- languages and formats -----------------------------------------------------------


MAP = {"abk": "abkh1244", "ddo": "dido1241", "dev": "domu1246", "aer": "east2379", "are": "west2441", "nno": "norw1262", "nob": "norw1262"}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("abk.txt", "abkh1244"),
        ("ddo-dev-track2-uncovered", "dido1241"),  # a shared-task name: its first part
        ("nno-nob.txt", "norw1262"),  # several codes, one language
        ("aer-are.txt", None),  # several languages: no guess
        ("und.txt", None),
    ],
)
def test_file_glottocode(name, expected):
    assert clean.file_glottocode(Path("/x") / name, MAP) == expected


def test_load_language_map(tmp_path):
    (tmp_path / "m.json").write_text(json.dumps(MAP))
    (tmp_path / "m.csv").write_text("glottocode,isocode\nabkh1244,abk\nxxxx1234,\n")
    (tmp_path / "bad.json").write_text("[1, 2]")
    assert clean.load_language_map(tmp_path / "m.json") == MAP
    assert clean.load_language_map(tmp_path / "m.csv") == {"abk": "abkh1244"}
    with pytest.raises(DataError):
        clean.load_language_map(tmp_path / "bad.json")


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("a.jsonl", "", "jsonl"),
        ("a.tbx", "", "toolbox"),
        ("a.flextext", "", "flextext"),
        ("a.XML", "", "flextext"),
        ("abk.txt", "\n\\t a\n\\g A\n", "sigmorphon"),
        ("ddo-dev-track2-uncovered", "\ufeff\\t a\n", "sigmorphon"),
        ("story.txt", "\\_sh v3.0  400  Text\n", "toolbox"),
        ("story.txt", "\\ref 1\n\\tx a\n", "toolbox"),
        ("records.txt", '{"transcription": "a"}\n', "jsonl"),
        ("export.igt", "<?xml version='1.0'?>\n", "flextext"),
    ],
)
def test_guess_format(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert registry.guess_format(path) == expected


def test_guess_format_gives_up(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some prose\n")
    with pytest.raises(registry.FormatUnknown):
        registry.guess_format(path)


# --- the command --------------------------------------------------------------------


def test_cli_jsonl_stdin_with_summary():
    result = run(["--glottocode", "aaaa1234"], jsonl({"transcription": "a", "glosses": "A", "n": 1}, {"transcription": "a", "glosses": "A"}))
    assert result.exit_code == 0, result.output
    (record,) = output_records(result)
    assert (record["id"], record["glottocode"], record["n"], record["source"]) == ("stdin-1", "aaaa1234", 1, None)
    assert "read 2 records, wrote 1; dropped 1 duplicates" in result.stderr
    assert "aaaa1234" in result.stderr


def test_cli_table_when_stderr_is_a_terminal(monkeypatch):
    monkeypatch.setattr("igt_tools.commands.clean.stderr_is_terminal", lambda: True)
    result = run([], jsonl({"transcription": "a", "glottocode": "aaaa1234"}, {"transcription": "b"}))
    assert result.exit_code == 0
    assert "read 2 records" in result.stderr
    table_rows = [line for line in result.stderr.splitlines() if "aaaa1234" in line or "(unknown)" in line]
    assert len(table_rows) == 2 and all("│" in row for row in table_rows)


def test_cli_summary_lists_the_largest_languages():
    records = [{"transcription": str(i), "glottocode": f"l{i:03d}"} for i in range(30)] + [{"transcription": "x", "glottocode": "l029"}]
    result = run([], jsonl(*records))
    lines = result.stderr.splitlines()
    assert lines[2].split()[1] == "l029"  # the largest first
    assert lines[-1] == "igt-clean: ... and 5 more languages (--all-languages lists them)"
    # l024-l028 (one record each, sorted by name after l000-l023) are past the 25 shown by default
    assert "l028" not in result.stderr
    everything = run(["--all-languages"], jsonl(*records)).stderr
    assert "l028" in everything
    assert "more languages" not in everything


def test_cli_marker_formats_from_stdin():
    xml = (DATA / "story.flextext").read_text(encoding="utf-8")
    result = run(["-q", "--from", "flextext"], xml)
    assert [r["id"] for r in output_records(result)] == ["stdin-1", "stdin-2", "stdin-3", "stdin-4"]
    result = run(["-q", "--from", "sigmorphon"], "\\t a\n\\g A\n")
    assert output_records(result)[0]["glosses"] == "A"


def test_cli_quiet():
    result = run(["-q"], jsonl({"transcription": "a"}))
    assert (result.exit_code, result.stderr) == (0, "")


def test_cli_guesses_formats_and_names_ids_by_file():
    result = run(["-q", str(DATA / "odin_noise.txt"), str(DATA / "kaka.toolbox.txt"), str(DATA / "story.flextext")])
    assert result.exit_code == 0, result.stderr
    records = output_records(result)
    assert [r["id"] for r in records] == [
        "odin_noise-1", "odin_noise-2", "odin_noise-3", "odin_noise-4",
        "Kaka_01.001", "Kaka_01.002", "Kaka_02.001",
        "story-1", "story-2", "story-3", "story-4",
    ]
    by_id = {r["id"]: r for r in records}
    assert by_id["odin_noise-2"]["segmentation"] is None  # an empty tier becomes null
    assert by_id["story-1"]["translation"] == "His house, the trees."
    assert by_id["Kaka_01.001"]["source"] == "kaka.toolbox.txt"


def test_cli_toolbox_with_the_wrong_markers_says_so():
    path = DATA / "toolbox" / "text_only.db"
    result = run([str(path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"igt-clean: {path}: no records with the tier markers \\tx \\mb \\ge \\ft;"
        " the file has \\AUDbegin \\dt \\id \\lg \\rf \\ta \\tf \\ti \\tv"
        " (name them with --markers, e.g. --markers tv,mb,ge,tf)\n"
    )


def test_cli_toolbox_shoebox_markers_on_stdin_are_proposed():
    """Stdin cannot be read twice to find its markers: the error says which to name."""
    result = run(["--from", "toolbox"], stdin=(DATA / "handmade.sfm").read_text(encoding="utf-8"))
    assert result.exit_code == 1
    assert result.stderr.endswith("(name them with --markers, e.g. --markers t,m,g,f)\n")


def test_cli_toolbox_shoebox_markers_need_no_markers_option():
    result = run(["-q", str(DATA / "handmade.sfm")])
    assert result.exit_code == 0, result.stderr
    assert output_records(result)[0]["glosses"] == "3SG-house PL-tree"


def test_cli_markers_and_id_prefix():
    result = run(["-q", "--markers", "t,m,g,f", "--id-prefix", "hm", str(DATA / "handmade.sfm"), str(DATA / "handmade.sfm")])
    assert result.exit_code == 0, result.stderr
    records = output_records(result)
    # The second file repeats the first: all duplicates; numbers run on across inputs.
    assert [r["id"] for r in records] == ["hm-1", "hm-2", "hm-3"]
    assert records[0]["glosses"] == "3SG-house PL-tree"


def test_cli_language_map_beside_the_input(tmp_path):
    (tmp_path / "language_map.json").write_text(json.dumps(MAP))
    (tmp_path / "abk.txt").write_text("\\t a\n\\m a\n\\g A\n\\l a\n", encoding="utf-8")
    (tmp_path / "abk.jsonl").write_text(jsonl({"transcription": "b", "glottocode": "own1234"}))
    result = run(["-q", str(tmp_path / "abk.txt"), str(tmp_path / "abk.jsonl")])
    assert [r["glottocode"] for r in output_records(result)] == ["abkh1244", "own1234"]
    result = run(["-q", "--glottocode", "opti1234", str(tmp_path / "abk.txt")])
    assert output_records(result)[0]["glottocode"] == "opti1234"


def test_cli_language_map_option(tmp_path):
    (tmp_path / "map.csv").write_text("glottocode,isocode\ndido1241,ddo\n")
    (tmp_path / "ddo-dev-track2-uncovered").write_text("\\t a\n\\g A\n", encoding="utf-8")
    result = run(["-q", "--language-map", str(tmp_path / "map.csv"), str(tmp_path / "ddo-dev-track2-uncovered")])
    assert output_records(result)[0]["glottocode"] == "dido1241"


def test_cli_drop_misaligned_counts():
    stdin = jsonl({"segmentation": "a-b", "glosses": "A", "glottocode": "aaaa1234"}, {"segmentation": "a", "glosses": "A"})
    result = run(["--drop-misaligned"], stdin)
    assert len(output_records(result)) == 1
    assert "1 misaligned" in result.stderr


@pytest.mark.parametrize(
    "stdin, message",
    [
        ('{"transcription": "a"}\n{"transcription": \n', "igt-clean: <stdin>:2: invalid JSON"),
        ('{"transcription": 3}\n', 'igt-clean: <stdin>:1: field "transcription" must be a string or null'),
        ("[1]\n", "igt-clean: <stdin>:1: expected a JSON object"),
        ("", "igt-clean: <stdin>: empty input: no records"),
        ("\n\n", "igt-clean: <stdin>: empty input: no records"),
    ],
)
def test_cli_bad_input_is_one_line(stdin, message):
    result = run([], stdin)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_cli_bad_marker_block_names_its_line():
    result = run([str(DATA / "bad_block.txt")])
    assert result.exit_code == 1
    assert f"{DATA / 'bad_block.txt'}:6: marker \\t twice" in result.stderr


def test_cli_skip_bad_and_bad_out(tmp_path):
    aside = tmp_path / "bad.txt"
    stdin = '{"transcription": "a"}\nnot json\n{"transcription": "b", "issues": 7}\n{"transcription": "c"}\n'
    result = run(["--bad-out", str(aside)], stdin)
    assert result.exit_code == 0
    assert [r["transcription"] for r in output_records(result)] == ["a", "c"]
    assert aside.read_text().splitlines() == ["not json", '{"transcription": "b", "issues": 7}']
    assert "2 bad" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["--markers", "a,b,c,d,e"], ["--from", "csv"], ["--language-map", "/no/such/file"], ["--tagmap", "/no/such/file"]],
)
def test_cli_usage_errors(args):
    assert run(args, "").exit_code == 2


def test_cli_unknown_format_is_a_usage_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("prose\n")
    result = run([str(path)])
    assert result.exit_code == 2
    assert "--from" in result.stderr


# --- other tools' formats, the user's conventions -------------------------------------


def test_cli_cldf_counts_translation_only_examples():
    result = run([str(DATA / "cldf" / "tab" / "examples.csv")])
    assert result.exit_code == 0, result.stderr
    records = output_records(result)
    assert [r["id"] for r in records] == ["kaka-1", "kaka-2", "kaka-3", "kaka-4", "kaka-5"]
    assert (records[0]["glottocode"], records[0]["source"]) == ("kaka1265", "examples.csv")
    assert "2 without segmentation or glosses (text or translation only)" in result.stderr.splitlines()[0]


def test_cli_cldf_metadata_file_as_input():
    result = run(["-q", str(DATA / "cldf" / "backslash_t" / "TextCorpus-metadata.json")])
    assert [r["segmentation"] for r in output_records(result)] == ["ka=at=a", "ka=at=a ulu", None]


def test_cli_encoding():
    path = str(DATA / "toolbox" / "latin1.tbx")
    result = run(["-q", path])
    assert result.exit_code == 1
    assert result.stderr == f"igt-clean: {path}:2: not valid UTF-8 (byte 8 of the line); name its encoding with --encoding, e.g. --encoding cp1252 (Windows) or --encoding latin-1\n"
    result = run(["-q", "--encoding", "latin-1", path])
    assert [r["transcription"] for r in output_records(result)] == ["caféa ñoro", "ñoro"]
    assert run(["--encoding", "no-such-encoding", path]).exit_code == 2


def test_cli_metalanguage_picks_the_flex_translation():
    path = str(DATA / "flextext" / "translations.flextext")
    english = output_records(run(["-q", "--metalanguage", "English", path]))
    assert [(r["translation"], r["metalanguage"]) for r in english] == [("the cow eats", "English"), ("she eats", "English")]
    assert output_records(run(["-q", path]))[0]["translation"] == "la vaca come"


def test_cli_tags_lists_the_inventory_instead_of_records():
    stdin = jsonl({"glosses": "3SG-go-PST"}, {"glosses": "3.SG-go-PAST house"}, {"glosses": "3SG-see"})
    result = run(["-q", "--tags"], stdin)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["tag\tcount\tlikely variants", "3SG\t2\t3.SG 1", "PAST\t1\tPST 1"]


def test_cli_tagmap_maps_user_tags_back_to_the_models(tmp_path):
    tagmap = tmp_path / "tags.tsv"
    tagmap.write_text("3SG\t3.SG\nPST\tPAST\n", encoding="utf-8")
    result = run(["--tagmap", str(tagmap)], jsonl({"transcription": "a b", "glosses": "3.SG-go-PAST NMLZ"}))
    assert result.exit_code == 0, result.stderr
    assert output_records(result)[0]["glosses"] == "3SG-go-PST NMLZ"
    assert f"tag map {tagmap}: 2 tags mapped, 1 not in the map (passed through): NMLZ 1" in result.stderr


# --- real pipes -----------------------------------------------------------------------


def igt_clean(*args, **kwargs):
    return subprocess.run([str(BIN / "igt-clean"), *args], capture_output=True, **kwargs)


def test_pipe_head_exits_quietly(tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text(jsonl(*({"transcription": f"word {i}", "glosses": f"W {i}"} for i in range(60000))))
    with open(big, "rb") as stdin:
        pipeline = pipe_to_head(f"'{BIN / 'igt-clean'}'", stdin=stdin)
    assert pipeline.returncode in QUIET_PIPE_STATUSES, pipeline.stderr.decode()
    assert json.loads(pipeline.stdout)["transcription"] == "word 0"
    assert pipeline.stderr == b""


def test_pipe_sigpipe_not_a_traceback(tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text(jsonl(*({"transcription": f"word {i}"} for i in range(60000))))
    with open(big, "rb") as stdin:
        process = subprocess.Popen([str(BIN / "igt-clean")], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read()
        process.wait()
    assert process.returncode in (0, -signal.SIGPIPE)
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr


def test_pipe_clean_output_cleans_to_itself():
    first = igt_clean("-q", str(DATA / "odin_noise.txt"), str(DATA / "story.flextext"))
    assert first.returncode == 0, first.stderr
    second = igt_clean("-q", input=first.stdout)
    assert (second.returncode, second.stdout) == (0, first.stdout)


def test_pipe_invalid_utf8_one_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"transcription": "a"}\n{"transcription": "\xff"}\n')
    result = igt_clean(str(path))
    assert result.returncode == 1
    assert result.stderr.decode() == f"igt-clean: {path}:2: not valid UTF-8 (byte 20 of the line)\n"


# --- real data ----------------------------------------------------------------------


def test_real_sigmorphon_cleans(data_dir):
    files = sorted((data_dir / "sigmorphon2023").glob("*/*-track2-uncovered"))
    assert files
    cleaner = clean.Cleaner(clean.Options(language_map=str(data_dir / "odin" / "language_map.json")))
    blocks = sum(f.read_text(encoding="utf-8").count("\n\\t ") + f.read_text(encoding="utf-8").startswith("\\t ") for f in files)
    written = list(cleaner.run(files))
    audit = cleaner.audit
    assert audit.read == blocks
    assert audit.written == len(written) == audit.read - audit.duplicates
    assert {r["glottocode"] for r in written} == {
        "arap1274", "gitx1241", "lezg1247", "natu1246", "nyan1302", "dido1241", "uspa1245",
    }
    assert all(r["transcription"] for r in written)


def test_real_odin_uses_the_map_beside_it(data_dir):
    odin = data_dir / "odin"
    files = [odin / "abk.txt", odin / "und.txt", odin / "aer-are.txt"]
    result = run(["-q", *map(str, files)])
    assert result.exit_code == 0, result.stderr
    by_file = {}
    for record in output_records(result):
        by_file.setdefault(record["source"], set()).add(record["glottocode"])
    assert by_file["abk.txt"] == {"abkh1244"}
    assert by_file["und.txt"] == {None}
    assert by_file["aer-are.txt"] == {None}  # two languages in one file: no guess
    flagged = [r for r in output_records(result) if r.get("issues")]
    assert flagged and all(i.startswith("misaligned: ") for r in flagged for i in r["issues"])


def test_ids_keep_their_place_when_a_bad_record_is_skipped(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"transcription": "a"}\n{bad json\n{"transcription": "c"}\n', encoding="utf-8")
    result = run(["--quiet", "--skip-bad", str(path)])
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == ["s-1", "s-3"]
