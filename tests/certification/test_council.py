"""The decision follows the council (issue 12 item 5, issue 13 item 4): an item needs a concluded council result
of the same product carrying its stars, at a level that may recognise them; the checker is neither a member of
the producer nor one who scored the product; the draft is made from the round's results, by name."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ocop.accounts.models import RoleKind
from ocop.accounts.services import role_grant
from ocop.audit.models import AuditEvent
from ocop.certification import services
from ocop.certification.models import Certificate, DecisionStatus, RecognitionDecision
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.evaluation import services as evaluation
from ocop.evaluation.models import EvaluationStatus, RoundDossier
from ocop.producers.models import ProducerMember
from tests.council_support import council_backs
from tests.evaluation.conftest import answers, build_scene, submit
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _draft(story, items, **extra):
    return services.decision_create(
        actor=story.cast.province_officer,
        authority=story.province_authority,
        number=extra.pop("number", "123/QĐ-UBND"),
        date=extra.pop("date", TODAY - datetime.timedelta(days=1)),
        signer="Chủ tịch UBND tỉnh",
        items=items,
        **extra,
    )


def test_a_decision_for_a_product_with_no_concluded_round_is_refused(story):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        _draft(story, [(story.honey, 4)])
    assert refused.value.code == "no_council_result"
    assert "chưa có kết quả hội đồng" in refused.value.details[0]["message"]
    assert not RecognitionDecision.objects.exists()


def test_an_item_whose_stars_exceed_the_councils_is_refused(story):
    council_backs([(story.honey, 3)], authority=story.province_authority, actor=story.cast.province_officer)
    with nothing_changes(), pytest.raises(Invalid) as refused:
        _draft(story, [(story.honey, 4)])
    assert refused.value.code == "stars_above_council"
    assert "hội đồng công nhận 3 sao" in refused.value.details[0]["message"]
    assert not RecognitionDecision.objects.exists()


def test_a_score_other_than_the_councils_is_refused_and_the_councils_is_stored(story):
    council_backs(
        [(story.honey, 4, "81.25")], authority=story.province_authority, actor=story.cast.province_officer
    )
    with nothing_changes(), pytest.raises(Invalid) as refused:
        _draft(story, [(story.honey, 4, "89")])
    assert refused.value.code == "score_not_council"
    decision = _draft(story, [(story.honey, 4)])
    assert str(decision.items.get().score) == "81.25"


def test_a_council_result_of_another_authoritys_unit_does_not_count(story):
    # The central council recognised the honey: Bắc Ninh may not decide on that basis.
    council_backs([(story.honey, 4)], authority=story.central_authority, actor=story.cast.central)
    with nothing_changes(), pytest.raises(Invalid) as refused:
        _draft(story, [(story.honey, 4)])
    assert refused.value.code == "no_council_result"


def test_the_stars_must_be_recognisable_at_the_rounds_level(story):
    # A province round held in 2024: under Decision 148 the province then recognised 4★ only, so its council
    # result cannot carry a 3★ item, though the province recognises 3★ on the decision's date.
    council_backs(
        [(story.honey, 4)],
        authority=story.province_authority,
        actor=story.cast.province_officer,
        day=datetime.date(2024, 10, 1),
    )
    with nothing_changes(), pytest.raises(Invalid) as refused:
        _draft(story, [(story.honey, 3)])
    assert refused.value.code == "stars_not_for_round_level"
    assert not RecognitionDecision.objects.exists()


def test_approval_checks_the_council_again_and_changes_nothing_when_it_moved(story):
    (backing,) = council_backs(
        [(story.honey, 4)], authority=story.province_authority, actor=story.cast.province_officer
    )
    decision = _draft(story, [(story.honey, 4)])
    RoundDossier.objects.filter(pk=backing.pk).update(recognised_stars=3)  # the result was recomputed lower
    events = AuditEvent.objects.count()
    with nothing_changes(), pytest.raises(Conflict) as refused:
        services.decision_approve(actor=story.checker, decision=decision)
    assert refused.value.code == "stars_above_council"
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    assert not Certificate.objects.exists() and AuditEvent.objects.count() == events


def test_a_checker_who_is_a_member_of_the_producer_is_refused(story):
    council_backs([(story.honey, 4)], authority=story.province_authority, actor=story.cast.province_officer)
    decision = _draft(story, [(story.honey, 4)])
    ProducerMember.objects.create(producer=story.honey.producer, user=story.checker)
    with nothing_changes(), pytest.raises(Forbidden) as refused:
        services.decision_approve(actor=story.checker, decision=decision)
    assert refused.value.code == "checker_is_producer_member"
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT and not Certificate.objects.exists()


@pytest.fixture
def concluded(cast):
    """A real round: three members score the honey 80 (4★), the officer computes and concludes "recognise"."""
    scene = build_scene(cast)
    for user in (cast.council1, cast.council2, cast.council3):
        submit(scene, user, answers(**{"1.1": "c", "3.2": "b"}))
    result = evaluation.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    evaluation.council_conclude(
        actor=cast.province_officer, round_dossier=result, conclusion="recognise", minutes="Đề nghị 4 sao."
    )
    scene.refresh()
    return scene


def test_the_decision_is_drafted_from_the_rounds_recognised_products(concluded):
    cast = concluded.cast
    decision = services.decision_draft_from_round(
        actor=cast.province_officer,
        evaluation_round=concluded.round,
        number="200/QĐ-UBND",
        date=TODAY,
        signer="Chủ tịch UBND tỉnh",
    )
    item = decision.items.get()
    rd = concluded.round_dossier
    assert (item.product_id, item.stars, item.score, item.dossier_id) == (
        concluded.product.pk,
        rd.recognised_stars,
        rd.mean_score,
        rd.dossier_id,
    )
    assert item.stars == 4 and item.kind == "first"
    services.decision_approve(actor=concluded.checker, decision=decision)
    assert Certificate.objects.get(product=concluded.product).stars == 4
    assert concluded.refresh().status == EvaluationStatus.RECOGNISED


def test_only_the_rounds_proposals_may_be_ticked(concluded):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.decision_draft_from_round(
            actor=concluded.cast.province_officer,
            evaluation_round=concluded.round,
            round_dossiers=[concluded.round_dossier.pk, 10**9],
            number="201/QĐ-UBND",
            date=TODAY,
            signer="Chủ tịch UBND tỉnh",
        )
    assert refused.value.code == "round_dossier_not_proposed"
    assert not RecognitionDecision.objects.exists()


def test_a_checker_who_scored_the_product_in_that_round_is_refused(concluded):
    cast = concluded.cast
    # council1 also holds a province officer's seat: a possible checker, but not of what they scored.
    role_grant(actor=None, user=cast.council1, kind=RoleKind.PROVINCE_OFFICER, unit=cast.province)
    decision = services.decision_draft_from_round(
        actor=cast.province_officer,
        evaluation_round=concluded.round,
        number="202/QĐ-UBND",
        date=TODAY,
        signer="Chủ tịch UBND tỉnh",
    )
    with nothing_changes(), pytest.raises(Forbidden) as refused:
        services.decision_approve(actor=cast.council1, decision=decision)
    assert refused.value.code == "checker_scored_product"
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT and not Certificate.objects.exists()
    assert concluded.refresh().status == EvaluationStatus.RECOGNITION_PROPOSED


def test_the_api_drafts_from_the_round_and_shows_the_council_beside_each_item(concluded, client, api_token):
    cast = concluded.cast
    body = {
        "round": concluded.round.pk,
        "number": "203/QĐ-UBND",
        "date": TODAY.isoformat(),
        "signer": "Chủ tịch",
    }
    made = client.post(
        "/api/v1/certificates/decisions/from-round",
        body,
        content_type="application/json",
        **api_token(cast.province_officer),
    )
    assert made.status_code == 201, made.content
    (item,) = made.json()["items"]
    assert item["product"]["name"] == concluded.product.name and item["stars"] == 4
    assert item["council"]["stars"] == 4 and item["council"]["score"] == str(
        concluded.round_dossier.mean_score
    )
    assert item["council"]["explanation"]
    again = client.post(
        "/api/v1/certificates/decisions/from-round",
        {**body, "number": "204/QĐ-UBND"},
        content_type="application/json",
        **api_token(cast.province_officer),
    )
    # Its product waits in the first draft: nothing more to draft from this round.
    assert (again.status_code, again.json()["code"]) == (409, "product_in_pending_decision")
    other = client.post(
        "/api/v1/certificates/decisions/from-round",
        {**body, "number": "205/QĐ-UBND"},
        content_type="application/json",
        **api_token(cast.other_province_officer),
    )
    assert (other.status_code, other.json()["code"]) == (404, "round_not_found")
    assert RecognitionDecision.objects.count() == 1
