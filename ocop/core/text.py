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


# Vietnamese dictionary order: letters first (a ă â b c d đ e ê … ơ … ư …), then tones on the whole word
# (none, huyền, hỏi, ngã, sắc, nặng), so "Đắk Lắk" comes after every "D…" and "Bà" after "Ba" but before "Bác".
_ALPHABET = tuple("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET, start=20)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter (ă â ê ô ơ ư)


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A key for `sorted` that orders Vietnamese names as Vietnamese readers expect (unlike Python's code-point
    order, which puts "Đ" after "Z" and "Á" after "B"). Digits come before letters, other signs before both."""
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", (text or "").strip().lower()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if char in _SHAPES and letters:
            base = _ALPHABET[letters[-1] - 20] if letters[-1] >= 20 else ""
            shaped = unicodedata.normalize("NFC", base + char)
            if shaped in _LETTER_RANK:
                letters[-1] = _LETTER_RANK[shaped]
            continue
        if unicodedata.combining(char):
            continue
        if char in _LETTER_RANK:
            letters.append(_LETTER_RANK[char])
        elif char.isdigit():
            letters.append(10 + int(char) if char.isascii() else 19)
        elif char.isspace():
            letters.append(0)
        else:
            letters.append(1 if not char.isalpha() else 100 + ord(char))
        tones.append(0)
    return tuple(letters), tuple(tones), text or ""


ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when it was cut, so a reader knows there was more."""
    text = text or ""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS
