"""A man page rendered from a click command's own help texts, so the two cannot drift.

The pages are written by `python -m igt_tools.commands.manpages man`;
tests/test_manpages.py checks that the committed pages equal what this renders.
"""

import copy
import textwrap

import click

from .. import __version__
from .base import option_name

SEE_ALSO_SECTION = 1


def _roff(text):
    """Escape text for roff: backslashes, and lines that begin with a control character."""
    text = text.replace("\\", "\\e")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def _paragraphs(help_text):
    """click help text -> roff paragraphs; indented blocks (examples) kept verbatim."""
    out = []
    for block in click.unstyle(help_text or "").strip().split("\n\n"):
        if not block.strip() or block.strip() == "\b":
            continue
        lines = [l for l in block.split("\n") if l.strip() != "\b"]
        if all(l.startswith(" ") or not l.strip() for l in lines):
            # the block's own indentation goes, an example's inner indentation stays
            verbatim = textwrap.dedent("\n".join(l.rstrip() for l in lines))
            out.append(".PP\n.nf\n.RS 4\n" + _roff(verbatim) + "\n.RE\n.fi")
        else:
            out.append(".PP\n" + _roff("\n".join(l.strip() for l in lines)))
    return "\n".join(out)


def _full_help_record(option, ctx, detail):
    """(flags, text) of an option as the man page gives it: hidden (expert) ones too, and with
    the detail that --help leaves out, before the [default: ...] (click's, or one the help writes)."""
    full = copy.copy(option)
    full.hidden = False
    if detail:
        help_text, gap, default = (option.help or "").partition("  [")
        full.help = f"{help_text} {detail}".strip() + gap + default
    return full.get_help_record(ctx)


def render(command, family=()):
    """The roff text of one command's man page; `family`: the names of the commands it points to
    under SEE ALSO (itself left out)."""
    # The command's own context settings (its -h alias): as when it runs.
    ctx = click.Context(command, info_name=command.name, **command.context_settings)
    name = command.name
    summary = command.get_short_help_str(limit=200).rstrip(".")
    usage = " ".join(command.collect_usage_pieces(ctx))
    parts = [part for part in [
        f'.TH {name.upper()} 1 "" "igt-tools {__version__}" "igt-tools manual"',
        ".SH NAME",
        f"{_roff(name)} \\- {_roff(summary)}",
        ".SH SYNOPSIS",
        f".B {name}\n{_roff(usage)}",
        ".SH DESCRIPTION",
        _paragraphs(command.help),
        _paragraphs(getattr(command, "description", None)),
        ".SH OPTIONS",
    ] if part]
    details = getattr(command, "option_details", {})
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option):
            continue
        flags, help_text = _full_help_record(param, ctx, details.get(option_name(param)))
        parts.append(f".TP\n.B {_roff(flags)}\n{_roff(click.unstyle(help_text)) or ' '}")
    parts.append(".SH EXIT STATUS\n0 success; 1 bad input data (one line on stderr names file and line);\n2 usage error; 130 interrupted.")
    others = [other for other in family if other != name]
    parts.append(".SH SEE ALSO\n" + ",\n".join(f".BR {o} ({SEE_ALSO_SECTION})" for o in others))
    return "\n".join(parts) + "\n"
