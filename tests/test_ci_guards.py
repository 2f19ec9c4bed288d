"""The test suite's own guards: in CI a missing data folder or a broken torch fails instead of skipping."""

import pytest

import conftest


def test_missing_shared_data_skips_by_default_and_fails_when_required(tmp_path, monkeypatch):
    monkeypatch.setattr(conftest, "SHARED_DATA", tmp_path / "absent")
    monkeypatch.setattr(conftest, "REQUIRE_SHARED_DATA", False)
    with pytest.raises(pytest.skip.Exception):
        conftest.shared_data()
    monkeypatch.setattr(conftest, "REQUIRE_SHARED_DATA", True)
    with pytest.raises(pytest.fail.Exception, match="IGT_REQUIRE_SHARED_DATA"):
        conftest.shared_data()


def test_an_installed_package_that_fails_to_import_is_an_error_not_a_skip():
    # pytest is installed; a module of it that cannot be imported stands for a broken torch build.
    with pytest.raises(ImportError):
        conftest.import_installed("pytest.no_such_module", "pytest")
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        conftest.import_installed("no_such_module", "no-such-distribution")
    assert conftest.import_installed("pytest").__name__ == "pytest"
