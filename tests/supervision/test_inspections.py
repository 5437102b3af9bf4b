"""Supervision (issue 17, item 3): Trần Thị Tỉnh (Bắc Ninh) inspects the certified honey of Phường Vân Hà,
records a finding with its evidence, a follow-up and a warning, and proposes to revoke the certificate; Lý Thị
Duyệt, the second officer of Bắc Ninh, approves it through certification's own flow. The planning figures move.
"""

from __future__ import annotations

import datetime

import pytest
from cycle_support import image_bytes, pdf_bytes, upload
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.certification import services as certification
from ocop.certification.models import Certificate, CertificateChange, CertificateStatus, ChangeStatus
from ocop.core.errors import Conflict, Forbidden, Invalid, NotFound
from ocop.core.upload_refusals import UploadRefused
from ocop.supervision import indicators, selectors, services
from ocop.supervision.models import Evidence, Finding, FindingStatus, Inspection

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


def inspect(cast, product, **overrides):
    values = {"kinds": ["labelling", "mark_and_stamp"], "inspected_on": TODAY, "team": "Đoàn liên ngành"}
    values.update(overrides)
    return services.inspection_create(actor=cast.province_officer, product=product, **values)


def area(cast, **where):
    return {"province_id": cast.province.pk, "commune_id": None, "year": YEAR, **where}


def test_an_inspection_ends_in_a_revocation_approved_by_a_second_officer(cast, story, certified):
    assert indicators.inspections(**area(cast)) is None
    inspection = inspect(cast, story.honey)
    assert indicators.inspections(**area(cast)) == 1
    assert indicators.inspections(**area(cast, province_id=cast.other_province.pk)) == 0

    finding = services.finding_add(
        actor=cast.province_officer,
        inspection=inspection,
        kind="labelling",
        severity="major",
        description="Nhãn không ghi hạn sử dụng.",
        evidence=upload("bien-ban.pdf", pdf_bytes("Bien ban")),
    )
    assert finding.fix_by == TODAY + datetime.timedelta(days=30)  # "major": 30 days, from the data file
    assert finding.evidence.get().file_sha256
    services.follow_up_record(actor=cast.province_officer, finding=finding, visited_on=TODAY, fixed=False)
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.OPEN  # still within its deadline
    services.warning_issue(
        actor=cast.province_officer, inspection=inspection, text="Khắc phục nhãn trong 30 ngày."
    )

    change = services.inspection_propose(
        actor=cast.province_officer,
        inspection=inspection,
        kind="revoke",
        reason="Tái phạm ghi nhãn sai, sử dụng biểu trưng OCOP cho lô hàng khác.",
        decision_number="88/QĐ-UBND",
        decision_date=TODAY,
    )
    assert change.status == ChangeStatus.PENDING
    assert Inspection.objects.get(pk=inspection.pk).proposal == change
    assert Certificate.objects.get(pk=certified.pk).status == CertificateStatus.ACTIVE  # a proposal only
    assert indicators.inspections_with_proposal(**area(cast)) == 1

    with pytest.raises(Forbidden) as maker:
        certification.certificate_change_approve(actor=cast.province_officer, change=change)
    assert maker.value.code == "maker_checker"
    certification.certificate_change_approve(actor=story.checker, change=change)

    assert Certificate.objects.get(pk=certified.pk).status == CertificateStatus.REVOKED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "inspection.create",
        "inspection.finding_add",
        "inspection.follow_up",
        "inspection.warn",
    } <= actions
    assert {"inspection.propose", "certificate.revoke_request", "certificate.revoke"} <= actions
    with pytest.raises(Conflict):
        services.inspection_propose(
            actor=cast.province_officer,
            inspection=inspection,
            kind="revoke",
            reason="Lần hai",
            decision_number="89/QĐ-UBND",
            decision_date=TODAY,
        )


def test_an_inspection_of_a_product_without_a_certificate_is_refused(cast, story, certified):
    with pytest.raises(Invalid) as refused:
        inspect(cast, story.lychee)
    assert refused.value.code == "not_certified"
    assert (
        not Inspection.objects.exists() and not AuditEvent.objects.filter(action="inspection.create").exists()
    )


@pytest.mark.parametrize(
    "overrides",
    [{"kinds": []}, {"kinds": ["astrology"]}, {"inspected_on": TODAY + datetime.timedelta(days=2)}],
)
def test_an_inspection_with_bad_input_stores_nothing(cast, story, certified, overrides):
    with pytest.raises(Invalid):
        inspect(cast, story.honey, **overrides)
    assert not Inspection.objects.exists()


def test_only_the_province_inspects_and_others_read_within_their_area(cast, story, certified):
    for outsider in (cast.other_province_officer, cast.commune_officer, cast.producer_user):
        with pytest.raises(Forbidden):
            services.inspection_create(
                actor=outsider, product=story.honey, kinds=["labelling"], inspected_on=TODAY
            )
    inspection = inspect(cast, story.honey)
    assert selectors.inspection_get(cast.commune_officer, inspection.pk) == inspection
    with pytest.raises(NotFound):
        selectors.inspection_get(cast.other_province_officer, inspection.pk)
    with pytest.raises(NotFound):
        selectors.inspection_get(cast.other_commune_officer, inspection.pk)
    with pytest.raises(Forbidden):
        services.warning_issue(actor=cast.commune_officer, inspection=inspection, text="x")


