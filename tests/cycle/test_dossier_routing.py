"""Routing a dossier: one transition table, one service per step, the acting level from the duty table.

Ngô Thị Mật (producer, honey cooperative of Phường Vân Hà) submits; Lê Văn Xã (commune officer of Vân Hà)
checks and forwards; Trần Thị Tỉnh (province officer, Bắc Ninh) accepts for evaluation. Everyone else is
refused, and a refusal changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cycle_support import THIS_YEAR, dossier_story, honey, honey_cooperative, product_set
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict, Forbidden, Invalid, NotFound
from ocop.cycle import services
from ocop.cycle.checklists import checklist_for
from ocop.cycle.guards import GUARDS
from ocop.cycle.models import Dossier, DossierTransition, Notification
from ocop.cycle.policies import flags
from ocop.cycle.routes import route_on
from ocop.cycle.selectors import QueueFilters, deadline_of, dossier_queue_for, dossiers_visible_to
from ocop.cycle.workflow import parse_routing, routing, workflow
from ocop.producers.services import producer_confirm
from ocop.products.services import product_create
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db


def unchanged(dossier: Dossier) -> dict:
    return Dossier.objects.values().get(pk=dossier.pk)


def test_the_dossier_travels_from_producer_to_province(cast):
    story = dossier_story(cast, until="draft")
    dossier = story.dossier
    assert dossier.status == "draft" and dossier.submitted_at is None
    assert (
        dossier_queue_for(cast.commune_officer, QueueFilters()).count() == 0
    )  # drafts are the producer's own

    dossier = services.dossier_submit(actor=cast.producer_user, dossier=dossier, note="Kính gửi UBND phường")
    assert dossier.status == "submitted"
    assert dossier.route["receiver"] == "commune" and dossier.route["evaluator"] == "province"
    assert dossier.due_on == timezone.localdate() + timedelta(days=10)
    assert list(dossier_queue_for(cast.commune_officer, QueueFilters())) == [dossier]
    assert list(dossier_queue_for(cast.province_officer, QueueFilters())) == []  # not the province's turn yet

    dossier = services.dossier_check(
        actor=cast.commune_officer,
        dossier=dossier,
        assessment={"Sử dụng lao động địa phương": "12 lao động của phường"},
    )
    assert dossier.status == "checked"
    assert dossier.receiver_assessment["Sử dụng lao động địa phương"] == "12 lao động của phường"
    assert len(dossier.receiver_assessment) == 4  # the four criteria Decision 1489 gives the commune

    dossier = services.dossier_forward(actor=cast.commune_officer, dossier=dossier)
    assert dossier.status == "forwarded"
    assert list(dossier_queue_for(cast.province_officer, QueueFilters())) == [dossier]
    assert list(dossier_queue_for(cast.commune_officer, QueueFilters())) == []

    dossier = services.dossier_accept(actor=cast.province_officer, dossier=dossier)
    assert dossier.status == "accepted" and dossier.accepted_at is not None

    history = list(
        DossierTransition.objects.filter(dossier=dossier).values_list("action", "level", "actor__username")
    )
    assert history == [
        ("submit", "", "producer"),
        ("check", "commune", "commune"),
        ("forward", "commune", "commune"),
        ("accept", "province", "province"),
    ]
    actions = set(
        AuditEvent.objects.filter(target_id=str(dossier.pk), target_type="cycle.dossier").values_list(
            "action", flat=True
        )
    )
    assert {
        "dossier.create",
        "dossier.document_upload",
        "dossier.submit",
        "dossier.check",
        "dossier.forward",
        "dossier.accept",
    } == actions
    assert dossier.version == 1 + 8 + 4  # created, eight documents, four steps
    # Each step told the people now holding it: the commune on submit, the province on forward, the producer.
    assert Notification.objects.filter(user=cast.commune_officer, dossier=dossier).count() == 1
    assert Notification.objects.filter(user=cast.province_officer, dossier=dossier).count() == 1
    assert Notification.objects.filter(user=cast.producer_user, dossier=dossier).count() == 3


def test_every_step_is_visible_to_the_people_of_the_dossier_and_to_no_one_else(cast):
    story = dossier_story(cast, until="accepted")
    sees = {
        person.username
        for person in [
            cast.producer_user,
            cast.commune_officer,
            cast.province_officer,
            cast.central,
            cast.other_producer_user,
            cast.other_commune_officer,
            cast.other_province_officer,
            cast.council1,
        ]
        if dossiers_visible_to(person).filter(pk=story.dossier.pk).exists()
    }
    assert sees == {"producer", "commune", "province", "central"}


def test_submit_names_every_missing_item_and_changes_nothing(cast):
    story = dossier_story(cast, until="draft", complete=False)
    before = unchanged(story.dossier)
    with pytest.raises(Invalid) as refused:
        services.dossier_submit(actor=cast.producer_user, dossier=story.dossier)
    assert refused.value.code == "checklist_incomplete"
    assert "Phiếu đăng ký sản phẩm" in str(refused.value.message)
    assert "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm" in str(refused.value.message)
    assert set(refused.value.details["missing"]) == {
        "registration_form",
        "self_assessment",
        "business_registration",
        "product_standard",
        "food_safety",
        "test_results",
        "label",
        "photos",
    }
    assert unchanged(story.dossier) == before
    assert not DossierTransition.objects.exists()


def test_an_unconfirmed_producer_cannot_submit_until_the_commune_confirms_it(cast):
    producer = honey_cooperative(cast, confirmed=False)
    dossier = services.dossier_create(actor=cast.producer_user, product=honey(producer), year=THIS_YEAR)
    from cycle_support import fill_required

    fill_required(dossier, cast.producer_user)
    assert flags(cast.producer_user, dossier)["may_submit"] is False
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.dossier_submit(actor=cast.producer_user, dossier=dossier)
    assert refused.value.code == "producer_not_confirmed"
    producer_confirm(actor=cast.commune_officer, producer=producer)
    assert services.dossier_submit(actor=cast.producer_user, dossier=dossier).status == "submitted"


@pytest.mark.parametrize(
    ("until", "who", "action", "error", "code"),
    [
        ("submitted", "commune_officer", "forward", Conflict, "transition_not_allowed"),  # check comes first
        ("submitted", "province_officer", "check", Forbidden, "forbidden_action"),  # the commune's step
        ("submitted", "producer_user", "check", Forbidden, "forbidden_action"),
        ("checked", "province_officer", "forward", Forbidden, "forbidden_action"),
        ("forwarded", "commune_officer", "accept", Forbidden, "forbidden_action"),
        ("accepted", "producer_user", "withdraw", Conflict, "transition_not_allowed"),  # too late
        ("accepted", "province_officer", "accept", Conflict, "transition_not_allowed"),
        ("draft", "producer_user", "check", Conflict, "transition_not_allowed"),
    ],
)
def test_a_step_out_of_turn_or_by_the_wrong_level_changes_nothing(cast, until, who, action, error, code):
    story = dossier_story(cast, until=until)
    before = unchanged(story.dossier)
    events = AuditEvent.objects.count()
    with pytest.raises(error) as refused:
        services.DOSSIER_ACTIONS[action](actor=getattr(cast, who), dossier=story.dossier)
    assert refused.value.code == code
    assert str(refused.value.message)
    assert unchanged(story.dossier) == before
    assert AuditEvent.objects.count() == events


def test_officers_of_other_units_do_not_even_find_the_dossier(cast):
    story = dossier_story(cast, until="submitted")
    for outsider in (cast.other_commune_officer, cast.other_province_officer):
        with nothing_changes(), pytest.raises(NotFound):
            services.dossier_check(actor=outsider, dossier=story.dossier)
    assert story.refresh().status == "submitted"


def test_sent_back_with_reasons_the_producer_sees_them_and_resubmits(cast):
    story = dossier_story(cast, until="forwarded")
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.dossier_return(actor=cast.province_officer, dossier=story.dossier, reason="  ")
    assert refused.value.code == "field_required"
    dossier = services.dossier_return(
        actor=cast.province_officer,
        dossier=story.refresh(),
        reason="Phiếu kiểm nghiệm đã hết hạn; bổ sung bản mới.",
    )
    assert dossier.status == "returned"
    assert dossier.return_reason == "Phiếu kiểm nghiệm đã hết hạn; bổ sung bản mới."
    note = Notification.objects.filter(user=cast.producer_user, dossier=dossier).latest("created_at")
    assert "Phiếu kiểm nghiệm đã hết hạn" in note.body
    assert flags(cast.producer_user, dossier)["may_upload"] is True
    from cycle_support import pdf_bytes, upload

    services.document_upload(
        actor=cast.producer_user,
        dossier=dossier,
        item="test_results",
        upload=upload("kn-2025.pdf", pdf_bytes()),
    )
    dossier = services.dossier_submit(actor=cast.producer_user, dossier=Dossier.objects.get(pk=dossier.pk))
    assert dossier.status == "submitted" and dossier.return_reason == ""
    assert dossier.route["evaluator"] == "province"  # the route taken on first submission is kept


def test_the_producer_withdraws_before_evaluation_and_may_start_again(cast):
    story = dossier_story(cast, until="checked")
    dossier = services.dossier_withdraw(
        actor=cast.producer_user, dossier=story.dossier, reason="Chưa đủ sản lượng"
    )
    assert dossier.status == "withdrawn"
    assert flags(cast.producer_user, dossier)["may_submit"] is False
    again = services.dossier_create(actor=cast.producer_user, product=story.product, year=THIS_YEAR)
    assert again.status == "draft"


def test_one_live_dossier_per_product_and_year(cast):
    story = dossier_story(cast, until="draft")
    with nothing_changes(), pytest.raises(Conflict) as refused:
        services.dossier_create(actor=cast.producer_user, product=story.product, year=THIS_YEAR)
    assert refused.value.code == "dossier_exists"


def test_stale_edit_is_refused_and_changes_nothing(cast):
    story = dossier_story(cast, until="submitted")
    seen = story.dossier.version
    services.dossier_message_post(
        actor=cast.producer_user, dossier=story.dossier, body="Xin bổ sung ảnh sau."
    )
    services.dossier_check(actor=cast.commune_officer, dossier=story.dossier, expected_version=seen)
    before = unchanged(story.dossier)
    with pytest.raises(Conflict) as refused:
        services.dossier_return(
            actor=cast.commune_officer, dossier=story.dossier, reason="Thiếu ảnh", expected_version=seen
        )
    assert refused.value.code == "stale"
    assert unchanged(story.dossier) == before


def test_only_the_producer_may_create_and_edit(cast):
    producer = honey_cooperative(cast)
    product = honey(producer)
    for outsider in (cast.commune_officer, cast.other_producer_user, cast.central):
        with nothing_changes(), pytest.raises(Forbidden):
            services.dossier_create(actor=outsider, product=product, year=THIS_YEAR)
    dossier = services.dossier_create(actor=cast.producer_user, product=product, year=THIS_YEAR)
    mint = honey(producer, "Mật ong bạc hà")
    with nothing_changes(), pytest.raises(Invalid):
        services.dossier_create(actor=cast.producer_user, product=mint, year=1999)
    with nothing_changes(), pytest.raises(Forbidden):
        services.dossier_update(actor=cast.commune_officer, dossier=dossier, target_stars=4)


def test_the_checklist_follows_group_set_stars_and_application_type(cast):
    _, honey_items = checklist_for(
        rubric="2023", group="I", product_set="2.2", stars=None, application_type="first"
    )
    codes = {item["item"] for item in honey_items if item["required"]}
    assert {"food_safety", "test_results", "label", "product_standard"} <= codes
    _, tour_items = checklist_for(
        rubric="2023", group="VI", product_set="17.1", stars=None, application_type="first"
    )
    tour = {item["item"] for item in tour_items}
    assert "food_safety" not in tour and "label" not in tour and "tourism_service" in tour
    _, five = checklist_for(rubric="2023", group="I", product_set="2.2", stars=5, application_type="upgrade")
    five_required = {item["item"] for item in five if item["required"]}
    assert {"quality_management", "previous_certificate"} <= five_required

    story = dossier_story(cast, until="draft")
    dossier = services.dossier_update(
        actor=cast.producer_user,
        dossier=story.dossier,
        application_type="upgrade",
        target_stars=5,
        expected_version=story.dossier.version,
    )
    assert {"quality_management", "previous_certificate"} <= {row["item"] for row in dossier.checklist}
    assert dossier.checklist_version == "2023.1"


def test_deadlines_are_days_left_or_overdue(cast):
    story = dossier_story(cast, until="submitted")
    today = timezone.localdate()
    assert deadline_of(story.dossier, today).text == "còn 10 ngày"
    assert deadline_of(story.dossier, today + timedelta(days=10)).text == "hết hạn hôm nay"
    late = deadline_of(story.dossier, today + timedelta(days=12))
    assert late.overdue and late.text == "quá hạn 2 ngày"
    assert dossier_queue_for(cast.commune_officer, QueueFilters(overdue=True)).count() == 0
    Dossier.objects.filter(pk=story.dossier.pk).update(due_on=today - timedelta(days=1))
    assert dossier_queue_for(cast.commune_officer, QueueFilters(overdue=True)).count() == 1


def test_bulk_forward_moves_all_or_none(cast):
    story = dossier_story(cast, until="checked")
    lychee = product_create(
        actor=None, producer=story.producer, name="Vải thiều sấy khô", product_set=product_set()
    )
    second = services.dossier_create(actor=cast.producer_user, product=lychee, year=THIS_YEAR)
    from cycle_support import fill_required

    fill_required(second, cast.producer_user)
    second = services.dossier_submit(actor=cast.producer_user, dossier=Dossier.objects.get(pk=second.pk))
    with nothing_changes(), pytest.raises(Conflict) as refused:
        services.dossiers_forward_bulk(actor=cast.commune_officer, dossiers=[story.dossier, second])
    assert refused.value.code == "bulk_refused"
    assert [row["id"] for row in refused.value.details["refused"]] == [second.pk]
    assert story.refresh().status == "checked"
    second = services.dossier_check(actor=cast.commune_officer, dossier=second)
    moved = services.dossiers_forward_bulk(actor=cast.commune_officer, dossiers=[story.refresh(), second])
    assert {d.status for d in moved} == {"forwarded"}


def test_legacy_records_take_the_district_step_handled_by_the_province_that_absorbed_it(cast):
    assert route_on(date(2025, 8, 1)).evaluator == "province"
    legacy = route_on(date(2024, 3, 1))
    assert (legacy.receiver, legacy.evaluator, legacy.decision) == ("commune", "district", "148/QĐ-TTg")
    assert route_on(date(2020, 3, 1)).decision == "1048/QĐ-TTg"
    story = dossier_story(cast, until="forwarded")
    Dossier.objects.filter(pk=story.dossier.pk).update(route=legacy.as_data())
    dossier = story.refresh()
    assert (
        flags(cast.province_officer, dossier)["may_accept"] is True
    )  # acting_roles: district → province officer
    history = services.dossier_accept(actor=cast.province_officer, dossier=dossier).transitions.last()
    assert history.level == "district"


def test_the_routing_table_is_checked_as_a_whole():
    with pytest.raises(ImproperlyConfigured) as problems:
        parse_routing(
            {
                "format": 1,
                "acting_roles": {"commune": ["mayor"]},
                "workflows": {
                    "dossier": {
                        "states": [{"code": "draft"}],
                        "transitions": [
                            {"action": "submit", "from": ["draft"], "to": "sent", "by": "someone"},
                        ],
                    }
                },
            }
        )
    text = str(problems.value)
    assert (
        "unknown role «mayor»" in text
        and "unknown state «sent»" in text
        and "unknown actor «someone»" in text
    )
    assert "workflow «idea» is missing" in text
    for flow in routing().workflows.values():
        for transition in flow.transitions:
            assert set(transition.guards) <= set(GUARDS), transition
    assert workflow("dossier").find("accept", "forwarded").by == "evaluator"
