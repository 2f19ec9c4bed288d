"""The interleaved label round-trips on all of ../shared/data, or fails for a reported reason.

For every record (SIGMORPHON 2023 train and dev, ODIN) whose label can be
built, parse(make_label(segmentation, glosses)) must give back both tiers
(punctuation-only words dropped, as the label drops them), unless the record
falls in one of the classes the format cannot represent; each class is
checked here from the tiers themselves, not taken on the parser's word.
benchmarks/roundtrip_report.py prints the counts and examples.

And the real exports under formats/ (FLEx, Toolbox, CLDF; SOURCES.md there)
each read, merge back byte for byte (`igt-clean F | igt-format --into F`),
and take, all at once with --overwrite, a corrected gloss for every analysed
record and a new analysis for every unglossed one, which read back (but for
CANNOT_TAKE); CLDF datasets read as their bare tables too, and merged FLEx
files valid against FieldWorks' schema stay valid.
"""

import collections
import re
import shutil
from pathlib import Path

import pytest

from igt_tools.core import interleaved, tokens
from igt_tools.formats.cleaning import Cleaner, Options
from igt_tools.formats.sigmorphon import read_sigmorphon
from igt_tools.formats.merge.into import merge_into

# Measured (benchmarks/roundtrip_report.py): 63,310 of 63,484 labels round-trip, 174 do not.
# A change to the format that loses more than this is a regression.
MAX_FAILURES = {"sigmorphon2023": 0, "odin": 174}


def corpus_files(data_dir):
    return {
        "sigmorphon2023": sorted(data_dir.glob("sigmorphon2023/*/*-track2-uncovered")),
        "odin": sorted(data_dir.glob("odin/*.txt")),
    }


def boundaries_differ(segmentation, glosses):
    seg_words, gloss_words = tokens.words(segmentation), tokens.words(glosses)
    return any(
        [c for c in s if c in "-="] != [c for c in g if c in "-="] for s, g in zip(seg_words, gloss_words)
    )


def has_unbalanced_piece(segmentation, glosses):
    pieces = [t for morphs, gl, _ in interleaved.aligned_words(segmentation, glosses) for t in morphs + gl]
    return any(_depth_ok(t) is False for t in pieces)


def _depth_ok(text):
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("corpus", ["sigmorphon2023", "odin"])
def test_every_label_round_trips_or_is_a_reported_class(data_dir, corpus):
    files = corpus_files(data_dir)[corpus]
    assert files, f"no {corpus} files under {data_dir}"
    outcomes = collections.Counter()
    for path in files:
        for location, record in read_sigmorphon(str(path)):
            segmentation, glosses = record.get("segmentation") or "", record.get("glosses") or ""
            if not segmentation.strip() or not glosses.strip():
                outcomes["no tiers"] += 1
                continue
            try:
                label = interleaved.make_label(segmentation, glosses)
            except interleaved.Misaligned:
                outcomes["misaligned"] += 1
                continue
            back = interleaved.parse(label)
            expected = (" ".join(tokens.words(segmentation)), " ".join(tokens.words(glosses)))
            ok, why = interleaved.representable(segmentation, glosses)
            assert ok == ((back.segmentation, back.glosses) == expected), location
            if ok:
                outcomes["round-trip"] += 1
                continue
            outcomes["fail"] += 1
            # The reasons given must hold, and be one of the reported classes (never "unexplained").
            reasons = set(why.split("+"))
            assert reasons <= set(interleaved.UNREPRESENTABLE), (location, why)
            differ, unbalanced = boundaries_differ(segmentation, glosses), has_unbalanced_piece(segmentation, glosses)
            assert (interleaved.BOUNDARY_MISMATCH in reasons) == differ, location
            assert (interleaved.UNBALANCED_PARENTHESES in reasons) == unbalanced, location
            if not unbalanced:
                # Boundary symbols are all that is lost: the label keeps the glosses' ones.
                gloss_seps = [interleaved.split_keep(w)[1] for w in expected[1].split(" ")]
                seg_words = [interleaved.split_keep(w)[0] for w in expected[0].split(" ")]
                relabelled = " ".join(interleaved.join_keep(m, s) for m, s in zip(seg_words, gloss_seps))
                assert (back.segmentation, back.glosses) == (relabelled, expected[1]), location
    assert outcomes["round-trip"] > 0
    assert outcomes["fail"] <= MAX_FAILURES[corpus], outcomes


