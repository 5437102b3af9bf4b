"""User names are stored normalised (NFKC, lower case): an officer who types `Council1` on the council page
or in the API adds council1, as signing in as `Council1` signs council1 in."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.evaluation import services
from ocop.evaluation.models import CouncilMember
from ocop.rubrics.models import RubricVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(cast):
    today = timezone.localdate()
    evaluation_round = services.round_create(
        actor=cast.province_officer,
        name="Đợt 1",
        level="province",
        unit=cast.province,
        year=today.year,
        rubric_version=RubricVersion.objects.get(code="2023"),
        held_on=today,
    )
    return services.council_set_up(
        actor=cast.province_officer,
        evaluation_round=evaluation_round,
        name="Hội đồng tỉnh",
        decision_number="12/QĐ-UBND",
        decision_date=today - datetime.timedelta(days=3),
    )


def _members(council) -> list[tuple[str, str]]:
    return sorted(CouncilMember.objects.filter(council=council).values_list("user__username", "role"))


def test_a_name_typed_with_capitals_or_spaces_finds_the_member(cast, council, login, client, api_token):
    page = login(cast.province_officer).post(
        reverse("evaluation:round_action", args=[council.round.pk, "member"]),
        {"username": " Council1 ", "role": "chair"},
    )
    assert page.status_code == 302
    response = client.post(
        f"/api/v1/evaluation/rounds/{council.round.pk}/members",
        {"username": "COUNCIL2", "role": "secretary"},
        content_type="application/json",
        **api_token(cast.province_officer),
    )
    assert response.status_code == 201, response.content
    assert response.json()["username"] == "council2"
    assert _members(council) == [("council1", "chair"), ("council2", "secretary")]
