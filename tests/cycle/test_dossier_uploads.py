"""Documents of a dossier: decided by content, refused with a reason and nothing stored, older versions kept,
served only to those who may see the dossier, always as an attachment.

Ngô Thị Mật (producer) builds the honey cooperative's dossier through the API; every abuse case is one test.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cycle_support import (
    ELF_BYTES,
    EXE_BYTES,
    HTML_BYTES,
    SVG_BYTES,
    THIS_YEAR,
    docx_bytes,
    docx_declaring,
    dossier_story,
    fill_required,
    image_bytes,
    pdf_bytes,
    png_claiming,
    product_set,
    stored_files,
    tea_company,
    xlsx_bytes,
    zip_bomb_docx,
)
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.audit.models import AuditEvent
from ocop.cycle import services
from ocop.cycle.models import Document, Dossier
from ocop.products.services import product_create
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db


def post_file(client, token, dossier, item: str, name: str, content: bytes, **extra):
    return client.post(
        f"/api/v1/dossiers/{dossier.pk}/documents",
        {"item": item, "file": SimpleUploadedFile(name, content), **extra},
        **token,
    )


@pytest.fixture
def draft(cast):
    return dossier_story(cast, until="draft", complete=False)


@pytest.fixture
def producer_token(cast, api_token):
    return api_token(cast.producer_user)


@pytest.mark.parametrize(
    ("item", "name", "content", "kind"),
    [
        ("registration_form", "phieu-dang-ky.pdf", pdf_bytes(), "application/pdf"),
        ("self_assessment", "bao-cao-tu-danh-gia.docx", docx_bytes(), "wordprocessingml"),
        ("test_results", "ket-qua-kiem-nghiem.xlsx", xlsx_bytes(), "spreadsheetml"),
        ("photos", "anh-san-pham.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("label", "nhan.png", image_bytes("PNG"), "image/png"),
        (
            "registration_form",
            "phieu dang ky",
            pdf_bytes(),
            "application/pdf",
        ),  # no extension: content decides
    ],
)
def test_allowed_files_are_stored_under_generated_names(
    client, draft, producer_token, media_root, item, name, content, kind
):
    before = draft.dossier.version
    response = post_file(client, producer_token, draft.dossier, item, name, content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["item"] == item and body["revision"] == 1 and body["current"] is True
    assert kind in body["content_type"]
    document = Document.objects.get(pk=body["id"])
    assert name.split(".")[0] not in document.file.name  # the user's name is data, never the stored path
    assert document.file.name.startswith("dossiers/")
    assert len(stored_files(media_root)) == 1
    assert draft.refresh().version == before + 1
    assert (
        AuditEvent.objects.filter(action="dossier.document_upload", target_id=str(draft.dossier.pk)).count()
        == 1
    )


MACRO_TYPES = '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'

REFUSALS = [
    # (case, item, file name, content, code, words the message must contain)
    (
        "png content named .pdf",
        "registration_form",
        "giay-phep.pdf",
        image_bytes("PNG"),
        "file_name_mismatch",
        "ảnh PNG",
    ),
    ("pdf content named .jpg", "photos", "anh.jpg", pdf_bytes(), "file_name_mismatch", "PDF"),
    ("windows executable", "registration_form", "phieu.pdf", EXE_BYTES, "file_executable", "chương trình"),
    ("linux executable", "self_assessment", "bao-cao.docx", ELF_BYTES, "file_executable", "chương trình"),
    ("svg image", "photos", "anh.svg", SVG_BYTES, "file_svg", "SVG"),
    ("svg named png", "photos", "anh.png", SVG_BYTES, "file_svg", "SVG"),
    ("html page", "registration_form", "phieu.pdf", HTML_BYTES, "file_markup", "trang web"),
    ("zip bomb", "self_assessment", "bao-cao.docx", zip_bomb_docx(), "file_archive_bomb", "zip bomb"),
    (
        "declared size excessive",
        "self_assessment",
        "bao-cao.docx",
        docx_declaring(300 * 1024 * 1024),
        "file_archive_bomb",
        "giải nén",
    ),
    (
        "too many entries",
        "self_assessment",
        "bao-cao.docx",
        docx_bytes(entries=2100),
        "file_archive_too_many_entries",
        "thành phần",
    ),
    (
        "macro document",
        "self_assessment",
        "bao-cao.docx",
        docx_bytes(types=MACRO_TYPES),
        "file_macro",
        "macro",
    ),
    (
        "oversize image (header only)",
        "photos",
        "anh.png",
        png_claiming(20000, 20000),
        "image_too_large",
        "quá lớn",
    ),
    (
        "oversize image under Pillow's own limit",
        "photos",
        "anh.png",
        png_claiming(8000, 7000),
        "image_too_large",
        "8000 × 7000",
    ),
    ("broken image", "photos", "anh.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 50, "image_invalid", "hỏng"),
    (
        "unknown format",
        "registration_form",
        "phieu.pdf",
        b"just some text, no magic at all",
        "file_type_unknown",
        "Không nhận ra",
    ),
    ("empty file", "registration_form", "phieu.pdf", b"", "file_empty", "rỗng"),
    (
        "word file for the photos item",
        "photos",
        "anh.docx",
        docx_bytes(),
        "file_type_not_allowed",
        "chỉ nhận",
    ),
]


@pytest.mark.parametrize(
    ("case", "item", "name", "content", "code", "words"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_refused_upload_stores_nothing_and_leaves_the_dossier_unchanged(
    client, draft, producer_token, media_root, case, item, name, content, code, words
):
    before = Dossier.objects.values().get(pk=draft.dossier.pk)
    response = post_file(client, producer_token, draft.dossier, item, name, content)
    assert 400 <= response.status_code < 500, response.content
    body = response.json()
    assert body["code"] == code, body
    assert words in body["message"]
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []
    assert Dossier.objects.values().get(pk=draft.dossier.pk) == before
    assert not AuditEvent.objects.filter(action="dossier.document_upload").exists()


def test_oversize_file_is_dropped_before_buffering(client, draft, producer_token, media_root, settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    response = post_file(
        client, producer_token, draft.dossier, "registration_form", "phieu.pdf", pdf_bytes() + b"0" * 200_000
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "file_too_large"
    assert "phieu.pdf" in body["message"] and "MB" in body["message"]
    assert Document.objects.count() == 0 and stored_files(media_root) == []


def test_item_outside_the_checklist_is_refused(client, draft, producer_token, media_root):
    with nothing_changes():
        response = post_file(
            client, producer_token, draft.dossier, "bank_statement", "sao-ke.pdf", pdf_bytes()
        )
    assert response.status_code == 400
    assert response.json()["code"] == "checklist_item_unknown"
    assert "bank_statement" in response.json()["message"]
    assert stored_files(media_root) == []


def test_missing_file_is_named(client, draft, producer_token):
    with nothing_changes():
        response = client.post(
            f"/api/v1/dossiers/{draft.dossier.pk}/documents", {"item": "registration_form"}, **producer_token
        )
    assert response.status_code == 400
    assert response.json()["code"] == "file_missing"


def test_a_new_upload_keeps_the_older_version(client, draft, producer_token, media_root):
    first = post_file(client, producer_token, draft.dossier, "label", "nhan-cu.pdf", pdf_bytes("cu")).json()
    second = post_file(
        client, producer_token, draft.dossier, "label", "nhan-moi.pdf", pdf_bytes("moi")
    ).json()
    assert (second["revision"], second["current"]) == (2, True)
    older = Document.objects.get(pk=first["id"])
    assert older.is_current is False and older.revision == 1
    assert len(stored_files(media_root)) == 2
    listing = client.get(f"/api/v1/dossiers/{draft.dossier.pk}/documents", **producer_token).json()
    assert [(d["name"], d["current"]) for d in listing["items"]] == [
        ("nhan-moi.pdf", True),
        ("nhan-cu.pdf", False),
    ]
    old_file = client.get(first["download"], **producer_token)
    assert old_file.status_code == 200
    assert b"cu" in b"".join(old_file.streaming_content)
    checklist = {
        row["item"]: row
        for row in client.get(f"/api/v1/dossiers/{draft.dossier.pk}", **producer_token).json()["checklist"]
    }
    assert checklist["label"]["document"]["id"] == second["id"]


def test_stale_upload_is_refused(client, draft, producer_token, media_root):
    post_file(client, producer_token, draft.dossier, "label", "nhan.pdf", pdf_bytes())
    response = post_file(
        client, producer_token, draft.dossier, "photos", "anh.pdf", pdf_bytes(), version=draft.dossier.version
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert Document.objects.filter(item="photos").count() == 0
    assert len(stored_files(media_root)) == 1


def test_downloads_only_for_those_who_may_see_the_dossier(client, cast, api_token, login):
    story = dossier_story(cast, until="submitted")
    document = story.dossier.documents.get(item="registration_form")
    path = f"/api/v1/dossiers/{story.dossier.pk}/documents/{document.pk}/file"
    page = f"/dossiers/{story.dossier.pk}/documents/{document.pk}/"
    allowed = [cast.producer_user, cast.commune_officer, cast.province_officer, cast.central]
    refused = [
        cast.other_producer_user,
        cast.other_commune_officer,
        cast.other_province_officer,
        cast.council1,
    ]
    for person in allowed:
        response = client.get(path, **api_token(person))
        assert response.status_code == 200, person
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
    for person in refused:
        assert client.get(path, **api_token(person)).status_code == 404, person
        assert login(person).get(page).status_code == 404, person
        client.logout()
    assert client.get(path).status_code == 404  # anonymous: the dossier does not exist for them
    assert client.get(page).status_code == 302  # pages send anonymous visitors to sign in
    # A guessed id of another dossier's document is the same as a missing one.
    tea = product_create(
        actor=None, producer=tea_company(cast), name="Chè shan tuyết", product_set=product_set("5.1")
    )
    theirs = services.dossier_create(actor=cast.other_producer_user, product=tea, year=THIS_YEAR)
    fill_required(theirs, cast.other_producer_user)
    guessed = theirs.documents.first().pk
    mine = api_token(cast.producer_user)
    assert (
        client.get(f"/api/v1/dossiers/{story.dossier.pk}/documents/{guessed}/file", **mine).status_code == 404
    )
    assert client.get(f"/api/v1/dossiers/{theirs.pk}/documents/{guessed}/file", **mine).status_code == 404


# --- bodies bounded before anything is buffered (issue 13, item 8) -----------------------


class MultipartBody:
    """A multipart body of `files` files of `size` bytes each, made as it is read (never held whole), that
    counts how much of it the server read."""

    boundary = "ocopgioihan"

    def __init__(self, files: int, size: int, *, field: str = "file") -> None:
        head = (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="item"\r\n\r\nregistration_form\r\n'
        ).encode()
        self.parts: list[tuple[bytes, int]] = [(head, 0)]
        for index in range(files):
            header = (
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="phieu-{index}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            self.parts.append((header, size))
            self.parts.append((b"\r\n", 0))
        self.parts.append((f"--{self.boundary}--\r\n".encode(), 0))
        self.length = sum(len(text) + filler for text, filler in self.parts)
        self.read_bytes = 0
        self._pending = self._chunks()
        self._buffer = b""

    def _chunks(self):
        for text, filler in self.parts:
            yield text
            while filler:
                step = min(filler, 1024 * 1024)
                yield b"%" * step
                filler -= step

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._pending, None)
            if chunk is None:
                break
            self._buffer += chunk
        out, self._buffer = (self._buffer, b"") if size < 0 else (self._buffer[:size], self._buffer[size:])
        self.read_bytes += len(out)
        return out

    def readline(self, size: int = -1) -> bytes:  # part of the WSGI input interface; never needed here
        return self.read(size)


def send_body(path: str, body: MultipartBody, *, declared: bool = True, **headers):
    """Hand `body` to the WSGI application as a server would; return (status, headers, content)."""
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.20",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": f"multipart/form-data; boundary={body.boundary}",
        **headers,
    }
    if declared:
        environ["CONTENT_LENGTH"] = str(body.length)
    else:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    # As Django's test client does: the request must not close the test's database connection at its end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        content = b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content


@pytest.fixture
def upload_temp(settings, tmp_path):
    """Upload temporaries of the test in a folder of its own, so 'nothing written' can be checked."""
    folder = tmp_path / "upload-tmp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def test_twenty_big_files_sent_anonymously_are_refused_before_a_byte_is_read(draft, upload_temp, media_root):
    body = MultipartBody(files=20, size=19 * 1024 * 1024)  # 380 MB declared
    status, headers, content = send_body(f"/dossiers/{draft.dossier.pk}/upload/", body)
    assert status == 413 and headers["Content-Type"].startswith("text/html")
    assert "Dữ liệu gửi lên quá lớn" in content.decode()
    assert body.read_bytes == 0 and list(upload_temp.iterdir()) == []
    status, headers, content = send_body(f"/api/v1/dossiers/{draft.dossier.pk}/documents", body)
    assert status == 413 and json.loads(content)["code"] == "request_too_large"
    assert body.read_bytes == 0 and list(upload_temp.iterdir()) == [] and stored_files(media_root) == []


def test_a_chunked_body_is_cut_at_the_limit(draft, upload_temp, settings, media_root):
    body = MultipartBody(files=3, size=19 * 1024 * 1024)  # 57 MB, no length declared
    status, _headers, content = send_body(
        f"/api/v1/dossiers/{draft.dossier.pk}/documents", body, declared=False
    )
    assert status == 413 and json.loads(content)["code"] == "request_too_large"
    assert body.read_bytes <= settings.REQUEST_MAX_BYTES + 1
    assert list(upload_temp.iterdir()) == [] and Document.objects.count() == 0


def test_a_chunked_body_within_the_limit_is_read_whole(cast, draft, upload_temp, api_token, media_root):
    body = MultipartBody(files=1, size=0)
    body.parts[2] = (pdf_bytes() + b"\r\n", 0)  # the one file's content: a real PDF
    body.length = sum(len(text) + filler for text, filler in body.parts)
    body._pending = body._chunks()
    token = api_token(cast.producer_user)["HTTP_AUTHORIZATION"]
    status, _headers, content = send_body(
        f"/api/v1/dossiers/{draft.dossier.pk}/documents", body, declared=False, HTTP_AUTHORIZATION=token
    )
    assert status == 201, content[:300]
    assert Document.objects.count() == 1 and list(upload_temp.iterdir()) == []


def test_too_many_files_in_one_request_are_refused_and_none_kept(
    client, draft, producer_token, upload_temp, media_root, settings
):
    big = pdf_bytes() + b"%" * (3 * 1024 * 1024)  # past the in-memory size: each would be a temporary file
    files = [SimpleUploadedFile(f"phieu-{index}.pdf", big) for index in range(settings.REQUEST_MAX_FILES + 1)]
    response = client.post(
        f"/api/v1/dossiers/{draft.dossier.pk}/documents",
        {"item": "registration_form", "file": files},
        **producer_token,
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_files" and "tệp" in response.json()["message"]
    assert list(upload_temp.iterdir()) == []
    assert Document.objects.count() == 0 and stored_files(media_root) == []


def test_stale_upload_temporaries_are_removed_when_a_process_starts(tmp_path):
    folder = tmp_path / "upload-tmp"
    folder.mkdir()
    left_by_a_killed_worker = folder / "tmpabc123.upload.pdf"
    left_by_a_killed_worker.write_bytes(b"%" * 1024)
    two_hours_ago = time.time() - 2 * 3600
    os.utime(left_by_a_killed_worker, (two_hours_ago, two_hours_ago))
    in_use = folder / "tmpdef456.upload.pdf"  # a live upload of another process
    in_use.write_bytes(b"%" * 1024)
    env = {**os.environ, "OCOP_ENV": "test", "OCOP_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "manage.py", "check", "-v0"], env=env, cwd=root, check=True)
    assert not left_by_a_killed_worker.exists()
    assert in_use.exists()