# --- real exports: FLEx, Toolbox and CLDF files read, merge back and take a correction ----------------

# Options only where the file's own bytes cannot tell: the Shoebox .db is Windows-1252, Gaua is text only.
EXPORT_OPTIONS = {
    "fmatter_unboxer_pem_txt_sb.db": {"encoding": "cp1252"},
    "CNRS-LACITO_Melanesia_Book-stories_Gaua.db": {"markers": "tv,mb,ge,ta"},
}
# Lines of invalid UTF-8 each file holds (SOURCES.md): read, reported, their bytes kept.
DAMAGED_LINES = {"CNRS-LACITO_HimalCo_KHASolmeLamalit.txt": 8}
EXPORT_COUNTS = {"flextext": 9, "toolbox": 8, "cldf": 4}


def _exports(data_dir, fmt):
    folder = data_dir / "formats" / fmt
    if fmt == "cldf":
        found = sorted(folder.glob("*/examples.csv"))
    else:
        found = sorted(p for p in folder.iterdir() if p.is_file())
    assert len(found) == EXPORT_COUNTS[fmt], found
    return found


def _clean(fmt, path, **options):
    return list(Cleaner(Options(fmt=fmt, **options)).run([str(path)]))


def _read_merged(fmt, data, original, folder, **options):
    """The merged file read back under the original's name (ids stay), beside copies of what was beside it."""
    shutil.copytree(Path(original).parent, folder, dirs_exist_ok=True)
    path = folder / Path(original).name
    written = folder / "examples.csv" if fmt == "cldf" else path  # a CLDF merge writes the table, also when given its metadata
    written.chmod(0o644)
    written.write_bytes(data)
    return {r["id"]: r for r in _clean(fmt, path, **options)}


# Records that cannot take a correction because of the file itself (the merge reports each).
CANNOT_TAKE = {
    ("CNRS-LACITO_HimalCo_KHASolmeLamalit.txt", "solme.055"): "its \\tx has no space after the marker (\\txʔûŋpo)",
}


def _corrected(record):
    """The record with the first gloss of its first word that is no punctuation changed."""
    words = record["glosses"].split()
    first = next(i for i, word in enumerate(words) if not tokens.is_droppable(word))
    pieces = re.split(r"([-=])", words[first])
    pieces[0] = "CORR"
    return dict(record, glosses=" ".join(words[:first] + ["".join(pieces)] + words[first + 1:]))


def _new_analysis(record):
    """An analysis for an unglossed record: each word (its own boundaries left out) a stem and a suffix."""
    words = [w.strip(".,;:!?\"'()«»“”¿¡").replace("-", "").replace("=", "") for w in (record.get("transcription") or "").split()]
    words = [w for w in words if re.search(r"\w", w)]
    return dict(record, segmentation=" ".join(f"{w}-a" for w in words), glosses=" ".join("X-PL" for _ in words))


def _correctable(records):
    """The records a correction can be checked on: one of a kind (one id, one transcription: merged,
    no two may become one, which igt-clean would drop as a duplicate), aligned, the same boundary
    symbols in both tiers (the merge writes the segmentation's)."""
    ids = collections.Counter(r["id"] for r in records)
    texts = collections.Counter(r.get("transcription") for r in records)
    for record in records:
        if ids[record["id"]] > 1 or texts[record.get("transcription")] > 1:
            continue
        if record.get("segmentation") and record.get("glosses") and not record.get("issues"):
            seg_words, gloss_words = record["segmentation"].split(), record["glosses"].split()
            if all(re.sub(r"[^-=]", "", s) == re.sub(r"[^-=]", "", g) for s, g in zip(seg_words, gloss_words)):
                yield _corrected(record)
        elif not record.get("segmentation") and re.search(r"\w", record.get("transcription") or ""):
            yield _new_analysis(record)


