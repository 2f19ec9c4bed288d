import os
import signal
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("IGT_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared_data():
    """The real-data folder, or skip the test with a clear reason."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (set IGT_SHARED_DATA)")
    return SHARED_DATA


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
