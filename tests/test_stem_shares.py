"""training/stem_shares.py: a metalanguage's stem shares, counted over many languages' records."""

import json
import subprocess
import sys

import conftest

sys.path.insert(0, str(conftest.ROOT / "training"))
import stem_shares  # noqa: E402

RECORDS = [
    {"metalanguage": "English", "glosses": "dog-PL run", "translation": "The dogs run, the dog ran."},
    {"glosses": "DET dog", "translation": "the dog"},  # ODIN's: no metalanguage named, English
    {"metalanguage": "Spanish", "glosses": "perro", "translation": "el perro"},  # another metalanguage
    {"metalanguage": "English", "glosses": "dog", "translation": None},  # no translation
]


def _write(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def test_each_record_counts_a_word_once_and_only_the_named_or_unnamed_metalanguage(tmp_path):
    in_translation, as_stem = stem_shares.count([_write(tmp_path)], "English")
    assert in_translation == {"the": 2, "dog": 2, "dogs": 1, "run": 1, "ran": 1}
    assert as_stem == {"dog": 2, "run": 1}  # "dogs" is no stem gloss's word, "DET" no stem gloss


def test_the_table_keeps_words_of_enough_records_most_frequent_first(tmp_path):
    out = subprocess.run([sys.executable, str(conftest.ROOT / "training" / "stem_shares.py"), "--min-records", "2",
                          str(_write(tmp_path))], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0].startswith("# English")
    assert lines[1:] == ["dog\t2\t2", "the\t2\t0"]
    # with every word kept, the more records first, then alphabetical (not alphabetical alone)
    out = subprocess.run([sys.executable, str(conftest.ROOT / "training" / "stem_shares.py"), "--min-records", "1",
                          str(_write(tmp_path))], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[1:] == ["dog\t2\t2", "the\t2\t0", "dogs\t1\t0", "ran\t1\t0", "run\t1\t1"]
