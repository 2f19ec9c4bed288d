"""The committed man pages are exactly what the commands' --help texts render to."""

import pytest

from igt_tools.commands import NAMES
from igt_tools.commands.manpages import pages

from conftest import ROOT


@pytest.mark.parametrize("name", NAMES)
def test_man_page_matches_help(name):
    page = ROOT / "man" / f"igt-{name}.1"
    assert page.exists(), f"{page} missing: run python -m igt_tools.commands.manpages man"
    assert page.read_text(encoding="utf-8") == pages()[page.name], (
        f"{page} is out of date with --help: run python -m igt_tools.commands.manpages man"
    )



def test_an_examples_inner_indentation_survives_in_the_page():
    from igt_tools.cli.manpage import _paragraphs

    page = _paragraphs("Output:\n\n    {\"a\": 1,\n     \"b\": 2}\n    .dot first")
    assert page.endswith('.RS 4\n{"a": 1,\n "b": 2}\n\\&.dot first\n.RE\n.fi')
