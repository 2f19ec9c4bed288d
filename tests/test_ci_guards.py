"""The test suite's own guards: in CI a missing data folder or a broken torch fails instead of skipping."""

import re

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


def test_ci_runs_the_readme_test_command_with_the_pinned_versions():
    readme = (conftest.ROOT / "README.md").read_text(encoding="utf-8")
    ci = (conftest.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = readme.split("Run the tests", 1)[1].split("\n\n", 2)[1].strip()
    assert command.startswith(".venv/bin/python -m pytest") and command in ci.splitlines()
    assert ci.count("pip install") == ci.count("-c constraints.txt") == 2


def test_constraints_pin_every_package_setup_py_names():
    pinned = {}
    for line in (conftest.ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pinned[re.sub(r"[-_.]+", "-", name).lower()] = version
    setup = (conftest.ROOT / "setup.py").read_text(encoding="utf-8")
    required = re.findall(r'"([A-Za-z0-9_.-]+)(?:[<>=!~][^"]*)?"', setup.split("install_requires=", 1)[1].split("entry_points", 1)[0])
    names = {re.sub(r"[-_.]+", "-", name).lower() for name in required} - {"train", "test", "plot"}
    assert names and names <= set(pinned), names - set(pinned)
    assert pinned["torch"] == "2.13.0"
