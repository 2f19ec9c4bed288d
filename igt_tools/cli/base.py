"""What every command shares: error handling, exit codes, common options.

A command module declares `command = igt_command("igt-xyz", ...)(function)`
and `main = entry_point(command)`; setup.py points console_scripts at `main`.
"""

import errno
import os
import signal
import sys
from pathlib import Path

import click

from ..core.errors import EXIT_DATA, EXIT_INTERRUPTED, EXIT_USAGE, DataError, MissingDependency
from ..core.io import BadRecords


class IgtCommand(click.Command):
    """A click command whose data errors become one line on stderr and exit status 1
    (a missing package: one line, exit status 2).

    Set IGT_DEBUG=1 to see the traceback instead.

    `description`: the long explanation (how the command works, its rules and
    figures) that the man page's DESCRIPTION gives after the help text, and
    --help leaves out. `option_details`: {"--option": what more the man page
    says of it}, so that each option's help stays one short line. An option
    declared hidden (an expert's) is left out of --help only: the epilog names
    it, and the man page has it in full.
    """

    def __init__(self, name, *args, description=None, option_details=None, **kwargs):
        super().__init__(name, *args, **kwargs)
        self.description = description
        self.option_details = dict(option_details or {})
        if description and not self.epilog:
            self.epilog = _man_pointer(name, [option_name(p) for p in self.params if getattr(p, "hidden", False)])

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
        except OSError as err:  # stdout on a full disk, a file that cannot be read or written
            if os.environ.get("IGT_DEBUG"):
                raise
            click.echo(f"{ctx.command_path}: {describe_os_error(err)}", err=True)
            _flush_or_drop()
            ctx.exit(EXIT_DATA)


def option_name(param):
    """The name an option is known by: its first long flag (--lexicon for -l, --lexicon)."""
    return next((opt for opt in param.opts if opt.startswith("--")), param.opts[0])


def _man_pointer(name, hidden):
    """The last line of --help: where every option, and how the command works, are explained."""
    where = f"All options, and how it works: man {name} (or man -l man/{name}.1)."
    return f"Also {', '.join(hidden)}. {where}" if hidden else where


# Errors that only writing gives: the output (stdout, when no file is named) could not be written.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def describe_os_error(err):
    """One line for an OSError: the file it names, or the output when it names none and is a write error."""
    reason = err.strerror or str(err)
    if err.filename is not None:
        return f"{err.filename}: {reason}"
    if err.errno in _WRITE_ERRNOS:
        return f"cannot write the output: {reason}"
    return reason


def _flush_or_drop():
    """The records written so far go out; or, when stdout is what failed, they are dropped quietly."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _drop_pending_output()


def _drop_pending_output():
    """Point stdout at /dev/null, so the output still buffered cannot fail again (and print a
    second report) when Python flushes it at exit: Python's own advice for a closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real stdout (tests capture it)
        pass


def igt_command(name, **kwargs):
    kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"], "max_content_width": 100})
    return click.command(name, cls=IgtCommand, **kwargs)


def entry_point(command):
    """The console_scripts function: Unix signal manners around click's main."""

    def main(argv=None):
        # `| head` closes the pipe: die quietly like any Unix filter.
        if hasattr(signal, "SIGPIPE"):
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        try:
            command.main(args=argv, prog_name=command.name, standalone_mode=True)
        finally:
            _flush_output(command.name)

    return main


def _flush_output(prog):
    """Flush stdout before Python does at exit, so that an output that cannot be written
    (a full disk) is one line and exit status 1, not an ignored exception and status 0."""
    try:
        sys.stdout.flush()
    except OSError as err:
        click.echo(f"{prog}: {describe_os_error(err)}", err=True)
        _drop_pending_output()
        sys.exit(EXIT_DATA)


def inputs_argument(f):
    return click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True, dir_okay=False), metavar="[FILE]...")(f)


def toolbox_markers(ctx, param, value):
    """Click callback of --markers: a Toolbox marker spec -> {tier: marker}, or None."""
    if value is None:
        return None
    from ..formats.toolbox import parse_markers

    try:
        return parse_markers(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def parse_shard(ctx, param, value):
    """Click callback of --shard: 'I/N' -> (I, N), or None."""
    if value is None:
        return None
    index, slash, count = value.partition("/")
    try:
        index, count = int(index), int(count)
    except ValueError:
        raise click.BadParameter("expected I/N, e.g. 0/4") from None
    if not slash or count < 1 or not 0 <= index < count:
        raise click.BadParameter("expected I/N with 0 <= I < N, e.g. 0/4")
    return index, count


def check_device(ctx, param, value):
    """Click callback of --device: auto, cpu, cuda or cuda:N."""
    if value in ("auto", "cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit()):
        return value
    raise click.BadParameter("expected auto, cpu, cuda or cuda:N")


def check_encoding(name):
    """A usage error unless Python knows the encoding."""
    import codecs

    try:
        codecs.lookup(name)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {name!r}", param_hint="--encoding") from None


def check_writable(path, option):
    """A one-line DataError now, before any input is read, when the file `option` names could not be written."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise DataError(f"cannot write {option}: no such folder {folder}", str(path))
    if path.is_dir():
        raise DataError(f"cannot write {option}: it is a folder", str(path))
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise DataError(f"cannot write {option}: permission denied", str(path))


def skip_bad_options(f):
    f = click.option(
        "--bad-out",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Write bad records here (implies --skip-bad).",
    )(f)
    f = click.option(
        "--skip-bad",
        is_flag=True,
        help="Go on past bad records, reporting each.",
    )(f)
    return f


def bad_records(prog, skip_bad, bad_out):
    return BadRecords(prog, skip=skip_bad, aside=bad_out)
