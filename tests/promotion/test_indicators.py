"""The figures planning reads (the contract: current units, legacy records counted where they belong today,
None while nothing of the kind is recorded)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ocop.geo.models import AdminUnit, Era
from ocop.producers.services import producer_create
from ocop.products.services import product_create
from ocop.promotion import indicators, services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_no_record_of_a_kind_is_no_data_not_zero(cast):
    for figure in (indicators.fairs, indicators.shops, indicators.products_listed_online):
        assert figure(province_id=None, commune_id=None, year=TODAY.year) is None


def test_a_producer_of_a_former_commune_counts_in_the_commune_and_province_of_today(cast, shelf):
    legacy = AdminUnit.objects.get(era=Era.LEGACY, code="07804")  # Xã Vân Hà, huyện Việt Yên, Bắc Giang
    household = producer_create(
        actor=None, name="Hộ nuôi ong Thân Văn Lực", legal_form="household", unit=legacy
    )
    honey = product_create(
        actor=None, producer=household, name="Mật ong rừng Việt Yên", product_set=shelf.honey.product_set
    )
    event = services.event_create(
        actor=cast.central,
        name="Hội chợ OCOP toàn quốc",
        level="national",
        unit=cast.other_province,  # held in Hà Nội
        starts_on=TODAY - datetime.timedelta(days=2),
        ends_on=TODAY,
        organiser="Bộ Nông nghiệp và Môi trường",
    )
    services.participation_record(actor=cast.commune_officer, event=event, product=honey, sales_vnd=3_000_000)
    services.listing_record(actor=cast.province_officer, product=honey, url="https://voso.vn/mat-ong-rung")
    for figure in (indicators.fairs, indicators.products_listed_online):
        assert figure(province_id=cast.province.pk, commune_id=None, year=TODAY.year) == 1, figure
        assert figure(province_id=None, commune_id=cast.commune.pk, year=TODAY.year) == 1, figure
        assert figure(province_id=cast.other_province.pk, commune_id=None, year=TODAY.year) == 0, figure
        assert figure(province_id=None, commune_id=None, year=TODAY.year - 1) == 0, figure
    assert list(indicators.fairs_records(province_id=cast.province.pk, commune_id=None, year=TODAY.year)) == [
        event
    ]
    assert [
        p.name
        for p in indicators.products_listed_online_records(province_id=None, commune_id=None, year=TODAY.year)
    ] == ["Mật ong rừng Việt Yên"]
