"""Revocation and change of stars: proposed by one official, effective only when another approves."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.certification import services
from ocop.certification.models import (
    Certificate,
    CertificateStatus,
    ChangeStatus,
    RecognitionDecision,
    RevocationList,
)
from ocop.certification.selectors import active_certificate_for, certificate_summary, current_certificate_for
from ocop.core.errors import Conflict, Forbidden, Invalid
from tests.council_support import council_backs
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def revoke_request(story, certificate, actor=None, **overrides):
    arguments = {
        "reason": "Vi phạm quy định sử dụng biểu trưng OCOP",
        "decision_number": "45/QĐ-UBND",
        "decision_date": TODAY,
        **overrides,
    }
    return services.certificate_revoke_request(
        actor=actor or story.cast.province_officer, certificate=certificate, **arguments
    )


def test_revocation_takes_effect_only_when_a_second_official_approves(story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    change = revoke_request(story, certificate)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ACTIVE
    assert active_certificate_for(story.honey) == certificate

    with nothing_changes(), pytest.raises(Forbidden) as refused:
        services.certificate_revoke_approve(actor=story.cast.province_officer, change=change)
    assert refused.value.code == "maker_checker"
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ACTIVE

    services.certificate_revoke_approve(actor=story.checker, change=change, note="Đồng ý")

    certificate.refresh_from_db()
    change.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revocation_decision_number == "45/QĐ-UBND"
    assert certificate.revoked_reason == "Vi phạm quy định sử dụng biểu trưng OCOP"
    assert change.status == ChangeStatus.APPROVED and change.checked_by == story.checker
    assert active_certificate_for(story.honey) is None and current_certificate_for(story.honey) is None
    assert certificate_summary(certificate)["status"] == "revoked"
    entries = RevocationList.objects.get(authority=story.province_authority).body["revoked"]
    assert [(e["number"], e["reason"], e["decision"]) for e in entries] == [
        (certificate.number, "revoked", "45/QĐ-UBND")
    ]
    event = AuditEvent.objects.get(action="certificate.revoke")
    assert event.actor == story.checker and event.reason == "Vi phạm quy định sử dụng biểu trưng OCOP"


def test_a_revocation_needs_a_reason_a_decision_and_an_active_certificate(story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    for overrides, code in [
        ({"reason": "  "}, "reason_required"),
        ({"decision_number": "thu hồi"}, "decision_number_invalid"),
        ({"decision_date": TODAY + datetime.timedelta(days=2)}, "decision_date_future"),
        ({"decision_date": certificate.issued_on - datetime.timedelta(days=1)}, "decision_date_too_early"),
    ]:
        with nothing_changes(), pytest.raises(Invalid) as refused:
            revoke_request(story, certificate, **overrides)
        assert refused.value.code == code
    change = revoke_request(story, certificate)
    with nothing_changes(), pytest.raises(Conflict):
        revoke_request(story, certificate)
    services.certificate_revoke_approve(actor=story.checker, change=change)
    with nothing_changes(), pytest.raises(Conflict) as again:
        revoke_request(story, certificate)
    assert again.value.code == "certificate_not_active"


def test_outsiders_cannot_propose_or_approve(story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    for outsider in (story.cast.other_province_officer, story.cast.commune_officer, story.cast.producer_user):
        with nothing_changes(), pytest.raises(Forbidden):
            revoke_request(story, certificate, actor=outsider)
    change = revoke_request(story, certificate)
    for outsider in (story.cast.other_province_officer, story.cast.central, story.cast.producer_user):
        with nothing_changes(), pytest.raises(Forbidden):
            services.certificate_change_approve(actor=outsider, change=change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def test_a_change_of_stars_reissues_the_certificate_with_the_same_expiry(story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    change = services.certificate_change_stars_request(
        actor=story.checker,
        certificate=certificate,
        stars=3,
        reason="Kiểm tra sau công nhận: chỉ tiêu chất lượng không đạt 4 sao",
        decision_number="50/QĐ-UBND",
        decision_date=TODAY,
    )
    services.certificate_change_stars_approve(actor=story.cast.province_officer, change=change)

    certificate.refresh_from_db()
    new = Certificate.objects.get(change=change)
    assert certificate.status == CertificateStatus.SUPERSEDED
    assert (new.stars, new.replaces, new.valid_until, new.issued_on) == (
        3,
        certificate,
        certificate.valid_until,
        TODAY,
    )
    assert new.number != certificate.number
    assert active_certificate_for(story.honey) == new
    assert certificate_summary(certificate)["status"] == "revoked"  # the old QR no longer holds
    assert AuditEvent.objects.filter(action="certificate.change_stars").count() == 1


def test_a_change_of_stars_must_change_them_to_a_star_the_authority_recognises(story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    for stars, code in [(4, "stars_unchanged"), (5, "stars_not_recognisable"), ("many", "stars_invalid")]:
        with nothing_changes(), pytest.raises(Invalid) as refused:
            services.certificate_change_stars_request(
                actor=story.checker,
                certificate=certificate,
                stars=stars,
                reason="x",
                decision_number="50/QĐ-UBND",
                decision_date=TODAY,
            )
        assert refused.value.code == code


def test_a_request_can_be_turned_down_or_withdrawn(story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    change = revoke_request(story, certificate)
    services.certificate_change_reject(actor=story.checker, change=change, reason="Chưa đủ căn cứ")
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    with nothing_changes(), pytest.raises(Conflict):
        services.certificate_change_approve(actor=story.checker, change=change)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ACTIVE
    withdrawn = revoke_request(story, certificate)
    services.certificate_change_reject(
        actor=story.cast.province_officer, change=withdrawn, reason="Rút đề nghị"
    )
    assert revoke_request(story, certificate).status == ChangeStatus.PENDING


def test_pages_let_the_checker_approve_and_refuse_the_maker(login, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    maker = login(story.cast.province_officer)
    response = maker.post(
        f"/certificates/{certificate.pk}/revoke/",
        {
            "revoke-reason": "Vi phạm",
            "revoke-decision_number": "45/QĐ-UBND",
            "revoke-decision_date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    change = certificate.changes.get()
    page = maker.get(f"/certificates/{certificate.pk}/").content.decode()
    assert "Duyệt đề nghị" not in page and "cần một cán bộ khác duyệt" in page
    maker.post(f"/certificates/changes/{change.pk}/approve/", {})
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ACTIVE

    checker = login(story.checker)
    assert "Duyệt đề nghị" in checker.get(f"/certificates/{certificate.pk}/").content.decode()
    # The decisions page lists what waits: the certificate, the kind of change, who asked.
    waiting = checker.get("/certificates/decisions/").content.decode()
    line = f'<a href="/certificates/{certificate.pk}/">{certificate.number}</a> — Thu hồi — '
    assert line + str(story.cast.province_officer) + "</li>" in waiting
    checker.post(f"/certificates/changes/{change.pk}/approve/", {"note": "Đồng ý"})
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert "ĐÃ THU HỒI" in checker.get(f"/certificates/{certificate.pk}/").content.decode()


def test_decision_pages_draft_and_approve(login, story):
    maker = login(story.cast.province_officer)
    empty = maker.get("/certificates/decisions/new/").content.decode()
    assert "Chưa có sản phẩm nào được hội đồng kết luận đề nghị công nhận" in empty
    honey, lychee = council_backs(
        [(story.honey, 4, "78.50"), (story.lychee, 3)],
        authority=story.province_authority,
        actor=story.cast.province_officer,
    )
    form = maker.get("/certificates/decisions/new/").content.decode()
    # Products are picked by name, with the council's stars and score: no id, no star, no score to type.
    assert "Ủy ban nhân dân tỉnh Bắc Ninh" in form and "Mật ong hoa vải Vân Hà" in form
    assert 'name="items"' not in form and "4★, 78,50 điểm" in form
    response = maker.post(
        "/certificates/decisions/new/",
        {
            "authority": story.cast.province.pk,
            "number": "130/QĐ-UBND",
            "date": TODAY.isoformat(),
            "signer": "Chủ tịch UBND tỉnh Nguyễn Văn Ký",
            "proposals": [honey.pk, lychee.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    decision_url = response["Location"]
    page = maker.get(decision_url).content.decode()
    assert "Mật ong hoa vải Vân Hà" in page and "Duyệt quyết định" not in page

    checker = login(story.checker)
    page = checker.get(decision_url).content.decode()
    # Beside each item, the council's score, star and explanation.
    assert "Duyệt quyết định" in page and "78,50 điểm, 4 ★" in page
    assert "hội đồng công nhận 4 sao" in page
    checker.post(decision_url + "approve/", {"note": ""})
    assert Certificate.objects.filter(product__in=[story.honey, story.lychee], status="active").count() == 2
    listing = checker.get("/certificates/").content.decode()
    assert "Mật ong hoa vải Vân Hà" in listing


def test_decision_page_offers_only_council_results_of_its_authority(login, story):
    """A product without a council result (the tea of Hà Nội, or an id made up) cannot be ticked."""
    maker = login(story.cast.province_officer)
    (honey,) = council_backs(
        [(story.honey, 4)], authority=story.province_authority, actor=story.cast.province_officer
    )
    council_backs([(story.tea, 4)], authority=story.province_authority, actor=story.cast.province_officer)
    form = maker.get("/certificates/decisions/new/").content.decode()
    assert story.honey.name in form and story.tea.name not in form  # the tea is of another province
    response = maker.post(
        "/certificates/decisions/new/",
        {
            "authority": story.cast.province.pk,
            "number": "131/QĐ-UBND",
            "date": TODAY.isoformat(),
            "signer": "Chủ tịch",
            "proposals": [honey.pk, 999999],
        },
    )
    assert response.status_code == 400
    assert not RecognitionDecision.objects.exists()


def test_api_flow_with_idempotency(client, api_token, story):
    maker, checker = api_token(story.cast.province_officer), api_token(story.checker)
    body = {
        "authority": "24",
        "number": "140/QĐ-UBND",
        "date": TODAY.isoformat(),
        "signer": "Chủ tịch UBND tỉnh",
        "items": [{"product": story.honey.pk, "stars": 4}],
    }
    (backing,) = council_backs(
        [(story.honey, 4, "80.5")], authority=story.province_authority, actor=story.cast.province_officer
    )
    first = client.post(
        "/api/v1/certificates/decisions",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **maker,
    )
    again = client.post(
        "/api/v1/certificates/decisions",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **maker,
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    decision = first.json()
    assert decision["may_approve"] is False and decision["items"][0]["dossier"] == backing.dossier_id

    refused = client.post(
        f"/api/v1/certificates/decisions/{decision['id']}/approve",
        {},
        content_type="application/json",
        **maker,
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "maker_checker")
    approved = client.post(
        f"/api/v1/certificates/decisions/{decision['id']}/approve",
        {"note": "OK"},
        content_type="application/json",
        **checker,
    ).json()
    assert approved["status"] == "approved"
    number = approved["items"][0]["certificate"]
    certificate = Certificate.objects.get(number=number)

    change = client.post(
        f"/api/v1/certificates/{certificate.pk}/revoke",
        {"reason": "Vi phạm", "decision_number": "45/QĐ-UBND", "decision_date": TODAY.isoformat()},
        content_type="application/json",
        **checker,
    )
    assert change.status_code == 201
    done = client.post(
        f"/api/v1/certificates/changes/{change.json()['id']}/approve",
        {},
        content_type="application/json",
        **maker,
    )
    assert done.json()["status"] == "approved"
    detail = client.get(f"/api/v1/certificates/{certificate.pk}", **maker).json()
    assert detail["status"] == "revoked" and detail["may_request_revocation"] is False


def test_a_certificate_past_its_validity_is_not_put_up_for_revocation_nor_approved(story, issue, login):
    (certificate,) = issue([(story.honey, 4, None, None)])
    valid_until = certificate.valid_until
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    certificate.refresh_from_db()

    page = login(story.cast.province_officer).get(f"/certificates/{certificate.pk}/")
    assert page.context["may_request_revocation"] is False
    with nothing_changes(), pytest.raises(Conflict) as refused:
        revoke_request(story, certificate)
    assert refused.value.code == "certificate_not_active" and "hết hiệu lực" in str(refused.value.message)

    Certificate.objects.filter(pk=certificate.pk).update(valid_until=valid_until)
    certificate.refresh_from_db()
    change = revoke_request(story, certificate)  # asked while it was in force
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    with nothing_changes(), pytest.raises(Conflict):  # and not approved once it has lapsed
        services.certificate_change_approve(actor=story.checker, change=change)
