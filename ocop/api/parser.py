"""The API's request parser: JSON bodies, query strings and form fields, refused when they carry characters no
text column can keep (NUL, or half of a UTF-16 pair that JSON's `\\ud800` escapes can produce), and JSON
bodies carrying a whole number beyond `ocop.core.numbers.MAX_DIGITS` digits."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from ninja.parser import Parser

from ocop.core.errors import Invalid
from ocop.core.numbers import out_of_range_message, too_large_in

_UNUSABLE = re.compile("[\x00\ud800-\udfff]")


def _unusable_at(value: Any, path: str = "") -> str | None:
    """The path of the first string (key or value) holding an unusable character, or None."""
    if isinstance(value, str):
        return (path or "?") if _UNUSABLE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _UNUSABLE.search(key):
                return path or "?"
            found = _unusable_at(item, where)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unusable_at(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _refuse_unusable(data: Any) -> Any:
    where = _unusable_at(data)
    if where is not None:
        raise Invalid(
            _("Trường «%(field)s» chứa ký tự không dùng được (ký tự NUL hoặc mã UTF-16 lẻ).")
            % {"field": _UNUSABLE.sub("", where)[:80]},
            code="invalid_characters",
        )
    return data


def _refuse_huge_numbers(data: Any) -> Any:
    if too_large_in(data):
        raise Invalid(out_of_range_message(), code="number_out_of_range")
    return data


class TextParser(Parser):
    def parse_body(self, request):
        return _refuse_huge_numbers(_refuse_unusable(super().parse_body(request)))

    def parse_querydict(self, data, list_fields, request):
        return _refuse_unusable(super().parse_querydict(data, list_fields, request))
