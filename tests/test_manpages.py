"""The committed man pages are exactly what the commands' --help texts render to."""

import pytest

from igt_tools.cli.manpage import COMMANDS, load_command, render

from conftest import ROOT


@pytest.mark.parametrize("name", COMMANDS)
def test_man_page_matches_help(name):
    command = load_command(name)
    page = ROOT / "man" / f"{command.name}.1"
    assert page.exists(), f"{page} missing: run python -m igt_tools.cli.manpage man"
    assert page.read_text(encoding="utf-8") == render(command), (
        f"{page} is out of date with --help: run python -m igt_tools.cli.manpage man"
    )