def _round_trip(fmt, path, tmp_path, **options):
    """The file's records; it merges back byte for byte, and takes every correction and new analysis at once."""
    records = _clean(fmt, path, **options)
    assert records, path
    original = (path.parent / "examples.csv" if fmt == "cldf" else path).read_bytes()
    assert merge_into(fmt, str(path), [(None, r) for r in records], "test", **options) == original, "not byte for byte"
    predictions = [p for p in _correctable(records) if (path.name, p["id"]) not in CANNOT_TAKE]
    assert predictions, path
    merged = merge_into(fmt, str(path), [(None, p) for p in predictions], "test", overwrite=True, **options)
    back = _read_merged(fmt, merged, path, tmp_path / "merged", **options)
    wrong = [p["id"] for p in predictions if (back[p["id"]].get("segmentation"), back[p["id"]].get("glosses")) != (p["segmentation"], p["glosses"])]
    assert not wrong, (path, f"{len(wrong)} of {len(predictions)} do not read back", wrong[:5])
    return records, original, merged


def _damaged_lines(data, encoding):
    return [line for line in data.split(b"\n") if not _decodes(line, encoding)]


def _decodes(line, encoding):
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("fmt", ["flextext", "toolbox"])
def test_every_flex_and_toolbox_export_reads_merges_back_and_takes_corrections(data_dir, fmt, tmp_path, capsys):
    for path in _exports(data_dir, fmt):
        capsys.readouterr()
        options = EXPORT_OPTIONS.get(path.name, {})
        records, original, merged = _round_trip(fmt, path, tmp_path / path.name, **options)
        reported = {line.split(": ")[1] for line in capsys.readouterr().err.splitlines() if "not valid UTF-8" in line}
        damaged = _damaged_lines(original, options.get("encoding", "utf-8"))
        assert len({place for place in reported if place.startswith(f"{path}:")}) == len(damaged) == DAMAGED_LINES.get(path.name, 0), path
        # A damaged line keeps its bytes, unless it is an analysis line the merge wrote anew.
        assert all(line in merged for line in damaged if not line.startswith((b"\\mb", b"\\ge"))), path
        if path.name == "CNRS-LACITO_Melanesia_Book-stories_Gaua.db":
            assert len(records) > 1000 and not any(r.get("segmentation") for r in records)


def test_every_cldf_dataset_reads_through_its_metadata_and_as_the_bare_table(data_dir, tmp_path):
    for table in _exports(data_dir, "cldf"):
        metadata = next(table.parent.glob("*.json"))
        through_metadata, _, _ = _round_trip("cldf", metadata, tmp_path / table.parent.name)
        bare = tmp_path / "bare" / table.parent.name / "examples.csv"
        bare.parent.mkdir(parents=True)
        shutil.copy(table, bare)
        for records in (through_metadata, _clean("cldf", bare)):
            assert records
            assert not any("\\t" in (r.get(t) or "") or "\t" in (r.get(t) or "") for r in records for t in ("segmentation", "glosses"))


def test_merged_flex_exports_valid_against_fieldworks_schema_stay_valid(data_dir):
    from lxml import etree  # the test extra's
    schema = etree.XMLSchema(etree.parse(str(data_dir.parent / "specs" / "FlexInterlinear.xsd")))
    valid = 0
    for path in _exports(data_dir, "flextext"):
        if not schema.validate(etree.parse(str(path))):
            continue
        valid += 1
        records = _clean("flextext", path)
        glossed = [r for r in records if r.get("segmentation") and r.get("glosses") and not r.get("issues")]
        predictions = [_corrected(r) for r in glossed] + [_new_analysis(r) for r in records if not r.get("segmentation")]
        merged = merge_into("flextext", str(path), [(None, r) for r in predictions], "test", overwrite=True)
        assert schema.validate(etree.fromstring(merged).getroottree()), (path, schema.error_log)
    assert valid >= 5
