"""igt-format --to latex: gb4e and expex examples, tags in small caps, everything escaped, and a real compile."""

import re
import shutil
import subprocess

import pytest

from conftest import jsonl, run_command
from hypothesis import given
from hypothesis import strategies as st

from igt_tools.commands.format import command
from igt_tools.formats.latex import STYLES, escape, gloss_word, write_latex

USP = {
    "id": "usp-1",
    "transcription": "o sey xtok rixoqiil",
    "segmentation": "o sey x-tok r-ixoqiil",
    "glosses": "CONJ sea COM-buscar E3S-esposa",
    "translation": "y fue a buscar su esposa",
}
SPECIALS = "#$%&~_^\\{}"
# Every character LaTeX treats specially, and a command that would run if one were not escaped.
HOSTILE = {
    "id": "evil_1",
    "transcription": r"a#b $c$ 50% &d ~e_f^g \typeout{PWNED} {h} [i] <j|k> //l",
    "segmentation": r"a#b $c$ 50% &d ~e_f^g \typeout{PWNED} {h} [i] <j|k> //l",
    "glosses": r"A#B $c$ 50% &D ~E_F^G \typeout{PWNED} {h} [I] <J|K> //L",
    "translation": r"\typeout{PWNED} \end{document} 100% of {x} costs $5 & ~_^ niño café",
}
BARE = {"id": 4, "transcription": "niños cantan", "translation": "children sing"}


# --- glosses and escaping -------------------------------------------------------------


@pytest.mark.parametrize(
    "gloss, latex",
    [
        ("3SG-go.PST", r"\textsc{3sg}-go.\textsc{pst}"),
        ("house", "house"),
        ("DET", r"\textsc{det}"),
        ("cat-PL", r"cat-\textsc{pl}"),
        ("Mary.NOM", r"Mary.\textsc{nom}"),
        ("1>3=Q", r"\textsc{1}\textgreater{}\textsc{3}=\textsc{q}"),
        ("come_out", r"come\_out"),  # lexical: as it is, escaped
        ("[UNK]", "{[}UNK{]}"),  # a placeholder, not a tag
        ("???", "???"),
    ],
)
def test_grammatical_tags_in_small_caps_lexical_glosses_as_they_are(gloss, latex):
    assert gloss_word(gloss) == latex


_ESCAPES = re.compile(r"\\text(?:backslash|asciitilde|asciicircum|less|greater|bar)\{\}|\\[#$%&_{}]|\{[\[\]/]\}")


def _unescape(latex):
    words = {"backslash": "\\", "asciitilde": "~", "asciicircum": "^", "less": "<", "greater": ">", "bar": "|"}
    return _ESCAPES.sub(lambda m: words[m.group()[5:-2]] if m.group().startswith("\\text") else m.group()[1], latex)


@given(st.text(alphabet=SPECIALS + "ab /[]<>|", max_size=40))
def test_escape_leaves_no_special_character_bare_and_loses_nothing(text):
    latex = escape(text)
    assert not set(_ESCAPES.sub("", latex)) & set(SPECIALS + "[]")
    assert "//" not in latex  # ends an expex line
    assert _unescape(latex) == text


# --- examples ---------------------------------------------------------------------


def test_gb4e_example():
    assert write_latex(USP) == (
        "\\begin{exe}\n"
        "\\ex\\label{usp-1}\n"
        "o sey xtok rixoqiil\\\\\n"
        "\\gll o sey x-tok r-ixoqiil\\\\\n"
        "\\textsc{conj} sea \\textsc{com}-buscar \\textsc{e3s}-esposa\\\\\n"
        "\\trans `y fue a buscar su esposa'\n"
        "\\end{exe}"
    )


def test_expex_example():
    assert write_latex(USP, "expex") == (
        "\\ex\\label{usp-1}\n"
        "\\begingl\n"
        "\\glpreamble o sey xtok rixoqiil//\n"
        "\\gla o sey x-tok r-ixoqiil//\n"
        "\\glb \\textsc{conj} sea \\textsc{com}-buscar \\textsc{e3s}-esposa//\n"
        "\\glft `y fue a buscar su esposa'//\n"
        "\\endgl\n"
        "\\xe"
    )


