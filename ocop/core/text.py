"""Vietnamese text helpers: one folding rule for every search column and query."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]")


def nfc(text: str) -> str:
    """Store text in NFC: the same letter typed on two keyboards must compare equal."""
    return unicodedata.normalize("NFC", text or "").strip()


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map đ→d, so `mat ong` matches `Mật ong` and `dak lak` `Đắk Lắk`.

    FTS5's remove_diacritics and SQL `LIKE` do not fold đ, so every search column is folded here.
    """
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = _NOT_WORD.sub(" ", stripped.lower())
    return _SPACES.sub(" ", cleaned).strip()
