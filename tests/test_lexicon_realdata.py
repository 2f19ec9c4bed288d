"""The lexicon and analogy on real data: the README's dev figures cannot break unnoticed.

The lexicon is the SIGMORPHON 2023 Tsez and Natugu training sets, glossed
onto their dev sets as `make -C training` does (measured there: Tsez MER
0.263 with the plain lexicon, 0.152 with analogy, 0.147 with analogy and
translation stems, the default; Natugu 0.428, 0.182 and 0.169. Tsez's 0.1516 and 0.1474 became
0.1507 and 0.1465 when the context chooser began weighing a word's punctuation by its analyses'
closing grams across the language (2026-12-07, chooser). With translation stems, Tsez
was 0.1477 and Natugu 0.1686 before translation stems leaned on the shipped English stem
shares (2026-12-07, later). Natugu was 0.201 and 0.188
before 2026-12-07, when analogy stopped writing an empty morpheme beside a hyphen a word is
written with (`wz--ngr-de`). Before 2026-12-06, night,
when translation stems began weighing a word's place, translation words glossing themselves
and analogy matching longer endings:
Tsez 0.153 and 0.150, Natugu 0.202 and 0.195).
"""

import json

import pytest
from click.testing import CliRunner

from conftest import shared_data
from igt_tools.commands.clean import command as clean
from igt_tools.commands.gloss import command as gloss
from igt_tools.commands.score import command as score

LANGUAGES = {"Tsez": ("ddo", "dido1241", 0.263, 0.1507, 0.1465), "Natugu": ("ntu", "natu1246", 0.428, 0.1816, 0.1691)}


def _clean(path, language, code, out):
    result = CliRunner().invoke(clean, ["--quiet", "--from", "sigmorphon", "--language", language,
                                        "--glottocode", code, "--metalanguage", "English", str(path)])
    assert result.exit_code == 0, result.stderr
    out.write_text(result.stdout, encoding="utf-8")
    return out


def _mer(options, dev):
    glossed = CliRunner().invoke(gloss, [*options, "-q", str(dev)])
    assert glossed.exit_code == 0, glossed.stderr
    scored = CliRunner().invoke(score, ["--quiet", str(dev)], input=glossed.stdout)
    assert scored.exit_code == 0, scored.stderr
    return json.loads(scored.stdout)["all"]["glossing"]["morphemes"]["error_rate"], glossed.stdout


@pytest.mark.parametrize("language", LANGUAGES)
def test_lexicon_and_analogy_keep_their_dev_figures(language, tmp_path):
    iso, code, plain_mer, analogy_mer, stems_mer = LANGUAGES[language]
    folder = shared_data() / "sigmorphon2023" / language
    train = _clean(folder / f"{iso}-train-track2-uncovered", language, code, tmp_path / "train.jsonl")
    dev = _clean(folder / f"{iso}-dev-track2-uncovered", language, code, tmp_path / "dev.jsonl")
    plain, _ = _mer(["--lexicon", str(train), "--choose", "frequent", "--no-guess"], dev)
    guessed, _ = _mer(["--lexicon", str(train), "--no-translation-stems"], dev)
    stems, output = _mer(["--lexicon", str(train)], dev)
    assert plain == pytest.approx(plain_mer, abs=0.0005)
    assert guessed == pytest.approx(analogy_mer, abs=0.0005)
    assert stems == pytest.approx(stems_mer, abs=0.0005)
    provenance = {p for line in output.splitlines() for p in json.loads(line)["provenance"]}
    assert provenance <= {"lexicon", "analogy", "none"} and "analogy" in provenance