@pytest.mark.parametrize("style", STYLES)
def test_a_record_without_glosses_prints_its_line(style):
    latex = write_latex(BARE, style)
    assert "niños cantan" in latex and "`children sing'" in latex
    assert "gll" not in latex and "gla" not in latex


def test_without_a_segmentation_the_glosses_stand_under_the_transcription():
    latex = write_latex({"transcription": "o sey .", "glosses": "CONJ sea"})
    assert "\\gll o sey .\\\\\n\\textsc{conj} sea {}\\\\" in latex  # the full stop gets an empty gloss
    assert latex.count("o sey") == 1


def test_translation_quotes_are_not_doubled():
    assert "\\trans `y fue'" in write_latex(dict(USP, translation='"y fue"'))
    assert "\\trans `y fue'" in write_latex(dict(USP, translation="‘y fue’"))


def test_misaligned_record_is_written_with_a_comment_saying_where():
    latex = write_latex({"id": 2, "segmentation": "a-b c", "glosses": "A B"})
    assert latex.startswith("% misaligned: word 1 ('a-b' / 'A'): 2 morphemes but 1 glosses\n\\begin{exe}")


def test_labels_hold_only_what_latex_labels_can():
    assert "\\label{evil-1}" in write_latex(HOSTILE)
    assert "\\label" not in write_latex({"transcription": "a"})


# --- the command --------------------------------------------------------------------


def run(args, stdin=""):
    return run_command(command, args, stdin)


def test_to_latex_one_example_a_record_blank_lines_between():
    result = run(["--to", "latex"], jsonl(USP, BARE))
    assert result.exit_code == 0, result.output
    assert result.stdout == write_latex(USP) + "\n\n" + write_latex(BARE) + "\n"
    expex = run(["--to", "latex", "--latex-style", "expex"], jsonl(USP))
    assert expex.stdout == write_latex(USP, "expex") + "\n"


def test_latex_style_goes_with_to_latex():
    result = run(["--to", "aligned", "--latex-style", "expex"], jsonl(USP))
    assert result.exit_code == 2
    assert "--latex-style goes with --to latex" in result.output


# --- a real compile -------------------------------------------------------------------

INSTALL = "apt-get install texlive-latex-extra texlive-humanities (Debian and Ubuntu ship gb4e and expex in texlive-humanities)"


@pytest.mark.parametrize("style", STYLES)
def test_the_examples_compile(tmp_path, style):
    """pdflatex typesets every kind of record; hostile text is printed, never run."""
    if not shutil.which("pdflatex") or not shutil.which("kpsewhich"):
        pytest.skip(f"needs pdflatex: {INSTALL}")
    if not subprocess.run(["kpsewhich", f"{style}.sty"], capture_output=True, text=True).stdout.strip():
        pytest.skip(f"needs {style}.sty: {INSTALL}")
    records = [USP, HOSTILE, BARE, {"id": 2, "segmentation": "a-b c", "glosses": "A B"}, {"transcription": "o sey .", "glosses": "CONJ sea"}]
    body = "\n\n".join(write_latex(record, style) for record in records)
    # Not named after the style: \usepackage{expex} reads expex.tex, which must be the package's.
    (tmp_path / "examples.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{%s}\n\\begin{document}\n%s\n\\typeout{ALL-TYPESET}\n\\end{document}\n"
        % (style, body),
        encoding="utf-8",
    )
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "examples.tex"],
        cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=120,
    )
    log = (tmp_path / "examples.log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, log[-3000:]
    lines = log.splitlines()
    assert "ALL-TYPESET" in lines  # nothing in the examples ended the document early
    assert "PWNED" not in lines  # \typeout in the data was printed, not run
    assert (tmp_path / "examples.pdf").stat().st_size > 0
