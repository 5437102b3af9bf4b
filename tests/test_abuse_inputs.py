"""The abuse corpus of issue 7 (item 2), where the upload, search and export tests of the apps leave gaps.

Already covered elsewhere (see the report of issue 7): executables, SVG, HTML, zip bombs, declared sizes,
entry counts and header-only huge images on dossier documents (tests/cycle/test_dossier_uploads.py); hostile
catalogue queries (tests/catalog/test_search.py, test_api.py, test_pages.py); `=` and `@` in the catalogue's
CSV/XLSX exports (tests/catalog/test_api.py). Here: 10,000 form fields, oversize strings, SQL/FTS syntax, NUL
bytes and lone surrogates in API and page inputs; every abuse case on product photos (API and page); PDFs with
JavaScript, polyglots, `../` and very long file names on dossier documents; all four formula starts in both
spreadsheet exports. Each is refused cleanly (a 4xx with a Vietnamese message, JSON on the API) or gives a
clean result, never a 500, and a refusal stores nothing. Every file is built here, in memory.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zlib

import pytest
from cycle_support import (
    EXE_BYTES,
    HTML_BYTES,
    SVG_BYTES,
    dossier_story,
    honey,
    honey_cooperative,
    image_bytes,
    pdf_bytes,
    png_claiming,
    stored_files,
)
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ocop.audit.models import AuditEvent
from ocop.cycle.models import Document
from ocop.producers.models import Producer
from ocop.products.models import Product, ProductPhoto
from tests.council_support import council_backs

# Files and keys in a folder of each test; the cache (rate limits) is cleared for every test by tests/conftest.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_files")]

MEGABYTE_TEXT = "ạ" * (1024 * 1024 // 3)  # about 1 MB once encoded
HOSTILE_TEXTS = [
    "' OR 1=1 --",
    "'; DROP TABLE products_product; --",
    '"',
    '"mật ong',
    "NEAR(mat ong)",
    "mat*",
    "*",
    ")",
    "name_text: mat",
    "%_%",
    "\\",
]


def as_json(client, method, path, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(client, method)(path, data, content_type="application/json", **headers)


def assert_clean_api_refusal(response, *, status: int | None = None) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    if status is not None:
        assert response.status_code == status, response.content[:300]
    body = response.json()
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"]
    return body


# -- 10,000 form fields --------------------------------------------------------------------------------------


def flood(count: int = 10_000) -> dict[str, str]:
    return {f"field{i}": "x" for i in range(count)}


def test_ten_thousand_fields_on_the_login_page_give_a_clean_400(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "producer", "password": "x", **flood()})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "Yêu cầu không hợp lệ" in text and "Traceback" not in text
    assert "_auth_user_id" not in client.session


def test_ten_thousand_fields_on_a_page_form_store_nothing(client, cast, login):
    honey_cooperative(cast)
    login(cast.producer_user)
    response = client.post(
        reverse("products:create"), {"name": "Mật ong", "product_set": "2.2", "ip_status": "none", **flood()}
    )
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert Product.objects.count() == 0


def test_ten_thousand_fields_on_an_api_upload_are_a_json_400(client, cast, api_token):
    story = dossier_story(cast, until="draft", complete=False)
    response = client.post(
        f"/api/v1/dossiers/{story.dossier.pk}/documents",
        {"item": "registration_form", "file": SimpleUploadedFile("a.pdf", pdf_bytes()), **flood()},
        **api_token(cast.producer_user),
    )
    assert_clean_api_refusal(response, status=400)
    assert Document.objects.count() == 0


def test_ten_thousand_keys_in_a_json_body_are_refused_or_ignored(client, cast, api_token):
    honey_cooperative(cast)
    body = {"name": "Mật ong", "product_set": "2.2", "description": "", **flood()}
    response = as_json(client, "post", "/api/v1/products", body, **api_token(cast.producer_user))
    assert response.status_code in (201, 400), response.content[:300]
    assert Product.objects.count() == (1 if response.status_code == 201 else 0)


# -- oversize strings, SQL and full-text syntax, NUL bytes, lone surrogates -----------------------------------

BAD_TEXTS = [
    pytest.param(MEGABYTE_TEXT, id="1 MB"),
    pytest.param("x" * 100_000, id="100k chars"),
    pytest.param("Mật ong\x00", id="NUL byte"),
    pytest.param("Mật \udc80ong", id="lone surrogate"),
]
# A form post is URL-encoded UTF-8: a lone surrogate cannot be sent, Django decodes bytes with replacement.
PAGE_BAD_TEXTS = BAD_TEXTS[:3]


def producer_body(name: str) -> dict:
    return {"name": name, "legal_form": "cooperative", "commune": "07798", "tax_code": "2400999999"}


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_bad_product_names_are_refused_and_nothing_is_stored(client, cast, api_token, text):
    honey_cooperative(cast)
    token = api_token(cast.producer_user)
    response = as_json(
        client, "post", "/api/v1/products", {"name": text, "product_set": "2.2", "description": ""}, **token
    )
    assert_clean_api_refusal(response, status=400)
    assert Product.objects.count() == 0


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_bad_text_in_a_product_edit_changes_nothing(client, cast, api_token, text):
    product = honey(honey_cooperative(cast))
    before = Product.objects.values().get(pk=product.pk)
    for field in ("name", "description", "story"):
        response = as_json(
            client, "patch", f"/api/v1/products/{product.pk}", {field: text}, **api_token(cast.producer_user)
        )
        assert_clean_api_refusal(response, status=400)
    assert Product.objects.values().get(pk=product.pk) == before


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_bad_producer_names_are_refused_and_nothing_is_stored(client, cast, api_token, text):
    response = as_json(
        client, "post", "/api/v1/producers", producer_body(text), **api_token(cast.commune_officer)
    )
    assert_clean_api_refusal(response, status=400)
    assert Producer.objects.count() == 0


LONE_SURROGATE = '{"name": "M\\ud800t ong", "product_set": "2.2", "description": ""}'


def test_a_lone_surrogate_in_json_is_refused_and_nothing_is_stored(client, cast, api_token):
    honey_cooperative(cast)
    token = api_token(cast.producer_user)
    response = as_json(client, "post", "/api/v1/products", LONE_SURROGATE, **token)
    assert_clean_api_refusal(response, status=400)
    surrogate_producer = '{"name": "HTX \\udfff", "legal_form": "cooperative", "commune": "07798"}'
    response = as_json(
        client, "post", "/api/v1/producers", surrogate_producer, **api_token(cast.commune_officer)
    )
    assert_clean_api_refusal(response, status=400)
    assert Product.objects.count() == 0 and Producer.objects.count() == 1


def test_invalid_utf8_and_broken_json_are_refused(client, cast, api_token):
    honey_cooperative(cast)
    token = api_token(cast.producer_user)
    for raw in (b'{"name": "\xff\xfe", "product_set": "2.2"}', b'{"name": ', b"\x00" * 64, b"[]" * 1000):
        body = assert_clean_api_refusal(as_json(client, "post", "/api/v1/products", raw, **token), status=400)
        assert body["code"] == "bad_json" and "JSON hợp lệ" in body["message"]
    assert Product.objects.count() == 0


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_sql_and_search_syntax_in_names_is_kept_as_plain_text(client, cast, api_token, text):
    honey_cooperative(cast)
    token = api_token(cast.producer_user)
    response = as_json(
        client, "post", "/api/v1/products", {"name": text, "product_set": "2.2", "description": ""}, **token
    )
    if response.status_code == 201:
        assert Product.objects.get(pk=response.json()["id"]).name == text.strip()
    else:
        assert_clean_api_refusal(response, status=400)
        assert Product.objects.count() == 0


SEARCHES = [
    "/api/v1/products",
    "/api/v1/producers",
    "/api/v1/units",
    "/api/v1/catalog/products",
]


@pytest.mark.parametrize("path", SEARCHES)
def test_search_inputs_never_fail(client, cast, api_token, path):
    product = honey(honey_cooperative(cast))
    token = api_token(cast.commune_officer)
    before = (Product.objects.count(), Producer.objects.count())
    for text in [*HOSTILE_TEXTS, "\x00", "mat\x00ong", "x" * 100_000, "ạ" * 10_000]:
        response = client.get(path, {"q": text}, **token)
        if response.status_code == 200:
            assert response.json()["count"] >= 0
        else:
            assert_clean_api_refusal(response)
    assert (Product.objects.count(), Producer.objects.count()) == before
    assert Product.objects.get(pk=product.pk).name == "Mật ong hoa vải Vân Hà"


PAGE_SEARCHES = [
    ("producers:list", "commune_officer"),
    ("catalog:search", None),
]


@pytest.mark.parametrize(("name", "who"), PAGE_SEARCHES)
def test_page_search_inputs_never_fail(client, cast, login, name, who):
    honey(honey_cooperative(cast))
    if who:
        login(getattr(cast, who))
    for text in [*HOSTILE_TEXTS, "\x00", "mat\x00ong", "x" * 100_000]:
        response = client.get(reverse(name), {"q": text})
        assert response.status_code in (200, 400), (text[:20], response.status_code)
        assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("text", PAGE_BAD_TEXTS)
def test_bad_text_on_the_product_page_form_is_refused_and_nothing_is_stored(client, cast, login, text):
    honey_cooperative(cast)
    login(cast.producer_user)
    response = client.post(
        reverse("products:create"),
        {"name": text, "product_set": _product_set_choice(), "ip_status": "none"},
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Product.objects.count() == 0


def _product_set_choice() -> str:
    from cycle_support import product_set

    return str(product_set().pk)


# -- product photos: every image abuse case, on the API and the page -----------------------------------------


def png_then(extra: bytes) -> bytes:
    """A valid PNG with something else glued after its last chunk (a polyglot)."""
    return image_bytes("PNG") + extra


PDF_WITH_JAVASCRIPT = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"3 0 obj << /S /JavaScript /JS (app.alert\\('pwned'\\)) >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
PDF_WITH_ESCAPED_JAVASCRIPT = PDF_WITH_JAVASCRIPT.replace(b"/JavaScript", b"/J#61vaScript").replace(
    b"/JS ", b"/J#53 "
)
PDF_LAUNCHING = PDF_WITH_JAVASCRIPT.replace(
    b"/S /JavaScript /JS (app.alert\\('pwned'\\))", b"/S /Launch /F (cmd.exe)"
)

PHOTO_REFUSALS = [
    # (case, file name, content, code)
    ("200-megapixel image", "anh.png", png_claiming(20_000, 10_000), "image_too_large"),
    ("svg with script", "anh.svg", SVG_BYTES, "file_svg"),
    ("svg named png", "anh.png", SVG_BYTES, "file_svg"),
    ("html renamed png", "anh.png", HTML_BYTES, "file_markup"),
    ("executable renamed jpg", "anh.jpg", EXE_BYTES, "file_executable"),
    ("pdf as a photo", "anh.pdf", pdf_bytes(), "file_type_not_allowed"),
    ("png with html glued on", "anh.png", png_then(HTML_BYTES), "file_active_content"),
    ("png with a script glued on", "anh.png", png_then(b"<script>alert(1)</script>"), "file_active_content"),
    ("jpeg header then html", "anh.jpg", b"\xff\xd8\xff\xe0" + HTML_BYTES, "image_invalid"),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "code"), PHOTO_REFUSALS, ids=[r[0] for r in PHOTO_REFUSALS]
)
def test_refused_photos_store_nothing_through_the_api(
    client, cast, api_token, settings, case, name, content, code
):
    product = honey(honey_cooperative(cast))
    before = Product.objects.values().get(pk=product.pk)
    response = client.post(
        f"/api/v1/products/{product.pk}/photos",
        {"file": SimpleUploadedFile(name, content), "kind": "photo"},
        **api_token(cast.producer_user),
    )
    body = assert_clean_api_refusal(response, status=400)
    assert body["code"] == code, body
    assert ProductPhoto.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []
    assert Product.objects.values().get(pk=product.pk) == before
    assert not AuditEvent.objects.filter(action__startswith="product.photo").exists()


@pytest.mark.parametrize(
    ("case", "name", "content", "code"), PHOTO_REFUSALS, ids=[r[0] for r in PHOTO_REFUSALS]
)
def test_refused_photos_store_nothing_through_the_page(
    client, cast, login, settings, case, name, content, code
):
    product = honey(honey_cooperative(cast))
    login(cast.producer_user)
    response = client.post(
        reverse("products:photo_add", args=[product.pk]),
        {"file": SimpleUploadedFile(name, content), "kind": "photo"},
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert ProductPhoto.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


# -- file names: `../` and very long names are data, never paths ---------------------------------------------

NAMES = [
    ("../../../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\phieu.pdf", "phieu.pdf"),
    ("/tmp/../phieu\x00.pdf", "phieu.pdf"),
    ("a" * 5000 + ".pdf", "a" * 146 + ".pdf"),
]


@pytest.mark.parametrize(("sent", "kept"), NAMES, ids=["dot-dot", "backslashes", "nul", "5000 chars"])
def test_hostile_file_names_are_kept_as_data_and_stored_under_generated_names(
    client, cast, api_token, settings, sent, kept
):
    story = dossier_story(cast, until="draft", complete=False)
    response = client.post(
        f"/api/v1/dossiers/{story.dossier.pk}/documents",
        {"item": "registration_form", "file": SimpleUploadedFile(sent, pdf_bytes())},
        **api_token(cast.producer_user),
    )
    assert response.status_code == 201, response.content[:300]
    document = Document.objects.get(pk=response.json()["id"])
    assert document.original_name == kept
    (stored,) = stored_files(settings.MEDIA_ROOT)
    assert stored.resolve().is_relative_to((settings.MEDIA_ROOT / "dossiers").resolve())
    assert len(stored.name) < 100 and "passwd" not in str(stored) and ".." not in document.file.name


# -- PDFs with JavaScript, polyglots on dossier documents ----------------------------------------------------


def pdf_with_object_stream(objects: bytes) -> bytes:
    """A PDF 1.5 whose objects sit in a Flate-compressed object stream, invisible to a plain byte search."""
    packed = zlib.compress(objects)
    return (
        b"%PDF-1.5\n1 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
        + str(len(packed)).encode()
        + b" >>\nstream\n"
        + packed
        + b"\nendstream\nendobj\ntrailer << /Root 2 0 R >>\n%%EOF\n"
    )


PDF_HIDING_JAVASCRIPT = pdf_with_object_stream(
    b"2 0 << /Type /Catalog /OpenAction << /S /JavaScript /JS (x) >> >>"
)

DOCUMENT_REFUSALS = [
    ("pdf hiding javascript in an object stream", "phieu.pdf", PDF_HIDING_JAVASCRIPT, "file_active_content"),
    ("pdf with javascript", "phieu.pdf", PDF_WITH_JAVASCRIPT, "file_active_content"),
    ("pdf with escaped javascript names", "phieu.pdf", PDF_WITH_ESCAPED_JAVASCRIPT, "file_active_content"),
    ("pdf launching a program", "phieu.pdf", PDF_LAUNCHING, "file_active_content"),
    ("pdf carrying an html page", "phieu.pdf", pdf_bytes() + HTML_BYTES, "file_active_content"),
    ("html page with a pdf header late", "phieu.pdf", HTML_BYTES + pdf_bytes(), "file_markup"),
    ("executable renamed pdf", "phieu.pdf", EXE_BYTES + pdf_bytes(), "file_executable"),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "code"), DOCUMENT_REFUSALS, ids=[r[0] for r in DOCUMENT_REFUSALS]
)
def test_active_content_in_documents_is_refused_and_nothing_stored(
    client, cast, api_token, settings, case, name, content, code
):
    story = dossier_story(cast, until="draft", complete=False)
    response = client.post(
        f"/api/v1/dossiers/{story.dossier.pk}/documents",
        {"item": "registration_form", "file": SimpleUploadedFile(name, content)},
        **api_token(cast.producer_user),
    )
    body = assert_clean_api_refusal(response, status=400)
    assert body["code"] == code, body
    assert Document.objects.count() == 0 and stored_files(settings.MEDIA_ROOT) == []


def test_a_pdf_with_a_plain_object_stream_is_accepted(client, cast, api_token):
    story = dossier_story(cast, until="draft", complete=False)
    response = client.post(
        f"/api/v1/dossiers/{story.dossier.pk}/documents",
        {
            "item": "registration_form",
            "file": SimpleUploadedFile("phieu.pdf", pdf_with_object_stream(b"2 0 << /Type /Catalog >>")),
        },
        **api_token(cast.producer_user),
    )
    assert response.status_code == 201, response.content


# -- exports: all four formula starts, in CSV and XLSX -------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]


@pytest.fixture
def formula_products(cast, django_capture_on_commit_callbacks):
    """Certified products whose names start like formulas, issued through the certification services."""
    from ocop.certification import services as certification

    producer = honey_cooperative(cast)
    products = [honey(producer, name=name) for name in FORMULAS]
    authority = certification.authority_create(actor=None, unit=cast.province)
    checker = _second_province_officer(cast)
    with django_capture_on_commit_callbacks(execute=True):
        council_backs(
            [(product, 3, None, None) for product in products],
            authority=authority,
            actor=cast.province_officer,
            day=timezone.localdate() - datetime.timedelta(days=2),
        )
        decision = certification.decision_create(
            actor=cast.province_officer,
            authority=authority,
            number="21/QĐ-UBND",
            date=timezone.localdate() - datetime.timedelta(days=2),
            signer="Chủ tịch UBND tỉnh",
            items=[(product, 3, None, None) for product in products],
        )
        certification.decision_approve(actor=checker, decision=decision)
    return products


def _second_province_officer(cast):
    from ocop.accounts.models import RoleKind
    from ocop.accounts.services import role_grant, user_create

    checker = user_create(
        actor=None, username="province2", password="mat-khau-thu-nghiem-2025", full_name="Lý Thị Duyệt"
    )
    role_grant(actor=None, user=checker, kind=RoleKind.PROVINCE_OFFICER, unit=cast.province)
    return checker


def test_csv_export_neutralises_every_formula_start(client, formula_products):
    response = client.get("/api/v1/catalog/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert {"'" + name for name in FORMULAS} <= set(cells)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r", "\0")) for cell in cells)


def test_xlsx_export_neutralises_every_formula_start(client, formula_products):
    response = client.get("/api/v1/catalog/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    values = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert {"'" + name for name in FORMULAS} <= values
    assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in values)
