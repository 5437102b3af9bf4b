"""Training (issue 17, item 2): the province officer records a course, imports the attendance sheet the
organiser keeps (preview row by row, then all or nothing), prints certificates, and the coverage figures move.

The cast: Trần Thị Tỉnh (Bắc Ninh's province officer) organises; Lê Văn Xã (commune officer of Phường Vân Hà)
reads; Đỗ Văn Hà (Hà Nội) sees nothing of Bắc Ninh. Producers: the honey cooperative of Phường Vân Hà and Hà
Nội's tea company.
"""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from cycle_support import honey_cooperative, tea_company
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.core.errors import Forbidden, Invalid, NotFound
from ocop.training import indicators, selectors, services
from ocop.training.models import AttendanceImport, Attendee, Course

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year
HEADER = "Họ và tên,Đối tượng,Mã đơn vị,Chức vụ,Phụ trách OCOP,Mã số thuế"
SHEET = "\n".join(
    [
        HEADER,
        "Trần Thị Tỉnh,Cán bộ,24,Chuyên viên Văn phòng điều phối,x,",
        "Lê Văn Xã,Cán bộ,07798,Công chức nông nghiệp,x,",
        "Nguyễn Thị Hoa,cán bộ,07210,Phó chủ tịch,,",
        "Ngô Thị Mật,Chủ thể,,Giám đốc,,2400123456",
        "Đinh Văn Chè,Chủ thể,,Giám đốc,,0100109106",
    ]
).encode()


def course_of(cast, **overrides) -> Course:
    values = {
        "title": "Tập huấn tiếp thị sản phẩm OCOP",
        "topic": "marketing",
        "unit": cast.province,
        "organiser": "Văn phòng Điều phối nông thôn mới tỉnh Bắc Ninh",
        "starts_on": TODAY - datetime.timedelta(days=3),
        "ends_on": TODAY - datetime.timedelta(days=1),
        "budget": 50_000_000,
        "budget_source": "local",
    }
    values.update(overrides)
    return services.course_create(actor=cast.province_officer, **values)


@pytest.fixture
def producers(cast):
    return honey_cooperative(cast), tea_company(cast)


def area(cast, **where):
    return {"province_id": cast.province.pk, "commune_id": None, "year": YEAR, **where}


def test_a_course_imported_from_its_sheet_moves_the_coverage_figures(cast, producers):
    assert indicators.officers_trained(**area(cast)) is None  # no course at all yet: "no data", not 0
    course = course_of(cast)
    assert indicators.officers_trained(**area(cast)) == 0

    preview = services.attendance_preview(
        actor=cast.province_officer, course=course, content=SHEET, filename="ds.csv"
    )
    assert preview.ok and [row.kind for row in preview.rows] == ["officer"] * 3 + ["producer"] * 2
    assert not Attendee.objects.exists()  # a preview stores nothing

    batch = services.attendance_import(
        actor=cast.province_officer, course=course, content=SHEET, filename="ds.csv"
    )

    assert batch.rows == 5 and course.attendees.count() == 5
    honey, tea = producers
    assert course.attendees.get(full_name="Ngô Thị Mật").producer == honey
    assert course.attendees.get(full_name="Lê Văn Xã").unit == cast.commune
    # Bắc Ninh counts its own people: three officers (two in charge of OCOP), one producer; Hà Nội's tea
    # company is counted in Hà Nội, whoever held the course.
    assert indicators.officers_trained(**area(cast)) == 3
    assert indicators.officers_in_charge_trained(**area(cast)) == 2
    assert indicators.producers_trained(**area(cast)) == 1
    assert indicators.producers_trained_marketing(**area(cast)) == 1
    assert indicators.producers_trained(**area(cast, province_id=cast.other_province.pk)) == 1
    assert indicators.officers_trained(**area(cast, commune_id=cast.commune.pk)) == 1
    assert indicators.officers_in_charge(**area(cast)) == 3  # province + two commune officers of Bắc Ninh
    assert indicators.courses(**area(cast)) == 1
    assert AuditEvent.objects.filter(action="course.attendance_import", target_id=str(course.pk)).exists()


