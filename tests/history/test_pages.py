"""The history import as an officer uses it: upload, a preview paged and filtered by problem, merge or split,
apply with its progress, the certificate pages saying "recorded from decision N, issued on paper"."""

from __future__ import annotations

import io

import pytest

from ocop.certification.models import Certificate
from ocop.history.models import HistoryUpload
from ocop.producers.services import producer_create

from .support import csv, row

pytestmark = pytest.mark.django_db

VAN_HA = "xã Vân Hà, huyện Việt Yên, tỉnh Bắc Giang"


def _file(content: bytes, name: str = "qd.csv") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_an_officer_uploads_pages_filters_merges_and_applies(cast, login, django_capture_on_commit_callbacks):
    producer_create(
        actor=cast.commune_officer, unit=cast.commune, name="HTX Vân Hà", legal_form="cooperative"
    )
    producer_create(
        actor=cast.commune_officer, unit=cast.commune, name="HTX Vân  Hà", legal_form="cooperative"
    )
    lines = [row(f"Sản phẩm {n}", f"HTX Số {n}", VAN_HA) for n in range(60)]
    lines.append(row("Vải thiều", "HTX Vân Hà", VAN_HA))
    officer = login(cast.province_officer)
    page = officer.post("/history/", {"file": _file(csv(*lines))}, follow=True)
    upload = page.context["upload"]
    body = page.content.decode()
    assert (upload.row_count, upload.error_count) == (61, 1)
    assert "Trang 1 / 2" in body and "Có lỗi (1)" in body and "Gộp hoặc tách chủ thể" in body
    errors = officer.get(f"/history/uploads/{upload.pk}/?problem=errors").content.decode()
    assert "Vải thiều" in errors and "Sản phẩm 1<" not in errors
    assert "chọn gộp vào một chủ thể hoặc tạo chủ thể mới" in errors
    second = officer.get(f"/history/uploads/{upload.pk}/?page=2")
    assert [r["n"] for r in second.context["view"]["rows"]] == list(range(52, 63))

    refused = officer.post(f"/history/uploads/{upload.pk}/apply/", follow=True)
    assert "còn 1 dòng có lỗi" in refused.content.decode()
    group = next(r["group"] for r in upload.rows if r["producer_match"] == "ambiguous")
    officer.post(f"/history/uploads/{upload.pk}/choose/", {f"group:{group}": "new"})
    assert HistoryUpload.objects.get(pk=upload.pk).ok
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/history/uploads/{upload.pk}/apply/")
    done = officer.get(f"/history/uploads/{upload.pk}/")
    assert "Đã ghi 61 dòng" in done.content.decode()
    assert Certificate.objects.count() == 61

    # Another province's officer and a producer see none of it.
    assert login(cast.other_province_officer).get(f"/history/uploads/{upload.pk}/").status_code == 404
    assert login(cast.producer_user).get("/history/").status_code == 404


def test_the_progress_of_a_run_shows_while_it_goes(cast, login):
    officer = login(cast.province_officer)
    page = officer.post(
        "/history/", {"file": _file(csv(row("Vải thiều", "HTX Vân Hà", VAN_HA)))}, follow=True
    )
    upload = page.context["upload"]
    HistoryUpload.objects.filter(pk=upload.pk).update(status="applying", stage="writing", done=0, total=1)
    body = officer.get(f"/history/uploads/{upload.pk}/").content.decode()
    assert 'http-equiv="refresh"' in body and "ghi vào cơ sở dữ liệu" in body and 'value="55"' in body


def test_every_page_of_an_imported_certificate_says_it_was_issued_on_paper(
    cast, login, client, django_capture_on_commit_callbacks
):
    officer = login(cast.province_officer)
    page = officer.post(
        "/history/",
        {
            "file": _file(
                csv(row("Vải thiều", "HTX Vân Hà", VAN_HA, stars=3, day="10/06/2024", level="huyện"))
            )
        },
        follow=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/history/uploads/{page.context['upload'].pk}/apply/")
    certificate = Certificate.objects.get()
    note = "Ghi nhận từ quyết định 1234/QĐ-UBND ngày 10/06/2024, cấp bằng giấy"
    assert note in officer.get(f"/certificates/{certificate.pk}/").content.decode()
    assert note in client.get(f"/certificates/v/{certificate.qr_payload}").content.decode()
    assert note in client.get(f"/catalog/products/{certificate.product_id}/").content.decode()
    from django.template.loader import render_to_string

    from ocop.certification import pdf

    assert note in render_to_string("certification/certificate_pdf.html", pdf.context(certificate))
