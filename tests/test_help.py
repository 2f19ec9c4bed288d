"""--help stays what a user types (at most 40 lines at 80 columns); the man page keeps every option."""

import re

import click
import pytest

from igt_tools.cli.base import option_name
from igt_tools.commands import NAMES, load

from conftest import ROOT, run_command

MOST_LINES = 40
COLUMNS = 80


def help_text(name):
    return run_command(load(name), ["--help"], exit_code=0, terminal_width=COLUMNS).output


def options(command):
    return [param for param in command.params if isinstance(param, click.Option)]


@pytest.mark.parametrize("name", NAMES)
def test_help_fits_a_screen(name):
    lines = help_text(name).splitlines()
    assert len(lines) <= MOST_LINES, f"igt-{name} --help: {len(lines)} lines; say the rest in manual.py"
    too_wide = [line for line in lines if len(line) > COLUMNS]
    assert not too_wide, f"igt-{name} --help: lines wider than {COLUMNS} columns: {too_wide}"


@pytest.mark.parametrize("name", NAMES)
def test_help_names_every_option_and_points_to_the_man_page(name):
    text = " ".join(help_text(name).split())  # the epilog wraps anywhere
    for option in options(load(name)):
        # The whole flag: `--dev` must not pass for being the start of `--device`.
        flag = re.escape(option_name(option))
        named = re.search(rf"(?<![\w-]){flag}(?![\w-])", text)
        assert named, f"igt-{name} --help never names {option_name(option)}"
    assert f"man igt-{name}" in text


@pytest.mark.parametrize("name", NAMES)
def test_the_man_page_has_every_option(name):
    page = (ROOT / "man" / f"igt-{name}.1").read_text(encoding="utf-8")
    # Each option is a tagged paragraph: .TP, then its flags in bold.
    listed = re.findall(r"^\.TP\n\.B (.*)$", page, flags=re.MULTILINE)
    flags = {flag for entry in listed for flag in re.findall(r"(?<![\w-])--?[\w-]+", entry)}
    for option in options(load(name)):
        for flag in option.opts + option.secondary_opts:
            assert flag in flags, f"man/igt-{name}.1 lacks {flag}"


@pytest.mark.parametrize("name", NAMES)
def test_each_option_detail_belongs_to_an_option(name):
    command = load(name)
    known = {option_name(option) for option in options(command)}
    assert set(command.option_details) <= known, set(command.option_details) - known


def test_a_hidden_option_is_in_full_in_the_man_page():
    gloss = load("gloss")
    hidden = [option for option in options(gloss) if option.hidden]
    assert hidden, "igt-gloss hides no option: pick another command for this test"
    page = (ROOT / "man" / "igt-gloss.1").read_text(encoding="utf-8")
    for option in hidden:
        assert option.help in page and gloss.option_details[option_name(option)][:40] in page