def test_an_attendee_counted_twice_in_one_course_refuses_the_whole_sheet(cast, producers):
    course = course_of(cast)
    twice = SHEET + "\nTRẦN THỊ TỈNH,Cán bộ,24,,x,".encode()
    preview = services.attendance_preview(actor=cast.province_officer, course=course, content=twice)
    assert not preview.ok
    assert "trùng với dòng 2" in preview.rows[-1].problems[0]

    with pytest.raises(Invalid) as refused:
        services.attendance_import(actor=cast.province_officer, course=course, content=twice)
    assert refused.value.code == "attendance_invalid"
    assert refused.value.details[0]["position"] == 7
    assert not Attendee.objects.exists() and not AttendanceImport.objects.exists()

    # Imported once, the same person in a second sheet of the same course is refused too.
    services.attendance_import(actor=cast.province_officer, course=course, content=SHEET)
    again = f"{HEADER}\nTrần Thị Tỉnh,Cán bộ,24,,x,".encode()
    with pytest.raises(Invalid):
        services.attendance_import(actor=cast.province_officer, course=course, content=again)
    assert course.attendees.count() == 5


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Ai Đó,Khách mời,24,,,", "Cột «Đối tượng»"),
        ("Ai Đó,Cán bộ,99999,,,", "Không có đơn vị hành chính mã «99999»"),
        ("Ai Đó,Cán bộ,,,,", "đơn vị công tác"),
        ("Ai Đó,Chủ thể,,,,9999999999", "Không có chủ thể mã số thuế"),
        (",Cán bộ,24,,,", "Thiếu họ và tên"),
    ],
)
def test_each_bad_row_is_named_and_nothing_is_stored(cast, producers, line, problem):
    course = course_of(cast)
    content = f"{HEADER}\n{line}".encode()
    preview = services.attendance_preview(actor=cast.province_officer, course=course, content=content)
    assert not preview.ok and problem in " ".join(preview.rows[0].problems)
    with pytest.raises(Invalid):
        services.attendance_import(actor=cast.province_officer, course=course, content=content)
    assert not Attendee.objects.exists()


