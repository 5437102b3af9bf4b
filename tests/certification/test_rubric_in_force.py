"""Certificates follow the rubric version as loaded, not the files shipped in ocop/rubrics/data/ (issue 14).

A central officer who loads a version with another certificate validity, other recognised bands or other duties
changes, from the next read on, how long a new certificate is valid, whether the catalogue lists a certificate,
and which stars a province may recognise; the shipped file still says 36 months, 3★–5★ and 3★–4★.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ocop.catalog.services import reindex_product
from ocop.certification import rules, services
from ocop.core.dates import add_months
from ocop.core.errors import Invalid
from ocop.rubrics.services import rubric_version_load
from tests.council_support import council_backs
from tests.rubrics.helpers import raw, version

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def load_2023(change) -> None:
    """2023 as shipped, changed by `change(document)`, loaded the way the rubric page or command loads it."""
    data = raw("2023")
    change(data)
    rubric_version_load(actor=None, data=data, source="2023-sua-doi.yaml")


def test_a_loaded_validity_sets_how_long_a_new_certificate_is_valid(story, issue):
    decided = TODAY - datetime.timedelta(days=3)
    assert rules.valid_until(decided) == add_months(decided, 36) - datetime.timedelta(days=1)

    def two_years(data):
        data["certificate"]["validity_months"] = 24

    load_2023(two_years)

    (certificate,) = issue([(story.honey, 4, None, None)], date=decided)
    assert certificate.valid_until == add_months(decided, 24) - datetime.timedelta(days=1)
    assert version("2023").certificate.validity_months == 36  # the shipped file did not decide it


def test_the_catalogue_lists_a_certificate_while_the_loaded_version_recognises_its_stars(story, issue):
    three, four = issue([(story.honey, 3, None, None), (story.lychee, 4, None, None)])
    assert reindex_product(story.honey).listed and reindex_product(story.lychee).listed

    def three_stars_not_recognised(data):
        next(b for b in data["bands"] if b["stars"] == 3)["recognised"] = False

    load_2023(three_stars_not_recognised)

    honey, lychee = reindex_product(story.honey), reindex_product(story.lychee)
    assert (honey.listed, honey.stars) == (False, 3)
    assert (lychee.listed, lychee.stars) == (True, 4)
    assert next(b for b in version("2023").bands if b.stars == 3).recognised


def test_the_loaded_duties_say_which_stars_a_province_recognises(story):
    decided = TODAY - datetime.timedelta(days=3)
    with pytest.raises(Invalid) as refused:
        services.decision_create(
            actor=story.cast.province_officer,
            authority=story.province_authority,
            number="7/QĐ-UBND",
            date=decided,
            signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
            items=[(story.honey, 5, None, None)],
        )
    assert refused.value.code == "stars_not_recognisable"

    def province_recognises_five(data):
        province = next(d for d in data["duties"][-1]["levels"] if d["level"] == "province")
        province["recognises"] = [3, 4, 5]

    load_2023(province_recognises_five)

    assert rules.recognisable_stars(story.province_authority.unit, decided) == (3, 4, 5)
    council_backs(
        [(story.honey, 5, None, None)],
        authority=story.province_authority,
        actor=story.cast.province_officer,
        day=decided,
    )
    decision = services.decision_create(
        actor=story.cast.province_officer,
        authority=story.province_authority,
        number="7/QĐ-UBND",
        date=decided,
        signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        items=[(story.honey, 5, None, None)],
    )
    assert [item.stars for item in decision.items.all()] == [5]
    assert version("2023").duties[-1].duty("province").recognises == (3, 4)


def test_the_country_acts_at_the_level_the_loaded_version_names_for_it(story):
    assert rules.level_of(story.central_authority.unit, TODAY) == "central"
    assert rules.recognisable_stars(story.central_authority.unit, TODAY) == (5,)
