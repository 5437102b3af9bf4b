"""`make demo` shows a working catalogue: the demo products are certified the real way, once."""

from __future__ import annotations

import pytest

from ocop.catalog.demo import seed_certified
from ocop.catalog.search import search_catalog
from ocop.certification.models import Certificate
from ocop.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_lists_certified_products(settings, tmp_path):
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    seed_demo()
    certificates = Certificate.objects.count()
    assert certificates >= 10
    assert search_catalog(q="che shan tu").entries[0].name == "Chè Shan tuyết cổ thụ"
    assert search_catalog(q="che shan tu").entries[0].stars == 5
    assert search_catalog(q="duong phen").entries[0].name == "Đường phèn Quảng Ngãi"
    # The demo producer's own products stay free for walking through the cycle.
    assert search_catalog(q="mat ong hoa vai van ha").count == 0
    assert seed_certified() == 0
    assert Certificate.objects.count() == certificates
