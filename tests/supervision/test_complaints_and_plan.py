"""A shopper's complaint from the verify page reaches Bắc Ninh's inspection queue (and nobody else's); the
yearly plan ranks the province's certified products by risk, the one complained about first."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ocop.certification.selectors import certificate_qr_text
from ocop.core.errors import Conflict, Invalid
from ocop.supervision import indicators, services
from ocop.supervision.models import Complaint, ComplaintStatus, InspectionPlan
from ocop.supervision.views import COMPLAINTS_PER_HOUR

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_verify_page_links_to_the_complaint_form_which_reaches_the_province_queue(
    cast, story, certified, client, login
):
    page = client.get(certificate_qr_text(certified).split(".vn", 1)[1])
    assert page.status_code == 200
    link = f"/supervision/complaint/{certified.pk}/"
    assert link in page.content.decode()
    form = client.get(link)
    assert form.status_code == 200 and "Mật ong hoa vải Vân Hà" in form.content.decode()
    empty = client.post(link, {"text": ""})
    assert empty.status_code == 400 and not Complaint.objects.exists()
    sent = client.post(
        link, {"text": "Màu mật ong khác hẳn, nhãn không có tem.", "where_bought": "Chợ Vân Hà"}
    )
    assert sent.status_code == 200 and 'id="complaint-sent"' in sent.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.unit == story.honey.producer.unit and complaint.status == ComplaintStatus.NEW
    assert indicators.complaints(province_id=cast.province.pk, commune_id=None, year=TODAY.year) == 1

    queue = login(cast.province_officer).get("/supervision/").content.decode()
    assert "Màu mật ong khác hẳn" in queue
    hanoi = login(cast.other_province_officer).get("/supervision/").content.decode()
    assert "Màu mật ong khác hẳn" not in hanoi

    # An inspection of the product takes the complaint in.
    inspection = services.inspection_create(
        actor=cast.province_officer, product=story.honey, kinds=["quality_standard"], inspected_on=TODAY
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.INSPECTED and complaint.inspection == inspection


def test_one_address_sends_a_few_complaints_an_hour(cast, story, certified, client):
    link = f"/supervision/complaint/{certified.pk}/"
    for _ in range(COMPLAINTS_PER_HOUR):
        assert client.post(link, {"text": "Không giống"}).status_code == 200
    assert client.post(link, {"text": "Không giống"}).status_code == 429
    assert Complaint.objects.count() == COMPLAINTS_PER_HOUR


def test_a_complaint_dismissed_with_a_reason_leaves_the_queue(cast, story, certified):
    complaint = services.complaint_submit(certificate=certified, text="Giá bán cao")
    with pytest.raises(Invalid):
        services.complaint_dismiss(actor=cast.province_officer, complaint=complaint, reason="")
    services.complaint_dismiss(
        actor=cast.province_officer, complaint=complaint, reason="Giá bán không thuộc giám sát"
    )
    assert Complaint.objects.get().status == ComplaintStatus.DISMISSED
    with pytest.raises(Conflict):
        services.complaint_dismiss(actor=cast.province_officer, complaint=complaint, reason="lần hai")


def test_the_yearly_plan_puts_the_product_complained_about_first(cast, story, issue):
    honey, lychee = issue(
        [(story.honey, 4, "78.50", None), (story.lychee, 3, "60.00", None)], number="124/QĐ-UBND"
    )
    services.complaint_submit(certificate=lychee, text="Vải có mùi lạ")
    plan = services.inspection_plan_draw(
        actor=cast.province_officer, province=cast.province, year=TODAY.year, size=10
    )
    items = list(plan.items.order_by("position"))
    assert [item.product_id for item in items] == [story.lychee.pk, story.honey.pk]
    assert "complaint" in items[0].reasons and "never_inspected" in items[1].reasons
    assert items[0].risk > items[1].risk

    again = services.inspection_plan_draw(
        actor=cast.province_officer, province=cast.province, year=TODAY.year, size=1
    )
    assert InspectionPlan.objects.count() == 1 and again.items.count() == 1
    with pytest.raises(Invalid):
        services.inspection_plan_draw(
            actor=cast.province_officer, province=cast.province, year=TODAY.year - 3
        )
    from ocop.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.inspection_plan_draw(
            actor=cast.other_province_officer, province=cast.province, year=TODAY.year
        )


def test_the_plan_page_draws_and_shows_the_plan(cast, story, certified, login):
    client = login(cast.province_officer)
    response = client.post("/supervision/plan/", {"province": "24", "year": TODAY.year, "size": 20})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Mật ong hoa vải Vân Hà" in page and "Chưa từng được kiểm tra" in page
