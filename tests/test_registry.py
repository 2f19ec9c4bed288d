"""The format registry: one table, and what the commands offer follows from it."""

from igt_tools.commands import clean, format
from igt_tools.formats import registry
from igt_tools.formats.merge.into import MERGERS


def _choices(command, name):
    return next(p for p in command.params if p.name == name).type.choices


def test_the_options_offer_the_formats_of_the_table():
    assert tuple(_choices(clean.command, "fmt")) == registry.READABLE
    assert tuple(_choices(format.command, "writer")) == registry.WRITABLE
    assert set(registry.READABLE) == {"jsonl", "sigmorphon", "toolbox", "flextext", "cldf"}


def test_every_format_with_a_unit_has_a_merger_and_no_other():
    assert set(MERGERS) == set(registry.MERGEABLE) == {"flextext", "toolbox", "cldf"}


def test_every_file_ending_names_a_format_that_can_be_read():
    assert registry.EXTENSIONS[".tbx"] == "toolbox" and registry.EXTENSIONS[".csv"] == "cldf"
    assert all(name in registry.READABLE for name in registry.EXTENSIONS.values())
