"""The import contract: an app imports only the apps below it (docs/CONVENTIONS.md, "Layout").

The order of the apps is read from `INSTALLED_APPS` (lowest first), the one list a new app must be added to
anyway: placing it there places it in the contract, and the two cannot disagree. Around the apps sit the
modules of the project itself: the entry points (`urls`, `celery`, `wsgi`, `cli`, `test_settings`) on top,
where nothing may import them; `settings` under them, so no app reads it except through `django.conf`;
`config` (the declared settings) at the bottom. The contract is exhaustive: a module added directly under
`ocop/` fails it until it is given a place here, so nothing escapes the check.

Imports inside functions count as much as those at the top of a module: a lazy import is still a dependency.
`import-linter` (a dev dependency) checks it:

    python scripts/check_layers.py           # check; exit status 1 and each illegal import named on failure
    python scripts/check_layers.py --show    # print the contract it checks
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "ocop"
ENTRY_POINTS = ["urls", "celery", "wsgi", "cli", "test_settings"]
ABOVE_APPS = ["settings"]
BELOW_APPS = ["config"]


def app_layers() -> list[str]:
    """The project's apps, highest first, as INSTALLED_APPS lists them lowest first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{PACKAGE}.test_settings")
    from django.conf import settings

    apps = [name.split(".")[1] for name in settings.INSTALLED_APPS if name.startswith(f"{PACKAGE}.")]
    return list(reversed(apps))


def layers() -> list[str]:
    """Every layer, highest first; the entry points share the top and may not import one another."""
    return [" | ".join(ENTRY_POINTS), *ABOVE_APPS, *app_layers(), *BELOW_APPS]


def contract() -> str:
    lines = [
        "[importlinter]",
        f"root_package = {PACKAGE}",
        "",
        "[importlinter:contract:layers]",
        "name = An app imports only the apps below it in INSTALLED_APPS",
        "type = layers",
        f"containers = {PACKAGE}",
        "exhaustive = true",
        "layers =",
        *(f"    {layer}" for layer in layers()),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = contract()
    if "--show" in argv:
        print(text, end="")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "layers.ini"
        config.write_text(text, encoding="utf-8")
        run = subprocess.run(  # noqa: S603 (a fixed command line, no outside input)
            [str(Path(sys.executable).with_name("lint-imports")), str(config), "--no-cache", "--no-logo"],
            check=False,
        )
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
