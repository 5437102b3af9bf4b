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

import office_samples
import pdf_samples
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
    tea_company,
)
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ocop.accounts.models import User
from ocop.accounts.services import user_create
from ocop.audit.models import AuditEvent
from ocop.core.errors import Invalid
from ocop.cycle.models import Document
from ocop.producers.models import Producer
from ocop.products.models import Product, ProductPhoto
from tests.council_support import council_backs
from tests.state_support import nothing_changes

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


def item_for(name: str) -> str:
    """A checklist item that accepts the file's kind, so a refusal is for its content."""
    return "test_results" if name.endswith(".xlsx") else "registration_form"


PDF_WITH_ESCAPED_JAVASCRIPT = pdf_samples.pdf_file(
    {1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> >>"},
    encode=lambda data: data,
    stream_dict=b"/Type /ObjStm",
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


DOCUMENT_REFUSALS = [
    (
        "pdf hiding javascript in an object stream",
        "phieu.pdf",
        pdf_samples.pdf_with(pdf_samples.with_open_action_script, object_streams=True),
        "file_active_content",
    ),
    (
        "pdf with javascript",
        "phieu.pdf",
        pdf_samples.pdf_with(pdf_samples.with_open_action_script),
        "file_active_content",
    ),
    ("pdf with escaped javascript names", "phieu.pdf", PDF_WITH_ESCAPED_JAVASCRIPT, "file_active_content"),
    (
        "pdf launching a program",
        "phieu.pdf",
        pdf_samples.pdf_with(pdf_samples.with_launch_annotation),
        "file_active_content",
    ),
    ("pdf carrying an html page", "phieu.pdf", pdf_bytes() + HTML_BYTES, "file_active_content"),
    ("html page with a pdf header late", "phieu.pdf", HTML_BYTES + pdf_bytes(), "file_markup"),
    ("executable renamed pdf", "phieu.pdf", EXE_BYTES + pdf_bytes(), "file_executable"),
    # --- decoded as a reader decodes them (issue 13, item 5) ---
    (
        "pdf script behind ASCIIHexDecode",
        "phieu.pdf",
        pdf_samples.SCRIPT_BEHIND_ASCII_HEX,
        "file_active_content",
    ),
    (
        "pdf script behind ASCII85 then Flate",
        "phieu.pdf",
        pdf_samples.SCRIPT_BEHIND_CHAINED_FILTERS,
        "file_active_content",
    ),
    (
        "pdf script in an #xx-escaped ObjStm",
        "phieu.pdf",
        pdf_samples.SCRIPT_IN_ESCAPED_OBJECT_STREAM,
        "file_active_content",
    ),
    (
        "pdf script past a padded /Filter",
        "phieu.pdf",
        pdf_samples.SCRIPT_PAST_A_PADDED_FILTER,
        "file_active_content",
    ),
    (
        "pdf script in the names tree",
        "phieu.pdf",
        pdf_samples.pdf_with(pdf_samples.with_names_tree_script, object_streams=True),
        "file_active_content",
    ),
    (
        "pdf with an attached program",
        "phieu.pdf",
        pdf_samples.pdf_with(pdf_samples.with_embedded_file),
        "file_active_content",
    ),
    (
        "pdf with an XFA form",
        "phieu.pdf",
        pdf_samples.pdf_with(pdf_samples.with_xfa_form),
        "file_active_content",
    ),
    (
        "pdf with rich media",
        "phieu.pdf",
        pdf_samples.pdf_with(pdf_samples.with_rich_media),
        "file_active_content",
    ),
    (
        "pdf link to a javascript: address",
        "phieu.pdf",
        pdf_samples.pdf_with(pdf_samples.with_javascript_uri, object_streams=True),
        "file_active_content",
    ),
    (
        "pdf a reader cannot parse",
        "phieu.pdf",
        b"%PDF-1.7\n" + b"\x00\x17 hong " * 200,
        "file_pdf_unreadable",
    ),
    ("pdf with a password", "phieu.pdf", pdf_samples.pdf_with_password(), "file_encrypted"),
    (
        "docx with a remote template",
        "bao-cao.docx",
        office_samples.DOCX_REMOTE_TEMPLATE,
        "file_office_external",
    ),
    ("docx with a linked image", "bao-cao.docx", office_samples.DOCX_LINKED_IMAGE, "file_office_external"),
    ("docx with an OLE object", "bao-cao.docx", office_samples.DOCX_OLE_OBJECT, "file_office_external"),
    (
        "docx with an embedded program",
        "bao-cao.docx",
        office_samples.DOCX_EMBEDDED_PROGRAM,
        "file_office_external",
    ),
    (
        "docx with a DDEAUTO field split over runs",
        "bao-cao.docx",
        office_samples.DOCX_DDEAUTO,
        "file_office_dde",
    ),
    ("docx with an escaped DDE field", "bao-cao.docx", office_samples.DOCX_ESCAPED_DDE, "file_office_dde"),
    ("xlsx with a DDE formula", "bang.xlsx", office_samples.XLSX_DDE_FORMULA, "file_office_dde"),
    (
        "xlsx with an external workbook link",
        "bang.xlsx",
        office_samples.XLSX_EXTERNAL_LINK,
        "file_office_external",
    ),
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
        {"item": item_for(name), "file": SimpleUploadedFile(name, content)},
        **api_token(cast.producer_user),
    )
    body = assert_clean_api_refusal(response, status=400)
    assert body["code"] == code, body
    assert Document.objects.count() == 0 and stored_files(settings.MEDIA_ROOT) == []


ACCEPTED_DOCUMENTS = [
    ("pdf with object streams", "phieu.pdf", pdf_samples.pdf_with(object_streams=True)),
    ("pdf with a hand-written object stream", "phieu.pdf", pdf_samples.CLEAN_OBJECT_STREAM),
    ("docx with a web hyperlink", "bao-cao.docx", office_samples.DOCX_WEB_HYPERLINK),
    ("docx with a chart's data workbook", "bao-cao.docx", office_samples.DOCX_CHART_DATA),
    ("xlsx with a plain formula", "bang.xlsx", office_samples.XLSX_PLAIN_FORMULA),
]


@pytest.mark.parametrize(
    ("case", "name", "content"), ACCEPTED_DOCUMENTS, ids=[r[0] for r in ACCEPTED_DOCUMENTS]
)
def test_documents_without_active_content_are_accepted(client, cast, api_token, case, name, content):
    story = dossier_story(cast, until="draft", complete=False)
    response = client.post(
        f"/api/v1/dossiers/{story.dossier.pk}/documents",
        {"item": item_for(name), "file": SimpleUploadedFile(name, content)},
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


# --- registration leaks and look-alikes (issue 13, item 10) ------------------------

REGISTRATION = {
    "full_name": "Phan Thị Hoa",
    "username": "htxhoa",
    "password": "ong-mat-vai-thieu-2025",
    "password_again": "ong-mat-vai-thieu-2025",
    "name": "Hợp tác xã Ong mật Hoa Vải",
    "legal_form": "cooperative",
    "tax_code": "",
    "province": "24",
    "commune": "07798",
}
LOOK_ALIKES = [
    pytest.param("cоuncil9", id="Cyrillic o"),
    pytest.param("htxhоa", id="Cyrillic o at the end"),
    pytest.param("ηtxhoa", id="Greek eta"),
    pytest.param("htx\u200bhoa", id="zero-width space"),
    pytest.param("htx\u202ehoa", id="right-to-left override"),
    pytest.param("hợptácxã", id="Vietnamese letters"),
    pytest.param("htx hoa", id="a space"),
    pytest.param("<script>", id="markup"),
    pytest.param("ab", id="too short"),
]


@pytest.mark.parametrize("username", LOOK_ALIKES)
def test_look_alike_and_mixed_script_user_names_are_refused_at_registration(client, cast, username):
    users, producers = User.objects.count(), Producer.objects.count()
    response = client.post("/producers/register/", {**REGISTRATION, "username": username})
    assert response.status_code == 400
    assert "Tên đăng nhập chỉ gồm chữ cái Latinh không dấu" in response.content.decode()
    assert (User.objects.count(), Producer.objects.count()) == (users, producers)


def test_user_names_are_stored_normalised_so_variants_are_one_name(client, cast):
    response = client.post("/producers/register/", {**REGISTRATION, "username": "  ＨＴＸ.Hoa "})
    assert response.status_code == 302
    assert User.objects.filter(username="htx.hoa").exists()
    client.logout()
    with nothing_changes():  # no second account, and no producer for it either
        again = client.post(
            "/producers/register/",
            {**REGISTRATION, "username": "HTX.HOA", "name": "Hợp tác xã khác"},
            REMOTE_ADDR="10.0.0.9",
        )
    assert again.status_code == 400 and "Tên đăng nhập đã được dùng" in again.content.decode()
    assert User.objects.filter(username__iexact="htx.hoa").count() == 1
    with nothing_changes(), pytest.raises(Invalid):
        user_create(actor=None, username="cоuncil1", password="x" * 12)  # the service refuses it too


def test_a_taken_tax_code_names_neither_its_owner_nor_its_commune_anywhere(client, cast, api_token):
    """On the registration page, and to a producer trying the code on its own record through the API."""
    tea_company(cast)  # Hà Nội's, tax code 0100109106
    honey = honey_cooperative(cast)
    page = client.post("/producers/register/", {**REGISTRATION, "tax_code": "0100109106"})
    api = as_json(
        client,
        "patch",
        f"/api/v1/producers/{honey.pk}",
        {"tax_code": "0100109106"},
        **api_token(cast.producer_user),
    )
    body = assert_clean_api_refusal(api, status=409)
    assert body["code"] == "producer_tax_code_taken"
    for text in (page.content.decode(), body["message"]):
        assert "0100109106 đã được đăng ký" in text and "liên hệ cán bộ xã" in text
        assert "Chè Ba Đình" not in text, text
        assert cast.other_province_commune.name not in text
    honey.refresh_from_db()
    assert honey.tax_code == "2400123456"


@override_settings(REGISTRATIONS_PER_HOUR=3)
def test_registrations_from_one_address_are_rate_limited(client, cast):
    for attempt in range(3):  # refused attempts count too: they are how tax codes would be probed
        response = client.post(
            "/producers/register/", {**REGISTRATION, "username": f"thu{attempt}", "name": ""}
        )
        assert response.status_code == 400
    users, producers = User.objects.count(), Producer.objects.count()
    response = client.post("/producers/register/", REGISTRATION)
    assert response.status_code == 429 and "quá nhiều lần đăng ký" in response.content.decode()
    assert (User.objects.count(), Producer.objects.count()) == (users, producers)
    elsewhere = client.post("/producers/register/", REGISTRATION, REMOTE_ADDR="10.0.0.8")
    assert elsewhere.status_code == 302 and User.objects.filter(username="htxhoa").exists()


# --- issue 13: blind scoring, conflicts, readiness, numbers ---
# Numbers beyond 64 bits (issue 13, item 9): 404/400 everywhere, never a 500.

HUGE_NUMBERS = (99999999999999999999999, 2**63, 2**64 + 1, 10**15)  # 16 digits and more


def _answer(client, method: str, url: str, **extra):
    """One request in a savepoint rolled back afterwards (on PostgreSQL a failed query would otherwise end
    the test's transaction); a server error is reported, not raised."""
    from django.db import transaction

    client.raise_request_exception = False
    with transaction.atomic():
        response = getattr(client, method)(url, **extra)
        transaction.set_rollback(True)
    return response


def test_every_page_route_with_a_number_answers_404_to_a_huge_one(client, cast):
    from routes_support import pages

    numbered = {name: page for name, page in pages().items() if set(page.params.values()) & {"IntConverter"}}
    assert len(numbered) > 20  # the inventory found the numbered routes
    wrong = []
    for who in (None, cast.producer_user, cast.province_officer, cast.central):
        client.logout()
        if who is not None:
            client.force_login(who)
        for page in numbered.values():
            for huge in HUGE_NUMBERS:
                url = page.url({key: huge for key, kind in page.params.items() if kind == "IntConverter"})
                for method in ("get", "post"):
                    status = _answer(client, method, url).status_code
                    if status != 404:
                        wrong.append(f"{method.upper()} {url} as {who}: {status}")
    assert not wrong, "\n".join(wrong)


def test_every_api_operation_refuses_a_huge_id_page_or_body_number(client, cast, api_token):
    from routes_support import operations

    wrong = []
    for auth in ({}, api_token(cast.central)):
        for key, operation in operations().items():
            method = operation.method.lower()
            for huge in HUGE_NUMBERS:
                if operation.params:
                    url = operation.url({name: huge for name in operation.params})
                    extra = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
                    response = _answer(client, method, url, **extra, **auth)
                    if response.status_code not in (401, 404) or "code" not in response.json():
                        wrong.append(f"{key} with {huge}: {response.status_code}")
                if method == "get" and not operation.params:
                    for query in ("page", "page_size", "year"):
                        response = _answer(client, "get", f"{operation.url()}?{query}={huge}", **auth)
                        body = response.json() if response.get("Content-Type") == "application/json" else {}
                        if response.status_code >= 500 or (
                            response.status_code == 400 and "code" not in body
                        ):
                            wrong.append(f"{key}?{query}={huge}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    body = {"dossier": 2**64, "version": 0}
    response = client.post(
        "/api/v1/evaluation/rounds/1/dossiers",
        json.dumps(body),
        content_type="application/json",
        **api_token(cast.central),
    )
    assert (response.status_code, response.json()["code"]) == (400, "number_out_of_range")


def test_a_huge_page_number_on_the_public_pages_is_a_clean_400_and_search_text_is_free(client):
    for url in ("/catalog/?page=99999999999999999999999", "/catalog/producers/?page=18446744073709551617"):
        response = _answer(client, "get", url)
        assert response.status_code == 400
        assert "Số quá lớn" in response.content.decode()
    assert _answer(client, "get", "/catalog/?q=99999999999999999999999").status_code == 200
    listed = _answer(client, "get", "/api/v1/producers?page=99999999999999999999999")
    assert (listed.status_code, listed.json()["code"]) == (400, "number_out_of_range")
    assert (
        _answer(client, "get", "/catalog/products/999999999999999/").status_code == 404
    )  # 15 digits: missing