def test_a_finding_with_a_bad_file_or_deadline_stores_nothing(cast, story, certified, isolated_files):
    inspection = inspect(cast, story.honey)
    with pytest.raises(UploadRefused):
        services.finding_add(
            actor=cast.province_officer,
            inspection=inspection,
            kind="labelling",
            severity="minor",
            description="Ảnh giả",
            evidence=upload("anh.pdf", image_bytes()),  # a PNG named .pdf
        )
    with pytest.raises(Invalid):
        services.finding_add(
            actor=cast.province_officer,
            inspection=inspection,
            kind="labelling",
            severity="minor",
            description="Hạn sai",
            fix_by=TODAY - datetime.timedelta(days=10),
        )
    assert not Finding.objects.exists() and not Evidence.objects.exists()
    assert not list((isolated_files / "media").rglob("*.*")) if (isolated_files / "media").exists() else True


def test_a_follow_up_after_the_deadline_marks_the_finding_not_fixed(cast, story, certified):
    two_days_ago = TODAY - datetime.timedelta(days=2)
    inspection = inspect(cast, story.honey, inspected_on=two_days_ago)
    finding = services.finding_add(
        actor=cast.province_officer,
        inspection=inspection,
        kind="food_safety",
        severity="critical",
        description="Kho bẩn",
        fix_by=two_days_ago,
    )
    services.follow_up_record(actor=cast.province_officer, finding=finding, visited_on=TODAY, fixed=False)
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.NOT_FIXED
    with pytest.raises(Conflict):
        services.follow_up_record(actor=cast.province_officer, finding=finding, visited_on=TODAY, fixed=True)
    services.inspection_close(actor=cast.province_officer, inspection=inspection, conclusion="Đề nghị xử lý.")
    with pytest.raises(Conflict) as closed:
        services.warning_issue(actor=cast.province_officer, inspection=inspection, text="Muộn")
    assert closed.value.code == "inspection_closed"


def test_a_proposal_to_lower_the_stars_goes_to_certification(cast, story, certified):
    inspection = inspect(cast, story.honey)
    with pytest.raises(Invalid):
        services.inspection_propose(
            actor=cast.province_officer,
            inspection=inspection,
            kind="change_stars",
            stars=5,
            reason="x",
            decision_number="90/QĐ-UBND",
            decision_date=TODAY,
        )
    change = services.inspection_propose(
        actor=cast.province_officer,
        inspection=inspection,
        kind="change_stars",
        stars=3,
        reason="Chất lượng không đạt tiêu chuẩn công bố.",
        decision_number="90/QĐ-UBND",
        decision_date=TODAY,
    )
    assert change.kind == "change_stars" and change.new_stars == 3
    assert CertificateChange.objects.count() == 1


def test_the_api_walks_an_inspection_to_its_proposal(
    cast, story, certified, client, api_token, isolated_files
):
    auth = api_token(cast.province_officer)
    refused = client.post(
        "/api/v1/supervision/inspections",
        {"product": story.lychee.pk, "kinds": ["labelling"], "inspected_on": TODAY.isoformat()},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 400 and refused.json()["code"] == "not_certified"
    created = client.post(
        "/api/v1/supervision/inspections",
        {"product": story.honey.pk, "kinds": ["labelling"], "inspected_on": TODAY.isoformat()},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    inspection_id = created.json()["id"]
    finding = client.post(
        f"/api/v1/supervision/inspections/{inspection_id}/findings",
        {
            "kind": "labelling",
            "severity": "minor",
            "description": "Thiếu tem",
            "evidence": upload("a.png", image_bytes()),
        },
        **auth,
    )
    assert finding.status_code == 201, finding.content
    evidence_url = finding.json()["evidence"][0]["url"]
    assert client.get(evidence_url, HTTP_AUTHORIZATION=auth["HTTP_AUTHORIZATION"]).status_code in (
        200,
        302,
        404,
    )
    proposal = client.post(
        f"/api/v1/supervision/inspections/{inspection_id}/proposal",
        {
            "kind": "revoke",
            "reason": "Vi phạm",
            "decision_number": "91/QĐ-UBND",
            "decision_date": TODAY.isoformat(),
        },
        content_type="application/json",
        **auth,
    )
    assert proposal.status_code == 201, proposal.content
    detail = client.get(f"/api/v1/supervision/inspections/{inspection_id}", **auth).json()
    assert detail["proposal"]["status"] == "pending" and len(detail["findings"]) == 1
    checker = api_token(story.checker)
    approved = client.post(
        f"/api/v1/certificates/changes/{proposal.json()['change']}/approve",
        {"note": ""},
        content_type="application/json",
        **checker,
    )
    assert approved.status_code == 200, approved.content
    assert Certificate.objects.get(pk=certified.pk).status == CertificateStatus.REVOKED
    hanoi = api_token(cast.other_province_officer)
    assert client.get(f"/api/v1/supervision/inspections/{inspection_id}", **hanoi).status_code == 404
    assert client.get("/api/v1/supervision/inspections", **hanoi).json()["count"] == 0
