"""A re-evaluation or upgrade dossier names the certificate it follows by its printed number, chosen from the
producer's own certificates (issue 12 item 5); another producer's certificate is refused, nothing stored."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.core.errors import Invalid
from ocop.cycle import services as cycle
from ocop.cycle.models import Dossier
from ocop.products.models import Product
from tests.cycle_support import product_set
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def certified(story, issue):
    (honey,) = issue([(story.honey, 4, None, None)])
    (tea,) = issue([(story.tea, 5, None, None)], central=True, number="2361/QĐ-BNNMT")
    # Next year's dossier is made on the rubric in force.
    Product.objects.filter(pk=story.honey.pk).update(product_set=product_set())
    story.honey.refresh_from_db()
    return honey, tea


def test_a_reevaluation_dossier_names_the_producers_certificate_by_number(story, certified):
    honey, _tea = certified
    dossier = cycle.dossier_create(
        actor=story.cast.producer_user,
        product=story.honey,
        year=YEAR + 1,
        application_type="reevaluation",
        previous_certificate=honey.number.lower(),
    )
    assert dossier.previous_certificate_id == honey.pk


def test_a_certificate_of_another_producer_is_refused(story, certified):
    _honey, tea = certified
    with nothing_changes(), pytest.raises(Invalid) as refused:
        cycle.dossier_create(
            actor=story.cast.producer_user,
            product=story.honey,
            year=YEAR + 1,
            application_type="reevaluation",
            previous_certificate=tea.number,
        )
    assert refused.value.code == "previous_certificate_not_own"
    with nothing_changes(), pytest.raises(Invalid):  # by id as well
        cycle.dossier_create(
            actor=story.cast.producer_user,
            product=story.honey,
            year=YEAR + 1,
            application_type="upgrade",
            previous_certificate_id=tea.pk,
        )
    assert not Dossier.objects.filter(product=story.honey, year=YEAR + 1).exists()


def test_the_form_offers_the_producers_certificates_and_the_api_takes_numbers(
    story, certified, login, client, api_token
):
    honey, tea = certified
    page = login(story.cast.producer_user).get(reverse("cycle:dossier_create"), {"product": story.honey.pk})
    html = page.content.decode()
    assert f'<option value="{honey.number}">' in html and tea.number not in html
    auth = api_token(story.cast.producer_user)
    body = {"product": story.honey.pk, "year": YEAR + 1, "application_type": "reevaluation"}
    refused = client.post(
        "/api/v1/dossiers",
        {**body, "previous_certificate": tea.number},
        content_type="application/json",
        **auth,
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "previous_certificate_not_own")
    made = client.post(
        "/api/v1/dossiers",
        {**body, "previous_certificate": honey.number},
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201, made.content
    assert made.json()["previous_certificate"] == honey.number