def test_a_sheet_in_xlsx_with_its_own_header_spelling_is_read(cast, producers):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Danh sách học viên lớp tập huấn"])
    sheet.append(["HO VA TEN", "doi tuong", "Don vi", "Ma so thue"])
    sheet.append(["Lê Văn Xã", "Cán bộ", "Phường Vân Hà", None])
    sheet.append(["Ngô Thị Mật", "HTX", None, "2400123456"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    course = course_of(cast)
    services.attendance_import(
        actor=cast.province_officer, course=course, content=buffer.getvalue(), filename="ds.xlsx"
    )
    assert sorted(course.attendees.values_list("full_name", "unit__code")) == [
        ("Lê Văn Xã", "07798"),
        ("Ngô Thị Mật", "07798"),
    ]


def test_a_file_that_is_no_sheet_or_lacks_a_column_is_refused(cast):
    course = course_of(cast)
    with pytest.raises(Invalid) as refused:
        services.attendance_preview(
            actor=cast.province_officer, course=course, content=b"\xff\xfe\x00garbage"
        )
    assert refused.value.code == "attendance_unreadable"
    preview = services.attendance_preview(
        actor=cast.province_officer, course=course, content=b"Ho va ten\nAi Do"
    )
    assert not preview.ok and "Đối tượng" in preview.problems[0]


def test_a_course_ending_before_it_starts_or_out_of_area_is_refused(cast):
    with pytest.raises(Invalid) as refused:
        course_of(cast, starts_on=TODAY, ends_on=TODAY - datetime.timedelta(days=1))
    assert refused.value.code == "course_dates"
    with pytest.raises(Invalid):
        course_of(cast, topic="astrology")
    with pytest.raises(Invalid):
        course_of(cast, budget=-5)
    with pytest.raises(Forbidden):
        course_of(cast, unit=cast.other_province)
    with pytest.raises(Forbidden):
        services.course_create(
            actor=cast.commune_officer,
            title="Lớp xã",
            topic="ocop_process",
            unit=cast.commune,
            organiser="UBND phường",
            starts_on=TODAY,
            ends_on=TODAY,
        )
    assert not Course.objects.exists()
    assert course_of(cast, unit=cast.commune).level == "commune"  # the province holds a course in its commune


def test_courses_are_read_in_their_area_only(cast):
    course = course_of(cast)
    assert selectors.course_get(cast.commune_officer, course.pk) if course.unit == cast.commune else True
    assert list(selectors.courses_visible_to(cast.province_officer)) == [course]
    assert list(selectors.courses_visible_to(cast.central)) == [course]
    assert not selectors.courses_visible_to(cast.other_province_officer).exists()
    with pytest.raises(NotFound):
        selectors.course_get(cast.other_province_officer, course.pk)
    assert not selectors.courses_visible_to(cast.producer_user).exists()


def test_the_pages_take_an_organiser_from_the_sheet_to_the_certificate(cast, producers, login):
    client = login(cast.province_officer)
    response = client.post(
        "/training/new/",
        {
            "title": "Tập huấn chu trình OCOP",
            "topic": "ocop_process",
            "unit_code": "24",
            "organiser": "Sở Nông nghiệp và Môi trường",
            "starts_on": (TODAY - datetime.timedelta(days=2)).isoformat(),
            "ends_on": TODAY.isoformat(),
            "budget": "30000000",
            "budget_source": "central",
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/training/{course.pk}/"
    page = client.post(f"/training/{course.pk}/import/", {"file": SimpleUploadedFile("ds.csv", SHEET)})
    body = page.content.decode()
    assert page.status_code == 200 and "Ngô Thị Mật" in body and 'name="confirm"' in body
    assert not Attendee.objects.exists()
    token = page.context["token"]
    done = client.post(f"/training/{course.pk}/import/", {"confirm": token})
    assert done.status_code == 302 and course.attendees.count() == 5
    attendee = course.attendees.get(full_name="Ngô Thị Mật")
    pdf = client.get(f"/training/{course.pk}/certificates/{attendee.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    listing = client.get("/training/").content.decode()
    assert "Tập huấn chu trình OCOP" in listing and 'data-figure="officers_trained">3<' in listing
    # In English, the page's words follow.
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/training/").content.decode()
    assert "OCOP training courses" in english and "Officers trained" in english


def test_a_sheet_with_errors_shows_each_row_and_offers_no_import(cast, producers, login):
    client = login(cast.province_officer)
    course = course_of(cast)
    bad = f"{HEADER}\nAi Đó,Cán bộ,99999,,,\nLê Văn Xã,Cán bộ,07798,,x,".encode()
    page = client.post(f"/training/{course.pk}/import/", {"file": SimpleUploadedFile("ds.csv", bad)})
    body = page.content.decode()
    assert "99999" in body and 'name="confirm"' not in body
    assert not Attendee.objects.exists()


def test_the_api_creates_a_course_imports_its_sheet_and_reports_coverage(cast, producers, client, api_token):
    auth = api_token(cast.province_officer)
    created = client.post(
        "/api/v1/training/courses",
        {
            "title": "Tập huấn thương mại điện tử",
            "topic": "ecommerce",
            "unit": "24",
            "organiser": "Sở Công Thương",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    course_id = created.json()["id"]
    url = f"/api/v1/training/courses/{course_id}/attendees/import"
    preview = client.post(url, {"file": SimpleUploadedFile("ds.csv", SHEET)}, **auth)
    assert preview.status_code == 200 and preview.json()["ok"] and len(preview.json()["rows"]) == 5
    assert not Attendee.objects.exists()
    applied = client.post(url, {"file": SimpleUploadedFile("ds.csv", SHEET), "apply": "true"}, **auth)
    assert applied.status_code == 201 and applied.json()["rows"] == 5
    again = client.post(url, {"file": SimpleUploadedFile("ds.csv", SHEET), "apply": "true"}, **auth)
    assert again.status_code == 400 and again.json()["code"] == "attendance_invalid"
    listing = client.get(f"/api/v1/training/courses/{course_id}/attendees?page_size=2", **auth).json()
    assert listing["count"] == 5 and len(listing["items"]) == 2
    coverage = client.get(f"/api/v1/training/coverage?unit=24&year={YEAR}", **auth).json()
    assert {item["code"]: item["value"] for item in coverage["items"]}["officers_trained"] == 3
    bad = client.post(
        "/api/v1/training/courses",
        {
            "title": "x",
            "topic": "ecommerce",
            "unit": "24",
            "organiser": "y",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and bad.json()["code"] == "course_dates"
    assert Course.objects.count() == 1
    hanoi = api_token(cast.other_province_officer)
    assert client.get(f"/api/v1/training/courses/{course_id}", **hanoi).status_code == 404
    assert client.get("/api/v1/training/coverage?unit=24", **hanoi).status_code == 404
