"""Without torch (pip install -e . alone), the commands that need a model say what to install, in one line.

Each command runs in a process where importing torch (or peft) fails as if
it were not installed; the model-free work of igt-gloss (--lexicon) goes on.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from igt_tools.cli.model_stack import MODEL_STACK

ROOT = Path(__file__).resolve().parent.parent
# Block modules (comma-separated in argv[1]) as if not installed, then run igt-COMMAND (argv[2]) on the rest.
WITHOUT = """
import importlib, sys
blocked, command = sys.argv[1].split(","), sys.argv[2]
sys.modules.update({name: None for name in blocked})
del sys.argv[1:3]
importlib.import_module("igt_tools.commands." + command).main()
"""
RECORD = {"id": "r1", "transcription": "abc de", "segmentation": "a-bc de", "glosses": "X-Y Z", "glottocode": "toya1234"}


def run_without(blocked, command, *args, stdin=""):
    return subprocess.run([sys.executable, "-c", WITHOUT, ",".join(blocked), command, *map(str, args)],
                          input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def gold(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(RECORD) + "\n")
    return path


@pytest.mark.parametrize("command, args", [
    ("train", ["--init", "micro", "--out", "{tmp}/m"]),
    ("lora", ["--model", "models/demo", "--out", "{tmp}/a"]),
    ("gloss", ["--model", "models/demo"]),
    ("score", ["--model", "models/demo", "{gold}", "{gold}"]),
])
def test_without_torch_one_line_names_what_to_install(tmp_path, gold, command, args):
    args = [a.format(tmp=tmp_path, gold=gold) for a in args]
    result = run_without(["torch"], command, *args, stdin=json.dumps(RECORD) + "\n")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"igt-{command}: ") and "torch" in lines[0]
    assert lines[0].index("pip install torch") < lines[0].index("[train]")  # torch first, then the extra
    assert result.stdout == ""


def test_with_torch_but_not_the_extra_only_the_extra_is_named(gold):
    # the rest of the stack must really be here: only peft is blocked
    others = [name for name in MODEL_STACK if name != "peft" and importlib.util.find_spec(name) is None]
    if others:
        pytest.skip(f"needs {', '.join(others)} installed")
    result = run_without(["peft"], "gloss", "--model", "models/demo", stdin=json.dumps(RECORD) + "\n")
    assert result.returncode == 2
    assert "needs peft, not installed" in result.stderr and "pip install torch" not in result.stderr


def test_gloss_with_a_lexicon_alone_needs_no_torch(gold):
    result = run_without(MODEL_STACK, "gloss", "--lexicon", gold, "--quiet", gold)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["glosses"] == "X-Y Z"
