"""Steps 2 and 3 of the cycle: the producer registers a product idea, the commune accepts it (once it has
confirmed the producer), the producer writes and submits its business plan with attachments."""

from __future__ import annotations

import pytest
from cycle_support import EXE_BYTES, THIS_YEAR, honey, honey_cooperative, pdf_bytes, stored_files, upload

from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict, Forbidden, Invalid, NotFound
from ocop.cycle import services
from ocop.cycle.models import BusinessPlan, Notification, ProductIdea
from ocop.cycle.policies import flags
from ocop.cycle.selectors import ideas_visible_to, plans_visible_to
from ocop.producers.services import producer_confirm
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db

IDEA = {
    "summary": "Mật ong hoa vải đóng chai thủy tinh 500 ml cho khách du lịch.",
    "idea_origin": "Từ hội viên chi hội nuôi ong của phường.",
    "local_raw_materials": "Mật ong từ vườn vải Vân Hà.",
    "local_labour": "15 hộ nuôi ong.",
    "local_identity": "Nghề nuôi ong lấy mật vải truyền thống.",
}
PLAN = {
    "target_market": "Khách du lịch, siêu thị tỉnh Bắc Ninh",
    "production_capacity": "5 tấn mật mỗi năm",
    "raw_material_plan": "Thu mua của 15 hộ thành viên",
    "investment_vnd": 450_000_000,
    "expected_revenue_vnd": 1_200_000_000,
    "workers_planned": 20,
    "marketing_plan": "Gian hàng OCOP, sàn thương mại điện tử",
    "timeline": "Quý I: bao bì; quý II: công bố chất lượng",
}


@pytest.fixture
def pending_idea(cast):
    producer = honey_cooperative(cast, confirmed=False)
    return services.idea_register(actor=cast.producer_user, product=honey(producer), year=THIS_YEAR, **IDEA)


def test_an_idea_goes_to_the_commune_at_once(cast, pending_idea):
    assert pending_idea.status == "registered" and pending_idea.due_on is not None
    assert pending_idea.route["receiver"] == "commune"
    assert list(ideas_visible_to(cast.commune_officer)) == [pending_idea]
    assert list(ideas_visible_to(cast.other_commune_officer)) == []
    assert Notification.objects.filter(user=cast.commune_officer).count() == 1
    assert AuditEvent.objects.filter(action="idea.register").count() == 1


def test_the_commune_confirms_the_producer_before_accepting_its_idea(cast, pending_idea):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.idea_accept(actor=cast.commune_officer, idea=pending_idea)
    assert refused.value.code == "producer_not_confirmed"
    assert ProductIdea.objects.get(pk=pending_idea.pk).status == "registered"
    producer_confirm(actor=cast.commune_officer, producer=pending_idea.producer)
    with nothing_changes(), pytest.raises(Forbidden):
        services.idea_accept(actor=cast.province_officer, idea=pending_idea)  # the commune's step
    with nothing_changes(), pytest.raises(NotFound):
        services.idea_accept(actor=cast.other_commune_officer, idea=pending_idea)
    idea = services.idea_accept(actor=cast.commune_officer, idea=pending_idea, note="Ý tưởng phù hợp")
    assert idea.status == "accepted" and idea.due_on is None


def test_a_returned_idea_is_edited_and_sent_again(cast, pending_idea):
    producer_confirm(actor=cast.commune_officer, producer=pending_idea.producer)
    idea = services.idea_return(actor=cast.commune_officer, idea=pending_idea, reason="Nêu rõ số hộ tham gia")
    assert idea.status == "returned" and idea.return_reason == "Nêu rõ số hộ tham gia"
    assert flags(cast.producer_user, idea)["may_edit"] is True
    idea = services.idea_update(
        actor=cast.producer_user, idea=idea, expected_version=idea.version, local_labour="15 hộ, 32 lao động"
    )
    with nothing_changes(), pytest.raises(Conflict) as stale:
        services.idea_update(
            actor=cast.producer_user, idea=idea, expected_version=idea.version - 1, summary="x"
        )
    assert stale.value.code == "stale"
    idea = services.idea_resubmit(actor=cast.producer_user, idea=idea)
    assert (
        idea.status == "registered" and idea.local_labour == "15 hộ, 32 lao động" and idea.return_reason == ""
    )


def test_one_idea_per_product_and_year(cast, pending_idea):
    with nothing_changes(), pytest.raises(Conflict):
        services.idea_register(actor=cast.producer_user, product=pending_idea.product, year=THIS_YEAR, **IDEA)
    with nothing_changes(), pytest.raises(Forbidden):
        services.idea_register(
            actor=cast.other_producer_user, product=pending_idea.product, year=THIS_YEAR + 1, **IDEA
        )


def test_business_plan_is_written_attached_and_submitted(cast, pending_idea, media_root):
    with nothing_changes(), pytest.raises(Conflict) as early:
        services.plan_create(actor=cast.producer_user, idea=pending_idea)
    assert early.value.code == "idea_not_accepted"
    producer_confirm(actor=cast.commune_officer, producer=pending_idea.producer)
    idea = services.idea_accept(actor=cast.commune_officer, idea=pending_idea)
    plan = services.plan_create(actor=cast.producer_user, idea=idea)
    assert plan.status == "draft" and list(plans_visible_to(cast.commune_officer)) == []  # a draft is private

    with nothing_changes(), pytest.raises(Invalid) as incomplete:
        services.plan_submit(actor=cast.producer_user, plan=plan)
    assert incomplete.value.code == "plan_incomplete" and "Thị trường mục tiêu" in str(
        incomplete.value.message
    )

    plan = services.plan_update(actor=cast.producer_user, plan=plan, expected_version=plan.version, **PLAN)
    with nothing_changes(), pytest.raises(Invalid):
        services.plan_attach(actor=cast.producer_user, plan=plan, upload=upload("du-toan.pdf", EXE_BYTES))
    assert stored_files(media_root) == []
    services.plan_attach(actor=cast.producer_user, plan=plan, upload=upload("du-toan.pdf", pdf_bytes()))
    plan = services.plan_submit(actor=cast.producer_user, plan=BusinessPlan.objects.get(pk=plan.pk))
    assert plan.status == "submitted" and plan.attachments.count() == 1
    assert list(plans_visible_to(cast.commune_officer)) == [plan]
    with nothing_changes(), pytest.raises(Conflict):
        services.plan_update(
            actor=cast.producer_user, plan=plan, target_market="Xuất khẩu"
        )  # held by the commune now

    plan = services.plan_return(actor=cast.commune_officer, plan=plan, reason="Bổ sung dự toán chi tiết")
    assert plan.status == "returned" and flags(cast.producer_user, plan)["may_submit"] is True

    # The dossier of the same product and year links the plan.
    dossier = services.dossier_create(actor=cast.producer_user, product=idea.product, year=THIS_YEAR)
    assert dossier.plan_id == plan.pk
