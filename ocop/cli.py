"""The `ocop` command: friendly names for the project's management commands.

`ocop rubric validate FILE` runs `manage.py rubric validate FILE`; any other word is passed through, so
`ocop migrate` works too. Each app keeps its commands in its own `management/commands/`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")  # `ocop verify-qr` runs the `verify_qr` command
    execute_from_command_line(["ocop", *args])


if __name__ == "__main__":
    main()
