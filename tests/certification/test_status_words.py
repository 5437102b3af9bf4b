"""What the pages say of a certificate's state, and who reads it, with the states named from their tables.

A revoked, replaced or expired certificate carries its own banner on its page, in its PDF and on the public
verification page; the list's badge is green only while it is in force; a draft decision shows the council's
results beside its products. A producer's guarded fields follow whether a certificate is in force; the
expiry reminders refuse with a clear reason when no rubric version is loaded.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ocop.certification import pdf, selectors, services
from ocop.certification.models import Certificate, CertificateStatus, EffectiveStatus
from ocop.core.errors import Invalid
from ocop.producers.selectors import PRODUCER_GUARDED, holds_active_certificate, producer_guarded_fields
from ocop.rubrics.models import RubricVersionContent
from ocop.rubrics.selectors import loaded_changed
from tests.council_support import council_backs

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
BANNERS = {
    EffectiveStatus.REVOKED: "ĐÃ THU HỒI",
    EffectiveStatus.SUPERSEDED: "ĐÃ ĐƯỢC THAY THẾ",
    EffectiveStatus.EXPIRED: "ĐÃ HẾT HIỆU LỰC",
}


def put_in_state(certificate: Certificate, state: EffectiveStatus) -> None:
    if state == EffectiveStatus.EXPIRED:
        Certificate.objects.filter(pk=certificate.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    elif state != EffectiveStatus.ACTIVE:
        Certificate.objects.filter(pk=certificate.pk).update(status=state.value, ended_at=None)
    certificate.refresh_from_db()


@pytest.mark.parametrize("state", list(EffectiveStatus))
def test_the_page_and_the_pdf_show_the_banner_of_the_state_and_no_other(login, story, issue, state):
    (certificate,) = issue([(story.honey, 4, None, None)])
    put_in_state(certificate, state)
    assert certificate.effective_status() == state

    page = login(story.cast.province_officer).get(f"/certificates/{certificate.pk}/").content.decode()
    printed = pdf.render_to_string("certification/certificate_pdf.html", pdf.context(certificate))

    for other, banner in BANNERS.items():
        assert (banner in page) == (other == state), (state, banner)
        assert (banner in printed) == (other == state), (state, banner)


@pytest.mark.parametrize(
    ("state", "tone"),
    [
        (EffectiveStatus.ACTIVE, "badge-ok"),
        (EffectiveStatus.EXPIRED, "badge-warn"),
        (EffectiveStatus.REVOKED, "badge-bad"),
        (EffectiveStatus.SUPERSEDED, "badge-bad"),
    ],
)
def test_the_badge_is_green_only_while_the_certificate_is_in_force(login, story, issue, state, tone):
    (certificate,) = issue([(story.honey, 4, None, None)])
    put_in_state(certificate, state)
    officer = login(story.cast.province_officer)
    label = str(state.label)
    for url in ("/certificates/", f"/certificates/{certificate.pk}/"):
        page = officer.get(url).content.decode()
        assert f'<span class="badge {tone}">{label}</span>' in page, url


@pytest.mark.parametrize(
    ("state", "heading"),
    [
        (EffectiveStatus.ACTIVE, "HỢP LỆ"),
        (EffectiveStatus.EXPIRED, "HẾT HIỆU LỰC"),
        (EffectiveStatus.REVOKED, "ĐÃ THU HỒI"),
        (EffectiveStatus.SUPERSEDED, "ĐÃ THU HỒI"),
    ],
)
def test_the_public_check_of_a_typed_number_says_the_state(client, story, issue, state, heading):
    (certificate,) = issue([(story.honey, 4, None, None)])
    put_in_state(certificate, state)
    page = client.get("/certificates/verify/", {"code": certificate.number}).content.decode()
    banners = {"HỢP LỆ", "HẾT HIỆU LỰC", "ĐÃ THU HỒI", "KHÔNG XÁC THỰC"}
    shown = {b for b in banners if f"<strong>{b}</strong>" in page}
    assert shown == {heading}
    result, _found = selectors.certificate_verify(certificate.number)
    expected = EffectiveStatus.REVOKED if state == EffectiveStatus.SUPERSEDED else state
    assert (result.status, result.problem) == (
        expected.value,
        None if state == EffectiveStatus.ACTIVE else state.value,
    )


def test_a_draft_decision_shows_the_council_results_and_an_approved_one_does_not(login, story):
    maker = login(story.cast.province_officer)
    decided = TODAY - datetime.timedelta(days=3)
    council_backs(
        [(story.honey, 4, "78.50")],
        authority=story.province_authority,
        actor=story.cast.province_officer,
        day=decided,
    )
    decision = services.decision_create(
        actor=story.cast.province_officer,
        authority=story.province_authority,
        number="9/QĐ-UBND",
        date=decided,
        signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        items=[(story.honey, 4, None, None)],
    )
    draft = maker.get(f"/certificates/decisions/{decision.pk}/").content.decode()
    assert "Kết quả hội đồng" in draft and 'class="council-result"' in draft and "78,50 điểm, 4 ★" in draft

    services.decision_approve(actor=story.checker, decision=decision)
    approved = maker.get(f"/certificates/decisions/{decision.pk}/").content.decode()
    assert (
        "Kết quả hội đồng" not in approved
        and "council-result" not in approved
        and "78,50 điểm, 4 ★" not in approved
    )


def test_a_producer_is_guarded_only_while_a_certificate_is_in_force(story, issue):
    producer = story.honey.producer
    assert not holds_active_certificate(producer)
    (certificate,) = issue([(story.honey, 4, None, None)])
    assert holds_active_certificate(producer) and holds_active_certificate(producer, story.honey)
    assert not holds_active_certificate(producer, story.lychee)
    assert producer_guarded_fields(producer) == PRODUCER_GUARDED

    put_in_state(certificate, EffectiveStatus.EXPIRED)
    assert not holds_active_certificate(producer)
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=TODAY, status=CertificateStatus.REVOKED)
    assert not holds_active_certificate(producer)
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.ACTIVE)
    assert holds_active_certificate(producer)  # its last valid day is today


def test_reminders_without_a_loaded_rubric_refuse_with_a_reason(story, issue):
    issue([(story.honey, 4, None, None)])
    RubricVersionContent.objects.all().delete()
    loaded_changed()
    with pytest.raises(Invalid) as refused:
        selectors.certificates_due_for_reminder(TODAY)
    assert refused.value.code == "no_rubric_loaded"
    assert "Chưa nạp bộ tiêu chí nào" in str(refused.value.message)
    assert selectors.certificates_due_for_reminder(TODAY, lead_days=30) == []


def test_the_public_check_names_the_revocation_decision_by_its_own_date(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    Certificate.objects.filter(pk=certificate.pk).update(
        status=EffectiveStatus.REVOKED.value,
        ended_at=timezone.now(),  # approved today
        revocation_decision_number="301/QĐ-UBND",
        revocation_decision_date=datetime.date(2026, 12, 4),
    )
    page = client.get("/certificates/verify/", {"code": certificate.number}).content.decode()
    assert "Quyết định số 301/QĐ-UBND ngày 04/12/2026" in page
    assert TODAY.isoformat() not in page  # no raw ISO date of the approval
