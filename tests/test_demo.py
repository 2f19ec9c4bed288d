"""The embedded demo language: deterministic, varied, related within families, aligned, learnable-sized."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from igt_tools.core import tokens
from igt_tools.demo import (
    TooSmall,
    ambiguities,
    generate_language,
    generate_sentence,
    records,
    sentences,
    sigmorphon_text,
    statistics,
)
from igt_tools.demo.__main__ import command
from igt_tools.demo.phonology import Morph, apply_change, realize
from igt_tools.core.interleaved import make_label, parse
from igt_tools.core.record import CANONICAL_FIELDS

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [
    {"seed": 1},
    {"seed": 2},
    {"seed": 3, "family_seed": 7},
    {"seed": 4, "n_stems": 8, "n_affixes": 3},
    {"seed": 5, "n_stems": 60, "n_affixes": 14},
]


def _languages():
    return [generate_language(**kwargs) for kwargs in LANGUAGES]


# --- Determinism and variety ----------------------------------------------


def test_same_seed_same_language_and_sentences():
    assert generate_language(5) == generate_language(5)
    assert records(generate_language(5), 50) == records(generate_language(5), 50)
    assert generate_language(2, family_seed=9) == generate_language(2, family_seed=9)


def test_sentences_do_not_depend_on_hash_randomisation():
    script = "from igt_tools.demo import *; print(sigmorphon_text(records(generate_language(3, family_seed=4), 30)))"
    outputs = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        outputs.add(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout)
    assert len(outputs) == 1


def test_different_seeds_give_different_languages():
    one, two = generate_language(1), generate_language(2)
    assert one.code != two.code and one.name != two.name
    forms_one, forms_two = {s.form for s in one.stems}, {s.form for s in two.stems}
    assert len(forms_one & forms_two) < len(forms_one) / 2
    assert [r["transcription"] for r in records(one, 20)] != [r["transcription"] for r in records(two, 20)]


def test_size_knobs():
    language = generate_language(1, n_stems=20, n_affixes=5)
    assert len(language.stems) == 20
    assert len(language.affixes) == 5
    for max_words in (2, 4, 6):
        for _, sentence in sentences(generate_language(1), 200, max_words):
            assert 2 <= len(sentence.words) <= max_words


def test_a_language_too_small_for_the_corpus_says_so():
    tiny = generate_language(1, n_stems=8, n_affixes=1)
    with pytest.raises(TooSmall):
        sentences(tiny, 1000, max_words=2)


# --- Families ---------------------------------------------------------------


def test_family_members_share_stems_up_to_sound_change():
    members = [generate_language(seed, family_seed=7) for seed in (1, 2, 3)]
    proto = members[0].proto_stems
    assert proto and all(m.proto_stems == proto for m in members)
    assert len({m.code for m in members}) == 3
    for member in members:
        assert member.family == members[0].family
        assert [s.gloss for s in member.stems] == list(proto)
        assert list(member.affixes) == list(members[0].affixes)
        assert member.sound_changes
        for stem in member.stems:
            form = proto[stem.gloss]
            for change in member.sound_changes:
                form = apply_change(change, form, stem=True)
            assert stem.form == form
    # Related, not identical: each pair of sisters differs in some stems and shares most sounds.
    for a, b in zip(members, members[1:]):
        pairs = list(zip((s.form for s in a.stems), (s.form for s in b.stems)))
        assert any(x != y for x, y in pairs)
        same = sum(c == d for x, y in pairs for c, d in zip(x, y))
        assert same / sum(len(x) for x, _ in pairs) > 0.5


def test_family_members_are_unlike_an_unrelated_language():
    member, stranger = generate_language(1, family_seed=7), generate_language(1)
    assert member.code != stranger.code
    assert {s.form for s in member.stems} != {s.form for s in stranger.stems}


# --- The phonology ----------------------------------------------------------


@pytest.mark.parametrize(
    "morphs, hiatus, surface",
    [
        ((("pine", "stem"), ("ta", "suffix")), "elision", "pinete"),  # harmony: a -> e after a front stem
        ((("pine", "stem"), ("ku", "suffix")), "elision", "pineki"),  # harmony: u -> i
        ((("kato", "stem"), ("ta", "suffix")), "elision", "katota"),  # back stem: no change
        ((("kato", "stem"), ("an", "suffix")), "elision", "katan"),  # hiatus by elision
        ((("kato", "stem"), ("an", "suffix")), "glide", "katoyan"),  # hiatus by glide
        ((("kato", "stem"), ("k", "suffix"), ("ta", "suffix")), "elision", "katokuta"),  # epenthesis
        ((("pine", "stem"), ("k", "suffix"), ("ta", "suffix")), "elision", "pinekite"),  # harmonic epenthesis
        ((("an", "prefix"), ("pato", "stem")), "elision", "ampato"),  # nasal assimilation
        ((("an", "prefix"), ("kato", "stem")), "elision", "ankato"),  # no labial, no assimilation
        ((("pine", "stem"), ("k", "suffix"), ("ka", "clitic")), "elision", "pinekka"),  # clitics: no rules
    ],
)
def test_phonological_rules(morphs, hiatus, surface):
    assert realize([Morph(form, "x", kind) for form, kind in morphs], hiatus) == surface


@pytest.mark.parametrize("kwargs", LANGUAGES, ids=str)
def test_every_surface_word_has_one_analysis(kwargs):
    assert ambiguities(generate_language(**kwargs)) == {}


def test_surface_differs_from_segmentation_for_a_real_fraction_of_words():
    for seed in range(1, 6):
        language = generate_language(seed)
        figures = statistics(language, sentences(language, 500))
        assert 0.2 <= figures["words_changed_by_phonology"] <= 0.6, figures


# --- Sentences and records ---------------------------------------------------


@pytest.mark.parametrize("language", _languages(), ids=lambda language: language.code)
def test_tiers_are_aligned_and_consistent(language):
    for _, sentence in sentences(language, 300):
        label = make_label(sentence.segmentation, sentence.glosses)  # raises Misaligned
        parsed = parse(label)
        assert (parsed.segmentation, parsed.glosses, parsed.malformed) == (sentence.segmentation, sentence.glosses, 0)
        surfaces = [w.strip(".?").lower() for w in sentence.transcription.split()]
        assert surfaces == [surface for surface, _ in sentence.words]
        assert len(tokens.words(sentence.segmentation)) == len(surfaces)
        for gloss in tokens.morphemes(sentence.glosses):
            assert gloss == tokens.SEP or gloss.isupper() or gloss.islower()


def test_sentence_punctuation_and_translation_agree():
    language = generate_language(1)
    english_forms = {stem.gloss: stem.english for stem in language.stems}
    questions = 0
    for _, sentence in sentences(language, 300):
        end = sentence.transcription[-1]
        assert end in ".?" and sentence.translation.endswith(end)
        assert sentence.transcription[0].isupper() and sentence.translation[0].isupper()
        is_question = "=Q" in sentence.glosses
        assert (end == "?") == is_question
        questions += is_question
        english = set(sentence.translation.lower()[:-1].split())
        for _, word in sentence.words:
            stem = next(m for m in word.morphs if m.kind == "stem")
            assert english & set(english_forms[stem.gloss]), (stem.gloss, sentence.translation)
    assert questions


def test_records_have_the_canonical_fields():
    language = generate_language(1)
    out = records(language, 20)
    assert len({r["id"] for r in out}) == 20
    for record in out:
        assert tuple(record) == CANONICAL_FIELDS
        assert record["glottocode"] == language.code == "demo0001"
        assert record["metalanguage"] == "English" and record["metalang_glottocode"] == "stan1293"
        assert record["source"] == "igt-tools demo" and record["language"] == language.name


def test_sentence_index_alone_decides_the_sentence():
    language = generate_language(1)
    assert generate_sentence(language, 17) == generate_sentence(language, 17)
    assert generate_sentence(language, 17) != generate_sentence(language, 18)


# --- Output formats and the command line ---------------------------------------


def _blocks(text):
    assert text.endswith("\n\n") and "\n\n\n" not in text
    return [block.split("\n") for block in text[:-2].split("\n\n")]


def test_sigmorphon_text_is_well_formed():
    out = records(generate_language(1), 25)
    blocks = _blocks(sigmorphon_text(out))
    assert len(blocks) == 25
    for block, record in zip(blocks, out):
        assert block == [
            f"\\t {record['transcription']}",
            f"\\m {record['segmentation']}",
            f"\\g {record['glosses']}",
            f"\\l {record['translation']}",
        ]


def test_sigmorphon_text_reads_back(tmp_path):
    from igt_tools.formats import sigmorphon

    out = records(generate_language(2), 25)
    path = tmp_path / "demo.txt"
    path.write_text(sigmorphon_text(out), encoding="utf-8")
    read = [record for _, record in sigmorphon.read_sigmorphon(str(path))]
    fields = ("transcription", "segmentation", "glosses", "translation")
    assert [{f: r[f] for f in fields} for r in read] == [{f: r[f] for f in fields} for r in out]


def test_cli_writes_disjoint_splits(tmp_path):
    result = CliRunner().invoke(command, ["--seed", "3", "--split", "train:150,dev:30,test:20", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    transcriptions = {}
    for name, count in (("train", 150), ("dev", 30), ("test", 20)):
        blocks = _blocks((tmp_path / f"{name}.txt").read_text(encoding="utf-8"))
        assert len(blocks) == count
        transcriptions[name] = {block[0] for block in blocks}
        assert len(transcriptions[name]) == count
    assert not transcriptions["train"] & transcriptions["dev"]
    assert not transcriptions["train"] & transcriptions["test"]
    assert not transcriptions["dev"] & transcriptions["test"]


def test_cli_jsonl_splits_match_stdout(tmp_path):
    runner = CliRunner()
    result = runner.invoke(command, ["--format", "jsonl", "--split", "a:7,b:5", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    split = [json.loads(line) for name in "ab" for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()]
    stdout = [json.loads(line) for line in runner.invoke(command, ["--format", "jsonl", "--n", "12"]).output.splitlines()]
    assert split == stdout == records(generate_language(1), 12)


def test_cli_sigmorphon_on_stdout():
    result = CliRunner().invoke(command, ["--seed", "2", "--n", "5"])
    assert result.exit_code == 0
    assert result.output == sigmorphon_text(records(generate_language(2), 5))


def test_cli_stats_and_describe():
    result = CliRunner().invoke(command, ["--n", "300", "--stats"])
    figures = json.loads(result.output)
    assert figures["sentences"] == 300 and figures["distinct_morphemes"] == 44
    assert 0 < figures["words_changed_by_phonology"] < 1
    described = CliRunner().invoke(command, ["--describe", "--family-seed", "7"]).output
    assert "sound changes" in described and "nouns:" in described


@pytest.mark.parametrize(
    "args",
    [["--split", "train:10"], ["--out", "x"], ["--split", "train:ten", "--out", "x"], ["--n", "5", "--split", "a:3", "--out", "x"],
     ["--stems", "500"]],
)
def test_cli_usage_errors(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 2
    assert not Path("x").exists()


def test_cli_too_small_is_one_line_and_exit_1():
    result = CliRunner().invoke(command, ["--stems", "8", "--affixes", "1", "--max-words", "2", "--n", "500"])
    assert result.exit_code == 1
    assert "distinct sentences" in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_demo_imports_no_model_libraries():
    code = "import sys, igt_tools.demo.__main__; print(sorted({'torch', 'transformers'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"
