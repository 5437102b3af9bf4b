"""The one rule for user names (docs/accounts.md): what a name is stored as, and which names are refused.

A name is normalised (NFKC, surrounding spaces removed, lower case) when an account is created and when
someone signs in, so `Council1`, ` council1 ` and the full-width `ｃｏｕｎｃｉｌ１` are one name. After that it
must be made only of the declared characters: ASCII letters and digits, `.`, `_`, `-` and `@`, starting
with a letter or digit, 3 to 150 of them. Everything else is refused, which shuts out look-alikes (a Cyrillic
"о" in `cоuncil1`, a Greek "ο", zero-width characters) without a table of confusables to keep up to date.
Display names (`full_name`) are free Vietnamese text; only the sign-in name is restricted.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from ocop.core.errors import Invalid

ALLOWED = re.compile(r"[a-z0-9][a-z0-9._@-]{2,149}")


def normalise_username(raw):
    """The stored form of a user name (also Django's `User.normalize_username`); non-text passes through."""
    if not isinstance(raw, str):
        return raw
    return unicodedata.normalize("NFKC", raw).strip().lower()


def clean_username(raw: str | None) -> str:
    """The normalised name, or `Invalid` (code `username_invalid`) saying which characters are allowed."""
    name = normalise_username(raw or "")
    if not ALLOWED.fullmatch(name):
        raise Invalid(
            _(
                "Tên đăng nhập chỉ gồm chữ cái Latinh không dấu (a–z), chữ số và các dấu . _ - @, bắt đầu bằng chữ hoặc số, dài 3–150 ký tự."
            ),
            code="username_invalid",
        )
    return name
