"""Fairs and who took part: an officer enters the fair, the producer reports its results, an officer confirms;
only confirmed results are counted and shown."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.promotion import indicators, services
from ocop.promotion.models import Confirmation, Event, Participation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def fair(cast, **changes) -> Event:
    values = {
        "name": "Hội chợ OCOP Bắc Ninh mùa thu",
        "unit": cast.province,
        "starts_on": TODAY - datetime.timedelta(days=5),
        "ends_on": TODAY - datetime.timedelta(days=1),
        "organiser": "Sở Nông nghiệp và Môi trường Bắc Ninh",
        "venue": "Trung tâm Hội chợ Kinh Bắc",
    }
    values.update(changes)
    return services.event_create(actor=cast.province_officer, **values)


def test_an_event_ending_before_it_starts_is_refused_and_nothing_is_stored(cast):
    before = (Event.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Invalid) as refused:
        fair(cast, starts_on=TODAY, ends_on=TODAY - datetime.timedelta(days=2))
    assert refused.value.code == "event_dates_reversed"
    assert "kết thúc" in str(refused.value.message)
    assert (Event.objects.count(), AuditEvent.objects.count()) == before


def test_an_officer_records_events_only_in_their_area(cast):
    with pytest.raises(Forbidden):
        services.event_create(
            actor=cast.other_province_officer,
            name="Hội chợ ở Bắc Ninh do Hà Nội nhập",
            unit=cast.province,
            starts_on=TODAY,
            ends_on=TODAY,
            organiser="Sở Công Thương",
        )
    with pytest.raises(Forbidden):  # a producer enters no event
        services.event_create(
            actor=cast.producer_user,
            name="X",
            unit=cast.commune,
            starts_on=TODAY,
            ends_on=TODAY,
            organiser="Y",
        )
    assert not Event.objects.exists()


def test_the_producer_reports_the_officer_confirms_and_only_then_it_counts(cast, shelf):
    event = fair(cast)
    year, province = event.starts_on.year, cast.province.pk
    assert indicators.fairs(province_id=province, commune_id=None, year=year) == 0

    reported = services.participation_record(
        actor=cast.producer_user,
        event=event,
        product=shelf.honey,
        sales_vnd=45_000_000,
        contracts=2,
        buyers_met=7,
    )
    assert reported.status == Confirmation.PENDING
    assert indicators.fairs(province_id=province, commune_id=None, year=year) == 0
    page = "Hội chợ, triển lãm và bộ quà tặng"
    assert page not in _product_page(shelf.honey)

    services.participation_confirm(actor=cast.commune_officer, participation=reported)
    assert Participation.objects.get(pk=reported.pk).status == Confirmation.CONFIRMED
    assert indicators.fairs(province_id=province, commune_id=None, year=year) == 1
    assert indicators.fairs(province_id=province, commune_id=cast.commune.pk, year=year) == 1
    assert indicators.fairs(province_id=cast.other_province.pk, commune_id=None, year=year) == 0
    assert "Hội chợ OCOP Bắc Ninh mùa thu" in _product_page(shelf.honey)
    # the producer is told
    assert cast.producer_user.notifications.filter(title__contains="Đã xác nhận").exists()


def _product_page(product) -> str:
    from django.test import Client

    return Client().get(reverse("catalog:product", args=[product.pk])).content.decode()


def test_an_officer_enters_results_confirmed_at_once_and_the_event_sums_them(cast, shelf):
    event = fair(cast)
    for product, sales in ((shelf.honey, 45_000_000), (shelf.lychee, 12_500_000), (shelf.longan, 8_000_000)):
        row = services.participation_record(
            actor=cast.province_officer,
            event=event,
            product=product,
            sales_vnd=sales,
            contracts=1,
            buyers_met=3,
        )
        assert row.status == Confirmation.CONFIRMED
    from ocop.promotion.selectors import event_results

    totals = event_results(Participation.objects.filter(event=event))
    assert totals == {"products": 3, "producers": 1, "sales_vnd": 65_500_000, "contracts": 3, "buyers_met": 9}


def test_bad_results_are_refused_and_nothing_is_stored(cast, shelf):
    event = fair(cast)
    future = fair(
        cast,
        name="Tuần hàng OCOP tháng sau",
        starts_on=TODAY + datetime.timedelta(days=30),
        ends_on=TODAY + datetime.timedelta(days=33),
    )
    before = (Participation.objects.count(), AuditEvent.objects.count())
    cases = [
        (dict(event=event, product=shelf.honey, sales_vnd=-5), Invalid, "promotion_number_invalid"),
        (dict(event=future, product=shelf.honey), Invalid, "event_not_started"),
        (dict(event=event, product=shelf.tea), Forbidden, "promotion_forbidden"),  # not the cooperative's
    ]
    for values, error, code in cases:
        with pytest.raises(error) as refused:
            services.participation_record(actor=cast.producer_user, **values)
        assert refused.value.code == code
    assert (Participation.objects.count(), AuditEvent.objects.count()) == before
    services.participation_record(actor=cast.producer_user, event=event, product=shelf.honey)
    with pytest.raises(Conflict):
        services.participation_record(actor=cast.producer_user, event=event, product=shelf.honey)


def test_a_refusal_needs_a_reason_and_only_officers_of_the_area_decide(cast, shelf):
    event = fair(cast)
    reported = services.participation_record(actor=cast.producer_user, event=event, product=shelf.honey)
    with pytest.raises(Forbidden):
        services.participation_confirm(actor=cast.other_province_officer, participation=reported)
    with pytest.raises(Forbidden):
        services.participation_confirm(actor=cast.producer_user, participation=reported)
    with pytest.raises(Invalid):
        services.participation_reject(actor=cast.commune_officer, participation=reported, reason="  ")
    services.participation_reject(
        actor=cast.commune_officer, participation=reported, reason="Không có ảnh gian hàng"
    )
    with pytest.raises(Conflict):
        services.participation_confirm(actor=cast.province_officer, participation=reported)
    assert Participation.objects.get(pk=reported.pk).status == Confirmation.REJECTED
