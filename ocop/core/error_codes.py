"""Every declared error code, read from each app's `errors.py`, and docs/errors.md written from them.

An app declares its codes in `ocop/<app>/errors.py` as an `ErrorCode` enum; a code raised by several apps is
declared once, by the lowest of them in the app order. An app may also list a catalogue of codes it keeps in
another form (`CATALOGUES`, e.g. the rubric issues). `python manage.py error_codes --write` (`make api-docs`)
refreshes docs/errors.md; tests/test_error_codes.py checks the source and the document against these.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings

from ocop.core.errors import ErrorCode

DOC = Path(settings.BASE_DIR) / "docs" / "errors.md"


def _modules():
    for config in apps.get_app_configs():
        name = f"{config.name}.errors"
        if config.name.startswith("ocop.") and find_spec(name) is not None:
            yield config, import_module(name)


def enums() -> list[type[ErrorCode]]:
    """The ErrorCode enums, in the app order (lowest first)."""
    found = []
    for _config, module in _modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ErrorCode)
                and value is not ErrorCode
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def declared() -> dict[str, ErrorCode]:
    return {member.value: member for enum in enums() for member in enum}


def catalogues() -> dict[str, dict[str, str]]:
    """Codes apps keep in another form: title → {code: description}."""
    found: dict[str, dict[str, str]] = {}
    for _config, module in _modules():
        found.update(getattr(module, "CATALOGUES", {}))
    return found


def issue_codes() -> set[str]:
    return {code for catalogue in catalogues().values() for code in catalogue}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")


def markdown() -> str:
    lines = [
        "# Error codes",
        "",
        'Every code the system answers with: the API\'s `{"code", "message"}` and the refusals pages show.',
        "Generated from the `ErrorCode` enum in each app's `errors.py` by `make api-docs`",
        "(`python manage.py error_codes --write`); do not edit by hand. tests/test_error_codes.py fails on a code",
        "raised in the source that no enum declares, and on this file when it differs from the enums.",
        "The message a client receives is in the request's language and may name the record; the code is stable.",
        "",
    ]
    for enum in enums():
        lines += [f"## {enum.__module__.split('.')[1]} (`{enum.__module__}.{enum.__name__}`)", ""]
        lines += ["| code | meaning |", "| --- | --- |"]
        lines += [f"| `{member.value}` | {_cell(member.description)} |" for member in enum]
        lines.append("")
    for title, catalogue in catalogues().items():
        lines += [f"## {title}", "", "| code | meaning |", "| --- | --- |"]
        lines += [f"| `{code}` | {_cell(text)} |" for code, text in sorted(catalogue.items())]
        lines.append("")
    return "\n".join(lines)
