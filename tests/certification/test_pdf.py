"""The certificate PDF: Vietnamese text (read back with pdftotext), fonts embedded, its QR decoded with
zbarimg and verified; served only to those who may see it, as an attachment; revoked ones say so."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from ocop.certification import services
from ocop.certification.models import Certificate
from ocop.certification.selectors import certificate_qr_text
from ocop.certification.tasks import render_pdf
from ocop.core.storage import checksum
from ocop.tasks.models import TaskRun

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "pdffonts", "zbarimg")),
        reason="poppler-utils and zbar-tools are installed by scripts/system-deps.sh",
    ),
]
TODAY = timezone.localdate()


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def qr_codes(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "page")], check=True)  # noqa: S603
    found = []
    for image in sorted(tmp_path.glob("page*.png")):
        out = subprocess.run(  # noqa: S603
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        found += [line for line in out.splitlines() if line]
    return found


def test_the_producer_downloads_a_vietnamese_pdf_whose_qr_verifies(
    client, login, story, issue, tmp_path, fetch_pdf
):
    (certificate,) = issue([(story.honey, 4, "81.25", None)])

    pdf = fetch_pdf(login(story.cast.producer_user), certificate)

    text = pdf_text(pdf, tmp_path)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "GIẤY CHỨNG NHẬN",
        "SẢN PHẨM OCOP",
        f"Số: {certificate.number}",
        "Mật ong hoa vải Vân Hà",
        "Hợp tác xã Mật ong Vân Hà",
        "4 sao",
        "Quyết định số 123/QĐ-UBND",
        f"có giá trị đến hết ngày {certificate.valid_until:%d/%m/%Y}",
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
    ]:
        assert expected in text, expected
    assert "THU HỒI" not in text
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603,S607
    font_rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert font_rows and all(" yes " in row for row in font_rows)  # every font embedded
    assert any("Noto-Sans" in row or "NotoSans" in row for row in font_rows)

    codes = qr_codes(pdf, tmp_path)
    assert codes == [certificate_qr_text(certificate)]
    body = client.post(
        "/api/v1/certificates/verify", {"code": codes[0]}, content_type="application/json"
    ).json()
    assert body["valid"] is True and body["certificate"]["number"] == certificate.number


def test_a_revoked_certificate_pdf_says_so(login, story, issue, tmp_path, fetch_pdf):
    (certificate,) = issue([(story.honey, 4, None, None)])
    producer = login(story.cast.producer_user)
    first = fetch_pdf(producer, certificate)
    change = services.certificate_revoke_request(
        actor=story.cast.province_officer,
        certificate=certificate,
        reason="Giả mạo nguồn gốc nguyên liệu",
        decision_number="45/QĐ-UBND",
        decision_date=TODAY,
    )
    services.certificate_revoke_approve(actor=story.checker, change=change)
    certificate.refresh_from_db()

    again = fetch_pdf(producer, certificate)

    assert first != again
    text = pdf_text(again, tmp_path)
    assert "ĐÃ THU HỒI" in text and "45/QĐ-UBND" in text and "Giả mạo nguồn gốc nguyên liệu" in text


def test_only_the_producer_and_officers_of_the_scope_get_the_pdf(client, login, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    url = f"/certificates/{certificate.pk}/pdf/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for outsider in (
        story.cast.other_producer_user,
        story.cast.other_province_officer,
        story.cast.other_commune_officer,
    ):
        assert login(outsider).get(url).status_code == 404
    for insider in (story.cast.commune_officer, story.cast.province_officer, story.cast.central):
        assert login(insider).get(url).status_code == 200


def test_the_page_never_renders_the_pdf_it_asks_the_task_once(login, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])  # its rendering run has not run yet
    producer = login(story.cast.producer_user)
    url = f"/certificates/{certificate.pk}/pdf/"

    first, second = producer.get(url), producer.get(url)

    for page in (first, second):
        assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
        assert "đang được chuẩn bị" in page.content.decode()
    assert Certificate.objects.get(pk=certificate.pk).pdf.name == ""  # nothing rendered in the request
    asked = TaskRun.objects.filter(name="certification.render_pdf", key=f"certificate-{certificate.pk}")
    assert [(run.status, run.kwargs) for run in asked] == [("queued", {"certificate_ids": [certificate.pk]})]

    render_pdf(certificate_ids=[certificate.pk])  # what the worker does with that run

    stored = Certificate.objects.get(pk=certificate.pk)
    assert stored.pdf_status == "active" and len(stored.pdf_sha256) == 64
    assert checksum(stored.pdf.name) == stored.pdf_sha256
    download = producer.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_approved_revocation_renders_the_pdf_again_with_its_checksum(
    story, issue, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (certificate,) = issue([(story.honey, 4, None, None)])
    before = Certificate.objects.get(pk=certificate.pk)
    assert before.pdf_status == "active" and before.pdf_sha256
    change = services.certificate_revoke_request(
        actor=story.cast.province_officer,
        certificate=certificate,
        reason="Giả mạo nguồn gốc nguyên liệu",
        decision_number="45/QĐ-UBND",
        decision_date=TODAY,
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke_approve(actor=story.checker, change=change)

    after = Certificate.objects.get(pk=certificate.pk)
    assert after.pdf_status == "revoked"
    assert after.pdf.name != before.pdf.name and after.pdf_sha256 != before.pdf_sha256
    assert checksum(after.pdf.name) == after.pdf_sha256
    call_command("files_verify")
    assert "missing: 0, changed: 0" in capsys.readouterr().out
