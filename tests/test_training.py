"""training/: the recipes' helper that reads score JSON (figures.py), and the languages' table
(languages.tsv) as the Makefile and the Python scripts read it."""

import ast
import importlib
import importlib.util
import json
import shutil
import subprocess
import re
import sys

import pytest

from conftest import ROOT

FIGURES = [sys.executable, str(ROOT / "training" / "figures.py")]


def figures(*args, stdin=None):
    return subprocess.run([*FIGURES, *map(str, args)], input=stdin, capture_output=True, text=True)


def test_figures_fills_a_template_from_a_file_or_stdin(tmp_path):
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({"all": {"mer": 0.123456, "f1": None, "n": 7, "ok": True}}))
    done = figures("{all.mer:.4f} {all.mer} {all.f1:.4f} {all.n:.1f} {all.ok} {all.nothing}", scores)
    assert (done.returncode, done.stdout) == (0, "0.1235 0.123456 - 7.0 True -\n")
    assert figures("{all.n}", stdin=scores.read_text()).stdout == "7\n"
    log = tmp_path / "log.jsonl"
    log.write_text('{"elapsed_s": 1.5}\n{"elapsed_s": 12.5}\n\n')
    assert figures("{elapsed_s:.0f}", log).stdout == "12\n"  # the last line; .0f rounds half to even


def test_figures_makes_table_rows_and_skips_missing_files_when_asked(tmp_path):
    scores = tmp_path / "lora.50.scores.json"
    scores.write_text(json.dumps({"all": {"mer": 0.5}}))
    assert figures("--optional", "--prefix", "lora\t50", "{all.mer:.2f}", scores).stdout == "lora\t50\t0.50\n"
    missing = figures("--optional", "--prefix", "full\t50", "{all.mer}", tmp_path / "full.50.scores.json")
    assert (missing.returncode, missing.stdout) == (0, "")
    absent = figures("{all.mer}", tmp_path / "full.50.scores.json")
    assert absent.returncode == 1 and absent.stderr.startswith("figures.py: ")
    assert figures("{x}", stdin="not json").returncode == 1
    assert figures().returncode == 2


