"""Recognition decisions: one official drafts, another approves, and only then are certificates issued."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.certification import qr, services
from ocop.certification.models import (
    ApplicationKind,
    Certificate,
    CertificateStatus,
    DecisionStatus,
    RecognitionDecision,
    RevocationList,
)
from ocop.core.dates import add_months
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.evaluation.models import RoundDossier
from tests.council_support import council_backs
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def back(story, items, *, authority=None, date=None):
    """A council of the authority's unit recognised each of these items."""
    council_backs(
        items,
        authority=authority or story.province_authority,
        actor=story.cast.province_officer,
        day=date or TODAY - datetime.timedelta(days=3),
    )


def draft(story, items, *, actor=None, number="123/QĐ-UBND", date=None, authority=None, backed=True):
    """A draft of these items; `backed`: after a council of the authority's unit recognised each of them."""
    authority = authority or story.province_authority
    date = date or TODAY - datetime.timedelta(days=3)
    if backed:
        back(story, items, authority=authority, date=date)
    return services.decision_create(
        actor=actor or story.cast.province_officer,
        authority=authority,
        number=number,
        date=date,
        signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        items=items,
    )


def test_a_draft_issues_nothing_until_a_second_official_approves(story):
    decision = draft(story, [(story.honey, 4, "78.50", None), (story.lychee, 3, None, None)])
    assert decision.status == DecisionStatus.DRAFT
    assert not Certificate.objects.exists()

    services.decision_approve(actor=story.checker, decision=decision, note="Đúng kết quả hội đồng")

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    assert decision.checked_by == story.checker
    honey, lychee = Certificate.objects.filter(decision=decision).order_by("id")
    year = decision.date.year
    assert (honey.number, lychee.number) == (f"24-{year}-00001", f"24-{year}-00002")
    assert (honey.stars, lychee.stars) == (4, 3)
    assert honey.issued_on == decision.date
    # 36 months from the decision's date, read from the rubric data: valid through the day before.
    assert honey.valid_until == add_months(decision.date, 36) - datetime.timedelta(days=1)
    assert honey.status == CertificateStatus.ACTIVE and honey.effective_status() == "active"
    claim, _signature = qr.unpack(honey.qr_payload)
    assert (claim.key_id, claim.number, claim.stars, claim.valid_until) == (
        "24-1",
        honey.number,
        4,
        honey.valid_until,
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"decision.create", "decision.approve", "certificate.issue"} <= actions


def test_the_maker_cannot_approve_their_own_decision(story):
    decision = draft(story, [(story.honey, 4, None, None)])
    events = AuditEvent.objects.count()

    with nothing_changes(), pytest.raises(Forbidden) as refused:
        services.decision_approve(actor=story.cast.province_officer, decision=decision)

    assert refused.value.code == "maker_checker"
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    assert not Certificate.objects.exists()
    assert AuditEvent.objects.count() == events


def test_officers_of_another_province_or_without_the_capability_cannot_act(story):
    decision = draft(story, [(story.honey, 4, None, None)])
    back(story, [(story.lychee, 3, None, None)])
    for outsider in (story.cast.other_province_officer, story.cast.commune_officer, story.cast.council1):
        with nothing_changes(), pytest.raises(Forbidden):
            services.decision_approve(actor=outsider, decision=decision)
        with nothing_changes(), pytest.raises(Forbidden):
            draft(story, [(story.lychee, 3, None, None)], actor=outsider, number="9/QĐ-UBND", backed=False)
    # The centre oversees, but does not sign for the province.
    with nothing_changes(), pytest.raises(Forbidden):
        services.decision_approve(actor=story.cast.central, decision=decision)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("stars", "score", "code"),
    [
        (5, None, "stars_not_recognisable"),
        (2, None, "stars_not_recognisable"),
        (4, "65", "score_below_stars"),
    ],
)
def test_a_province_recognises_only_3_and_4_stars_backed_by_the_score(story, stars, score, code):
    back(story, [(story.honey, stars, score, None)])
    with nothing_changes(), pytest.raises(Invalid) as refused:
        draft(story, [(story.honey, stars, score, None)], backed=False)
    assert refused.value.code == code
    assert not RecognitionDecision.objects.exists()


