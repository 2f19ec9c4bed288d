"""What every command shares: error handling, exit codes, common options.

A command module declares `command = igt_command("igt-xyz", ...)(function)`
and `main = entry_point(command)`; setup.py points console_scripts at `main`.
"""

import os
import signal

import click

from .errors import EXIT_DATA, EXIT_INTERRUPTED, EXIT_USAGE, DataError, MissingDependency
from .io import BadRecords


class IgtCommand(click.Command):
    """A click command whose data errors become one line on stderr and exit status 1
    (a missing package: one line, exit status 2).

    Set IGT_DEBUG=1 to see the traceback instead.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DataError as err:
            if os.environ.get("IGT_DEBUG"):
                raise
            click.echo(f"{ctx.command_path}: {err}", err=True)
            ctx.exit(EXIT_DATA)
        except MissingDependency as err:
            click.echo(f"{ctx.command_path}: {err}", err=True)
            ctx.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            ctx.exit(EXIT_INTERRUPTED)


def igt_command(name, **kwargs):
    kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"], "max_content_width": 100})
    return click.command(name, cls=IgtCommand, **kwargs)


def entry_point(command):
    """The console_scripts function: Unix signal manners around click's main."""

    def main(argv=None):
        # `| head` closes the pipe: die quietly like any Unix filter.
        if hasattr(signal, "SIGPIPE"):
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        command.main(args=argv, prog_name=command.name, standalone_mode=True)

    return main


def inputs_argument(f):
    return click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True, dir_okay=False), metavar="[FILE]...")(f)


def toolbox_markers(ctx, param, value):
    """Click callback of --markers: a Toolbox marker spec -> {tier: marker}, or None."""
    if value is None:
        return None
    from .formats.toolbox import parse_markers

    try:
        return parse_markers(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def check_encoding(name):
    """A usage error unless Python knows the encoding."""
    import codecs

    try:
        codecs.lookup(name)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {name!r}", param_hint="--encoding") from None


def skip_bad_options(f):
    f = click.option(
        "--bad-out",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Write the raw text of bad records to this file (implies --skip-bad).",
    )(f)
    f = click.option(
        "--skip-bad",
        is_flag=True,
        help="Report bad records on stderr and go on without them, instead of stopping at the first.",
    )(f)
    return f


def bad_records(prog, skip_bad, bad_out):
    return BadRecords(prog, skip=skip_bad, aside=bad_out)