def _table():
    lines = (ROOT / "training" / "languages.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith(("#", "language\t"))]


def test_the_languages_table_has_each_language_once_with_its_data_files():
    rows = _table()
    assert all(len(row) == 5 and row[4] in ("yes", "no") for row in rows)
    assert len({row[0] for row in rows}) == len({row[1] for row in rows}) == len({row[2] for row in rows}) == len(rows)
    assert [row[0] for row in rows if row[4] == "no"] == ["Arapaho"]


def _dry_run(tmp_path, *arguments):
    """What `make -n -C training ARGUMENTS WORK=tmp_path DATA=/data` would run, each continued line
    joined to the one before by one space."""
    done = subprocess.run(["make", "-n", "-C", str(ROOT / "training"), *arguments, f"WORK={tmp_path}", "DATA=/data"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return re.sub(r"[ \t]*\\\n\s*", " ", done.stdout)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_makefile_cleans_each_language_as_the_table_says(tmp_path):
    commands = _dry_run(tmp_path, "records")
    for language, prefix, glottocode, metalanguage, train in _table():
        for split in ("train", "dev") if train == "yes" else ("dev",):
            expected = (f"--language {language} --glottocode {glottocode} --metalanguage {metalanguage} "
                        f"/data/sigmorphon2023/{language}/{prefix}-{split}-track2-uncovered > "
                        f"{tmp_path}/records/{language}.{split}.jsonl")
            assert expected in commands, expected


def _igt_tools_imports(path):
    """(module, name or None) of each `import igt_tools...` and `from igt_tools... import name` of a script."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names if alias.name.split(".")[0] == "igt_tools")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "igt_tools":
            yield from ((node.module, alias.name) for alias in node.names)


@pytest.mark.parametrize("folder", ["training", "benchmarks"])
def test_the_recipe_scripts_import_only_what_the_package_has(folder):
    """A script that runs only in a long recipe must not find out there that a module moved."""
    from igt_tools.cli.model_stack import MODEL_STACK

    missing = []
    for path in sorted((ROOT / folder).glob("*.py")):
        for module, name in _igt_tools_imports(path):
            if importlib.util.find_spec(module) is None:
                missing.append(f"{path.name}: {module}")
                continue
            try:
                loaded = importlib.import_module(module)
            except ModuleNotFoundError as err:
                if (err.name or "").split(".")[0] in MODEL_STACK:
                    continue  # a model module, not importable without the [train] extra: checked where it is
                raise
            if name is None or hasattr(loaded, name):
                continue
            if not hasattr(loaded, "__path__") or importlib.util.find_spec(f"{module}.{name}") is None:
                missing.append(f"{path.name}: {module}.{name}")
    assert not missing


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_default_model_is_one_target_whose_stages_start_each_from_the_one_before(tmp_path):
    ship = tmp_path / "ship"
    commands = _dry_run(tmp_path, "default-model", "MODEL=models/word", f"DEFAULT_SHIP={ship}")
    stages = [line.split() for line in commands.splitlines() if line.strip().startswith("igt-train")]
    context = tmp_path / "context"

    def option(words, name):
        return words[words.index(name) + 1]

    assert [(option(s, "--model"), option(s, "--out"), option(s, "--lr"), option(s, "--threads")) for s in stages] == [
        (str(ROOT / "models" / "word"), f"{context}/default-1", "5e-4", "2"),
        (f"{context}/default-1", f"{context}/default-2", "3e-4", "2"),
        (f"{context}/default-2", f"{context}/default-3", "2e-4", "1"),
    ]
    assert [option(s, "--max-minutes") for s in stages] == ["105", "115", "85"]
    assert f"cp {context}/default-3.log {ship}/train-3.log" in commands
    # the folder's calibration was fitted on the model it replaces
    assert f"rm -f {ship}/regressions.csv {ship}/lang_perplexities.csv" in commands


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_default_model_is_calibrated_on_its_perplexity_with_the_lexicon_igt_gloss_had(tmp_path):
    lines = _dry_run(tmp_path, "default-calibration", "DEFAULT_MODEL=models/other").splitlines()
    model, lexicon = str(ROOT / "models" / "other"), f"{tmp_path}/lexicon.jsonl"
    (score,) = [line.split(" > ")[0].split() for line in lines if line.startswith("igt-score") and "--calibrate" in line]
    assert score[1:] == ["--model", model, "--lexicon", lexicon, "--calibrate", f"{tmp_path}/records/six.dev.jsonl",
                         f"{tmp_path}/gloss/six.default.jsonl"]
    glossing = [line for line in lines if line.startswith("igt-gloss")]
    assert glossing and all(f"--model {model} --device cpu --lexicon {lexicon}" in line for line in glossing)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_measures_the_default_model_as_a_user_runs_it_and_the_six_once(tmp_path):
    # `default` is igt-gloss with --model and --lexicon and nothing else; the six dev sets' file is
    # the six languages' outputs put together, not a second decoding of them
    commands = _dry_run(tmp_path, f"{tmp_path}/scores/six.default.json", f"{tmp_path}/scores/six.default-alone.json")
    glossing = [line.split(" > ")[0].split() for line in commands.splitlines() if line.startswith("igt-gloss")]
    model, lexicon = str(ROOT / "models" / "sigmorphon"), f"{tmp_path}/lexicon.jsonl"
    languages = [language for language, *_, train in _table() if train == "yes"]
    assert sorted(words[-1] for words in glossing) == sorted(
        f"{tmp_path}/records/{language}.dev.jsonl" for language in languages for _ in range(2))
    assert {tuple(words[1:-1]) for words in glossing} == {
        ("--model", model, "--device", "cpu", "--lexicon", lexicon),
        ("--model", model, "--device", "cpu", "--lexicon", lexicon, "--ask-model", "all", "--no-guess")}
    assert f"> {tmp_path}/gloss/six.default.jsonl" in commands


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_context_window_trains_both_forms_alike_but_for_the_sentence_shown(tmp_path):
    # the comparison is fair only if the two arms differ in --window and nothing else
    lines = _dry_run(tmp_path, "context-window", "CONTEXT_WINDOW=7").splitlines()
    # (the one-word arm is context-mix's, whose target also makes the corpora's examples)
    formats = [line.split("igt-format ")[1].split(" > ")[0].split(" 2> ")[0] for line in lines
               if "igt-format" in line and "corpora" not in line]
    today, wide = [f for f in formats if "--window" not in f], [f for f in formats if "--window 7" in f]
    assert len(today) == len(wide) == 3
    assert sorted(f.replace(" --window 7", "").replace("context-w7", "context") for f in wide) == sorted(today)
    runs = [line.split() for line in lines if line.strip().startswith("igt-train")]
    outs = [words[words.index("--out") + 1] for words in runs]
    assert sorted(outs) == sorted([f"{tmp_path}/context/mix-same", f"{tmp_path}/context-w7/mix-same"])
    settings = [[w.replace("context-w7", "context") for w in words if not w.startswith("$")] for words in runs]
    assert settings[0] == settings[1]


def test_context_data_chunks_cuts_each_language_into_small_lexicons_in_turn(tmp_path):
    # 250 records in chunks of 100 then 40 in turn: 100, 40, 100, and the last 10 (under MIN_CHUNK) left out
    records = tmp_path / "Tsez.train.jsonl"
    records.write_text("".join(json.dumps({"id": n}) + "\n" for n in range(250)), encoding="utf-8")
    script = str(ROOT / "training" / "context_data.py")
    for out in ("a", "b"):
        done = subprocess.run([sys.executable, script, "chunks", str(tmp_path / out), "100,40", "7", str(records)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    chunks = sorted((tmp_path / "a").iterdir())
    assert [c.name for c in chunks] == ["Tsez.001.jsonl", "Tsez.002.jsonl", "Tsez.003.jsonl"]
    ids = [[json.loads(line)["id"] for line in c.read_text(encoding="utf-8").splitlines()] for c in chunks]
    assert [len(i) for i in ids] == [100, 40, 100]
    assert len(set(sum(ids, []))) == 240 and sum(ids, []) != list(range(240))  # shuffled, none twice
    assert all(c.read_bytes() == (tmp_path / "b" / c.name).read_bytes() for c in chunks)  # the seed decides
