import os
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
