"""Demo data of training and supervision (issue 17): one province course with officers and producers imported
from an attendance sheet, and one inspection of a Bắc Ninh certified product with a finding (left open, so a
demo user can propose a revocation and a second officer approve it). Made through the services; running it
again changes nothing."""

from __future__ import annotations

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.accounts.models import User
from ocop.certification import services as certification
from ocop.certification.models import Certificate, RecognitionDecision
from ocop.certification.past_councils import record_past_results
from ocop.demo.files import demo_pdf
from ocop.geo.models import AdminUnit, Era
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.supervision import services as supervision
from ocop.supervision.models import Inspection
from ocop.training import services as training
from ocop.training.models import Course

RECERTIFIED_PRODUCER = "2400556677"  # Hợp tác xã Nông sản Việt Yên (ocop.demo.rounds.PAST_PRODUCER)
COURSE_TITLE = "Tập huấn nghiệp vụ OCOP và tiếp thị sản phẩm năm {year}"


def _sheet(province: AdminUnit) -> bytes:
    """The attendance sheet as an organiser keeps it: officers by unit, producers by tax code."""
    rows = [["Họ và tên", "Đối tượng", "Mã đơn vị", "Chức vụ", "Phụ trách OCOP", "Mã số thuế"]]
    for user in User.objects.filter(username__in=["province", "province2", "commune"]).order_by("username"):
        role = user.roles.filter(revoked_at__isnull=True).select_related("unit").first()
        if role is not None:
            rows.append([user.full_name, "Cán bộ", role.unit.code, "Chuyên viên", "x", ""])
    for producer in (
        Producer.objects.filter(unit__current_province=province).exclude(tax_code=None).order_by("pk")[:3]
    ):
        rows.append(
            [
                producer.representative or f"Đại diện {producer.name}",
                "Chủ thể",
                "",
                "Giám đốc",
                "",
                producer.tax_code,
            ]
        )
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def seed_training() -> Course | None:
    province = AdminUnit.objects.filter(era=Era.CURRENT, code="24").first()
    organiser = User.objects.filter(username="province").first()
    if province is None or organiser is None:
        return None
    today = timezone.localdate()
    title = COURSE_TITLE.format(year=today.year)
    course = Course.objects.filter(title=title).first()
    if course is not None:
        return course
    starts = today - datetime.timedelta(days=20)
    course = training.course_create(
        actor=organiser,
        title=title,
        topic="marketing",
        unit=province,
        organiser="Văn phòng Điều phối nông thôn mới tỉnh Bắc Ninh",
        place="Hội trường Sở Nông nghiệp và Môi trường",
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=2),
        budget=85_000_000,
        budget_source="local",
    )
    training.attendance_import(
        actor=organiser, course=course, content=_sheet(province), filename="danh-sach-hoc-vien.csv"
    )
    return course


def _recertified(province: AdminUnit, maker: User) -> Certificate | None:
    """A Bắc Ninh certificate in force: the 2022 round's certificates have expired, so this year's council
    re-evaluates one of those products and `province` drafts the decision that `province2` approves."""
    found = Certificate.objects.in_force(timezone.localdate()).filter(
        product__producer__unit__current_province=province
    )
    if found.exists():
        return found.order_by("pk").first()
    checker = User.objects.filter(username="province2").first()
    product = (
        Product.objects.filter(producer__tax_code=RECERTIFIED_PRODUCER, certificates__isnull=False)
        .order_by("pk")
        .first()
    )
    if checker is None or product is None:
        return None
    day = timezone.localdate() - datetime.timedelta(days=40)
    record_past_results(
        unit=province, items=[(product, 4)], held_on=day - datetime.timedelta(days=10), created_by=maker
    )
    authority = certification.authority_ensure(actor=None, unit=province)
    decision = certification.decision_create(
        actor=maker,
        authority=authority,
        number=f"{201 + RecognitionDecision.objects.filter(authority=authority).count()}/QĐ-UBND",
        date=day,
        signer="Chủ tịch UBND tỉnh Bắc Ninh",
        items=[(product, 4)],
    )
    certification.decision_approve(actor=checker, decision=decision)
    return found.order_by("pk").first()


def seed_inspection() -> Inspection | None:
    inspector = User.objects.filter(username="province").first()
    province = AdminUnit.objects.filter(era=Era.CURRENT, code="24").first()
    if inspector is None or province is None or Inspection.objects.exists():
        return Inspection.objects.first()
    certificate = _recertified(province, inspector)
    if certificate is None:
        return None
    supervision.complaint_submit(
        certificate=certificate,
        text="Bao bì mua ở chợ không có tem truy xuất, màu sản phẩm khác ảnh trên trang tra cứu.",
        where_bought="Chợ Bắc Giang",
    )
    inspection = supervision.inspection_create(
        actor=inspector,
        product=certificate.product,
        kinds=["labelling", "mark_and_stamp"],
        inspected_on=timezone.localdate() - datetime.timedelta(days=5),
        team="Đoàn kiểm tra liên ngành tỉnh Bắc Ninh",
    )
    supervision.finding_add(
        actor=inspector,
        inspection=inspection,
        kind="labelling",
        severity="major",
        description="Nhãn không ghi hạn sử dụng; biểu trưng OCOP in trên lô hàng chưa được chứng nhận.",
        evidence=SimpleUploadedFile("bien-ban-kiem-tra.pdf", demo_pdf(), content_type="application/pdf"),
    )
    return inspection
