import importlib
import os
import signal
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("IGT_SHARED_DATA", ROOT.parent / "shared" / "data"))


# CI sets IGT_REQUIRE_SHARED_DATA=1: there the data is beside the clone, so its absence is a failure, not a skip.
REQUIRE_SHARED_DATA = os.environ.get("IGT_REQUIRE_SHARED_DATA") == "1"


def shared_data():
    """The real-data folder, or skip the test with a clear reason (fail, when the data is required)."""
    if not SHARED_DATA.is_dir():
        message = f"real data not found at {SHARED_DATA} (set IGT_SHARED_DATA)"
        if REQUIRE_SHARED_DATA:
            pytest.fail(message + "; IGT_REQUIRE_SHARED_DATA=1 requires it", pytrace=False)
        pytest.skip(message)
    return SHARED_DATA


def import_installed(module, distribution=None):
    """Import `module`, skipping the test only when its distribution is not installed at all.

    Unlike pytest.importorskip, a package that is installed but fails to import
    (a broken torch build) is an error: it must not pass for a missing extra.
    """
    distribution = distribution or module.split(".")[0]
    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{distribution} is not installed (pip install -e '.[train]')", allow_module_level=True)
    return importlib.import_module(module)


@pytest.fixture
def data_dir():
    return shared_data()


# A filter that `| head` stops: exit 0, or killed by SIGPIPE (128 + 13), the Unix way to stop quietly.
QUIET_PIPE_STATUSES = (0, 128 + signal.SIGPIPE)


def pipe_to_head(command_line, **kwargs):
    """Run `COMMAND_LINE | head -1` in bash: head's stdout, the stderr of both, and the command's own status.

    Without this, the pipeline's status would be head's, whatever the command did.
    """
    script = f"{command_line} | head -1; exit ${{PIPESTATUS[0]}}"
    return subprocess.run(["bash", "-c", script], capture_output=True, **kwargs)
