"""English, the second language: the hand-kept catalogue compiles, keeps every placeholder, has an entry for
every string the code marks for translation, and the public pages come out in English once it is chosen.

Vietnamese is the source language (each msgid is the Vietnamese text); the catalogue is
ocop/locale/en/LC_MESSAGES/django.po, compiled by `make install`.
"""

from __future__ import annotations

import ast
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import override_settings

from ocop.accounts.context_processors import NAVIGATION

SOURCE = Path(__file__).resolve().parent.parent / "ocop"
PO_FILE = SOURCE / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif]|%%")
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*")
# Raised with a literal Vietnamese message that DomainError.as_dict translates in the reader's language.
DOMAIN_ERRORS = {
    "DomainError",
    "Invalid",
    "NotFound",
    "Forbidden",
    "Conflict",
    "Unauthenticated",
    "RateLimited",
}


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale="en")


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _english() -> dict[str, object]:
    return {_key(message): message for message in _read(PO_FILE) if message.id}


def _forms(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _msgids_as_written() -> list[str]:
    """Every msgid in the file, duplicates included (reading with Babel keeps only the last one)."""
    ids, current = [], None
    for line in [*PO_FILE.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            current = [line[len("msgid ") :]]
        elif current is not None and line.startswith('"'):
            current.append(line)
        elif current is not None:
            ids.append("".join(part[1:-1] for part in current))
            current = None
    return ids


def test_the_english_catalogue_compiles_with_one_entry_per_text():
    ids = _msgids_as_written()
    assert len(ids) > 800
    assert sorted({text for text in ids if ids.count(text) > 1}) == []
    catalog = _read(PO_FILE)
    problems = [(_key(message), [str(error) for error in errors]) for message, errors in catalog.check()]
    assert problems == []
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert len(compiled.getvalue()) > 10_000


@pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="msgfmt is missing: install the Debian package gettext"
)
def test_msgfmt_accepts_the_english_catalogue(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_english_text_keeps_the_placeholders_and_the_markup_of_its_vietnamese_source():
    broken = []
    for message in _read(PO_FILE):
        if not message.id:
            continue
        sources = _forms(message.id)
        placeholders = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        markup = HTML_TAG.findall(sources[0])
        for text in _forms(message.string):
            same = sorted(set(PLACEHOLDER.findall(text))) == placeholders and HTML_TAG.findall(text) == markup
            if not text or not same:
                broken.append((sources[0], text or "empty"))
        if message.fuzzy:
            broken.append((sources[0], "fuzzy"))
    assert broken == []


def _extract(tmp_path: Path, monkeypatch) -> list:
    """Django's own extraction (makemessages: xgettext over the Python files, templatize over the templates)
    run on a copy of the code, so nothing is written next to the sources or into the project's catalogue."""
    shutil.copytree(
        SOURCE, tmp_path / "ocop", ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.pyc")
    )
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["en"], domain="django", verbosity=0)
    return [
        message for message in _read(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po") if message.id
    ]


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="xgettext is missing: install the Debian package gettext"
)
def test_every_string_marked_for_translation_in_the_code_has_an_english_entry(tmp_path, monkeypatch):
    marked = _extract(tmp_path, monkeypatch)
    assert len(marked) > 500  # the extraction really ran over the code and the templates
    english = _english()
    missing = [
        f"{message.locations[0][0]}:{message.locations[0][1]}  {_key(message)}"
        for message in marked
        if _key(message) not in english
    ]
    assert missing == [], "no English for:\n" + "\n".join(missing)
    wrong_plural = [
        _key(message)
        for message in marked
        if isinstance(message.id, tuple) != isinstance(english[_key(message)].id, tuple)
    ]
    assert wrong_plural == []


def _literal_domain_messages() -> dict[str, str]:
    found = {}
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in DOMAIN_ERRORS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found[first.value] = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
    return found


def test_texts_translated_only_when_shown_have_an_english_entry_too():
    """Navigation labels and domain errors raised with a literal message are not marked where they are
    written (extraction cannot see them) but go through gettext when shown."""
    english = _english()
    labels = [label for _capability, _url, label in NAVIGATION if label not in english]
    assert labels == []
    messages = _literal_domain_messages()
    assert len(messages) > 5
    assert [f"{where}  {text}" for text, where in messages.items() if text not in english] == []


def _choose_english(client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


@pytest.mark.django_db
def test_the_catalogue_home_reads_in_english(client):
    texts = [
        ("OCOP product search", "Tra cứu sản phẩm OCOP"),
        ("All products", "Tất cả sản phẩm"),
        ("Open data", "Dữ liệu mở"),
        ("By province or city", "Theo tỉnh, thành phố"),
        ("Search OCOP products", "Tìm sản phẩm OCOP"),
        ("products hold an OCOP certificate of 3 to 5 stars", "sản phẩm đạt chứng nhận OCOP"),
    ]
    vietnamese = client.get("/catalog/").content.decode()
    assert [english for english, source in texts if source not in vietnamese or english in vietnamese] == []

    _choose_english(client)

    page = client.get("/catalog/").content.decode()
    assert '<html lang="en">' in page
    assert [english for english, source in texts if english not in page or source in page] == []


@pytest.mark.django_db
def test_the_rubrics_list_reads_in_english(client):
    # Version titles and decisions are data (Vietnamese in both languages): compare whole cells and headings.
    texts = [
        ("<h1>Rubrics for evaluating and rating OCOP products</h1>", "<h1>Bộ tiêu chí đánh giá, phân hạng"),
        ('<th scope="col">In force</th>', '<th scope="col">Hiệu lực</th>'),
        ('<th scope="col">Decision</th>', '<th scope="col">Quyết định</th>'),
        ("<td>Not used for scoring yet</td>", "<td>Chưa dùng để chấm điểm</td>"),
    ]
    vietnamese = client.get("/rubrics/").content.decode()
    assert [english for english, source in texts if source not in vietnamese or english in vietnamese] == []

    _choose_english(client)

    page = client.get("/rubrics/").content.decode()
    assert [english for english, source in texts if english not in page or source in page] == []
