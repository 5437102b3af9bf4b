"""`make demo` can run the whole loop with the users it prints: a second province officer checks decisions, a
past round on the 2019 rubric is concluded and certified, and this year's round waits for council1..3."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.accounts.models import RoleKind, User
from ocop.certification.models import Certificate, RecognitionDecision
from ocop.demo import rounds
from ocop.demo.seed import seed_demo
from ocop.evaluation.models import Assignment, EvaluationRound, RoundStatus, ScoreSheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    return seed_demo()


def test_the_second_province_officer_is_printed_and_checks_decisions(demo):
    assert "province2" in demo.users
    assert "province2  cán bộ tỉnh Bắc Ninh: kiểm tra, duyệt quyết định" in demo.summary()
    checker = User.objects.get(username="province2")
    assert checker.check_password(demo.password)
    role = checker.roles.get()
    assert (role.kind, role.unit.code) == (RoleKind.PROVINCE_OFFICER, rounds.PROVINCE)


def test_the_past_round_on_2019_is_concluded_decided_and_certified(demo):
    past = EvaluationRound.objects.get(name=rounds.PAST_ROUND_NAME)
    assert (past.rubric_version.code, past.year, past.status) == ("2019", 2022, RoundStatus.CLOSED)
    assert ScoreSheet.objects.filter(round_dossier__round=past, status="submitted").count() == 6
    decision = RecognitionDecision.objects.get(number="215/QĐ-UBND")
    assert decision.checked_by.username == "province2"
    assert decision.created_by.username == "province"
    stars = dict(
        Certificate.objects.filter(decision=decision).values_list("product__name", "stars").order_by("id")
    )
    assert stars == {"Vải thiều tươi Việt Yên": 4, "Nước vải thiều Việt Yên": 3}


def test_this_years_round_waits_for_the_three_council_members(demo):
    year = timezone.localdate().year
    current = EvaluationRound.objects.get(name=rounds.current_round_name(year))
    assert current.status == RoundStatus.SCORING
    assert current.rubric_version.code == "2023"
    assigned = Assignment.objects.filter(round_dossier__round=current)
    assert sorted(assigned.values_list("member__user__username", flat=True)) == [
        "council1",
        "council2",
        "council3",
    ]
    product = assigned.first().round_dossier.dossier.product
    assert (product.name, product.product_set.code) == ("Vải thiều tươi Vân Hà", "1.1")
    assert not ScoreSheet.objects.filter(round_dossier__round=current).exists()


def test_a_second_run_adds_nothing_and_stays_quick(demo):
    counts = (EvaluationRound.objects.count(), Certificate.objects.count(), Assignment.objects.count())
    with CaptureQueriesContext(connection) as queries:
        again = seed_demo()
    assert (
        EvaluationRound.objects.count(),
        Certificate.objects.count(),
        Assignment.objects.count(),
    ) == counts
    assert again.users == demo.users
    assert len(queries) < 200