def test_a_province_recognises_only_products_of_its_own_province(story):
    back(story, [(story.honey, 4, None, None), (story.tea, 4, None, None)])
    with nothing_changes(), pytest.raises(Invalid) as refused:
        draft(story, [(story.honey, 4, None, None), (story.tea, 4, None, None)], backed=False)
    assert refused.value.code == "product_outside_authority"
    assert str(story.tea.pk) in refused.value.details[0]["message"]
    assert story.tea.name not in refused.value.details[0]["message"]
    assert not RecognitionDecision.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("number", "QĐ-UBND 123", "decision_number_invalid"),
        ("date", TODAY + datetime.timedelta(days=1), "decision_date_future"),
        ("items", [], "decision_without_items"),
    ],
)
def test_bad_decisions_are_refused_with_a_clear_code(story, field, value, code):
    arguments = {
        "number": "123/QĐ-UBND",
        "date": TODAY,
        "items": [(story.honey, 4, None, None)],
        field: value,
    }
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.decision_create(
            actor=story.cast.province_officer,
            authority=story.province_authority,
            signer="Chủ tịch",
            **arguments,
        )
    assert refused.value.code == code
    assert not RecognitionDecision.objects.exists()


def test_a_number_is_used_once_and_a_product_waits_in_one_draft(story):
    draft(story, [(story.honey, 4, None, None)])
    back(story, [(story.lychee, 3, None, None), (story.honey, 3, None, None)])
    with nothing_changes(), pytest.raises(Conflict) as taken:
        draft(story, [(story.lychee, 3, None, None)], backed=False)
    assert taken.value.code == "decision_number_taken"
    with nothing_changes(), pytest.raises(Conflict) as pending:
        draft(story, [(story.honey, 3, None, None)], number="124/QĐ-UBND", backed=False)
    assert pending.value.code == "product_in_pending_decision"
    assert RecognitionDecision.objects.count() == 1


def test_a_returned_draft_frees_its_number(story):
    decision = draft(story, [(story.honey, 4, None, None)])
    services.decision_reject(actor=story.checker, decision=decision, reason="Sai điểm")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REJECTED
    with nothing_changes(), pytest.raises(Conflict):
        services.decision_approve(actor=story.checker, decision=decision)
    again = draft(story, [(story.honey, 4, None, None)])
    assert again.number == decision.number


def test_the_centre_recognises_5_stars_and_replaces_the_provincial_certificate(story, issue):
    (provincial,) = issue([(story.honey, 4, "92", None)])
    decision = draft(
        story,
        [(story.honey, 5, "93.5", None)],
        actor=story.cast.central,
        authority=story.central_authority,
        number="2361/QĐ-BNNMT",
    )
    item = decision.items.get()
    assert item.kind == ApplicationKind.UPGRADE
    assert item.previous_certificate == provincial
    # The dossier the central council scored, found from its result: never typed.
    central_round = RoundDossier.objects.get(round__level="central", dossier__product=story.honey)
    assert item.dossier_id == central_round.dossier_id

    services.decision_approve(actor=story.central_checker, decision=decision)

    provincial.refresh_from_db()
    national = Certificate.objects.get(decision=decision)
    assert provincial.status == CertificateStatus.SUPERSEDED
    assert national.replaces == provincial
    assert national.stars == 5 and national.number.startswith("TW-")
    assert Certificate.objects.filter(product=story.honey, status="active").get() == national
    # The province's signed revocation list now names its replaced certificate.
    entries = RevocationList.objects.get(authority=story.province_authority).body["revoked"]
    assert [(e["number"], e["reason"], e["replaced_by"]) for e in entries] == [
        (provincial.number, "superseded", national.number)
    ]


def test_the_centre_does_not_recognise_4_stars(story):
    back(story, [(story.honey, 4, None, None)], authority=story.central_authority)
    with nothing_changes(), pytest.raises(Invalid) as refused:
        draft(
            story,
            [(story.honey, 4, None, None)],
            actor=story.cast.central,
            authority=story.central_authority,
            backed=False,
        )
    assert refused.value.code == "stars_not_recognisable"


def test_re_evaluation_follows_the_expired_certificate(story, issue):
    # Late 2023: under Decision 148 the province recognised 4★ only (districts recognised 3★).
    (old,) = issue(
        [(story.honey, 4, None, None)], date=TODAY - datetime.timedelta(days=37 * 31), number="5/QĐ-UBND"
    )
    assert old.effective_status() == "expired"
    decision = draft(story, [(story.honey, 3, None, None)])
    item = decision.items.get()
    assert (item.kind, item.previous_certificate) == (ApplicationKind.REEVALUATION, old)


def test_the_database_allows_one_active_certificate_per_product(story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    twin = Certificate(
        number="X-1",
        product=story.honey,
        authority=certificate.authority,
        decision=certificate.decision,
        stars=4,
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        key=certificate.key,
        qr_payload=certificate.qr_payload,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
