"""The import contract (`make layers`, scripts/check_layers.py) fails on an import that breaks the app order.

Each case copies the package's modules to a temporary folder, makes one deliberate break there and runs the
contract on the copy: it must fail and name the import that breaks it. The real tree is checked by
`make layers` itself (part of `make check` and CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_layers.py"


def run_contract(package_root: Path) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "PYTHONPATH": str(package_root),
        "DJANGO_SETTINGS_MODULE": "ocop.test_settings",
    }
    return subprocess.run(  # noqa: S603 (fixed command line)
        [sys.executable, str(SCRIPT)],
        cwd=package_root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def copy(tmp_path) -> Path:
    shutil.copytree(
        ROOT / "ocop",
        tmp_path / "ocop",
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "templates", "data", "*.mo"),
    )
    return tmp_path


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_copy_keeps_the_contract_before_any_break(copy):
    run = run_contract(copy)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


@pytest.mark.parametrize(
    ("module", "added", "reported"),
    [
        # A low app importing a higher one at module level.
        (
            "geo/selectors.py",
            "\nfrom ocop.producers.models import Producer  # noqa\n",
            "ocop.geo is not allowed to import ocop.producers",
        ),
        # The same inside a function: a lazy import is a dependency all the same.
        (
            "core/text.py",
            "\n\ndef _late():\n    from ocop.catalog import selectors  # noqa\n",
            "ocop.core is not allowed to import ocop.catalog",
        ),
        # The API plumbing is below the apps; importing the top app (which mounts every router) is refused.
        (
            "products/api.py",
            "\nfrom ocop.api import urls  # noqa\n",
            "ocop.products is not allowed to import ocop.api",
        ),
        # ocop/celery.py is the workers' entry point: nothing imports it, the web sends runs by name.
        (
            "tasks/runner.py",
            "\n\ndef _worker_task():\n    from ocop.celery import execute_run  # noqa\n",
            "ocop.tasks is not allowed to import ocop.celery",
        ),
    ],
    ids=["upward-at-top", "upward-in-a-function", "app-imports-api", "imports-celery-entry-point"],
)
def test_an_upward_import_breaks_the_contract(copy, module, added, reported):
    append(copy / "ocop" / module, added)
    run = run_contract(copy)
    assert run.returncode == 1, run.stdout + run.stderr
    assert reported in run.stdout
    assert "0 kept, 1 broken" in run.stdout


def test_a_module_without_a_place_in_the_contract_breaks_it(copy):
    (copy / "ocop" / "helpers.py").write_text('"""Shared odds and ends."""\n', encoding="utf-8")
    run = run_contract(copy)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "ocop.helpers" in run.stdout


def test_the_app_order_comes_from_installed_apps(copy):
    """Moving an app in INSTALLED_APPS moves it in the contract: tasks placed below accounts (whose policies
    it uses to scope the runs an officer sees) breaks it."""
    settings_file = copy / "ocop" / "settings.py"
    text = settings_file.read_text(encoding="utf-8")
    assert '    "ocop.accounts",\n    "ocop.tasks",\n' in text
    settings_file.write_text(
        text.replace(
            '    "ocop.accounts",\n    "ocop.tasks",\n', '    "ocop.tasks",\n    "ocop.accounts",\n'
        ),
        encoding="utf-8",
    )
    run = run_contract(copy)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "ocop.tasks is not allowed to import ocop.accounts" in run.stdout
