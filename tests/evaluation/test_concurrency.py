"""No lost update and no double submission when council members act at once (QUALITY: 20 trials × 8 threads).

Threads need committed data, so these tests do not run inside the usual test transaction. Each test works on a
committed copy of the test database (SQLite: a file made with SQLite's backup API from the in-memory test
database; PostgreSQL: `CREATE DATABASE … TEMPLATE` of the test database), which every thread connects to and
which is thrown away afterwards. The test database itself, with the units and rubrics loaded once per run, is
never flushed. All database work, set-up included, runs in threads with their own connections.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone
from race_support import _django_db_helper, committed_copy  # noqa: F401  (fixtures: threads see committed data)

from ocop.accounts.models import RoleKind
from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict
from ocop.evaluation import services
from ocop.evaluation.models import (
    CouncilRole,
    RoundDossier,
    RoundStatus,
    ScoreSheet,
    ScoreSheetRevision,
    SheetStatus,
)
from ocop.geo.models import AdminUnit, Era
from ocop.rubrics.models import RubricVersion

from .conftest import BEST, accepted_dossier, answers, load_test_rubric, person

TRIALS = int(__import__("os").environ.get("OCOP_TRIALS", "20"))
THREADS = 8


def in_thread(work: Callable[[], Any]) -> Any:
    """Run `work` in a fresh thread with its own connection (closed afterwards) and return its result."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_closing(work)).result()


def _closing(work: Callable[[], Any]) -> Callable[[], Any]:
    def run():
        try:
            return work()
        finally:
            connections.close_all()

    return run


def all_at_once(works: list[Callable[[], Any]]) -> list[Any]:
    """Start every work together (a barrier), each in its own thread; results or the exceptions raised."""
    barrier = threading.Barrier(len(works))

    def wrap(work):
        def run():
            barrier.wait()
            try:
                return work()
            except Exception as error:  # noqa: BLE001  (the test counts refusals)
                return error

        return _closing(run)

    with ThreadPoolExecutor(max_workers=len(works)) as pool:
        return [f.result() for f in [pool.submit(wrap(w)) for w in works]]


def _people():
    country = AdminUnit.objects.get(era=Era.CURRENT, code="VN")
    province, commune = (AdminUnit.objects.get(era=Era.CURRENT, code=c) for c in ("24", "07798"))
    load_test_rubric()
    cast = SimpleNamespace(
        country=country,
        province=province,
        commune=commune,
        province_officer=person("province", "Trần Thị Tỉnh", RoleKind.PROVINCE_OFFICER, province),
        commune_officer=person("commune", "Lê Văn Xã", RoleKind.COMMUNE_OFFICER, commune),
        producer_user=person("producer", "Ngô Thị Mật", RoleKind.PRODUCER, commune),
        members=[
            person(f"council{i}", f"Thành viên {i}", RoleKind.COUNCIL_MEMBER, province) for i in range(1, 8)
        ],
    )
    today = timezone.localdate()
    officer = cast.province_officer
    cast.round = services.round_create(
        actor=officer,
        name="Đợt thử đồng thời",
        level="province",
        unit=province,
        year=today.year,
        rubric_version=RubricVersion.objects.get(code="2023"),
        held_on=today,
        min_sheets=1,
    )
    council = services.council_set_up(
        actor=officer,
        evaluation_round=cast.round,
        name="Hội đồng thử",
        decision_number="1/QĐ-UBND",
        decision_date=today,
    )
    for index, user in enumerate(cast.members):
        services.member_add(
            actor=officer,
            council=council,
            user=user,
            role=CouncilRole.CHAIR if index == 0 else CouncilRole.MEMBER,
        )
    cast.round = services.round_advance(actor=officer, evaluation_round=cast.round, to=RoundStatus.SCORING)
    return cast


def _new_round_dossier(cast, trial: int, producer=None) -> RoundDossier:
    dossier = accepted_dossier(cast, product_name=f"Mật ong thử {trial}", producer=producer)
    round_dossier = services.round_dossier_add(
        actor=cast.province_officer, evaluation_round=cast.round, dossier=dossier
    )
    services.assignments_create_all(actor=cast.province_officer, evaluation_round=cast.round)
    return round_dossier


# Seven different sheets: totals 100, 95, 90, 85, 80, 75 and 70 (mean 85.00).
SHEETS = [
    answers(),
    answers(**{"2.2": "b"}),
    answers(**{"1.1": "c"}),
    answers(**{"1.1": "c", "2.2": "b"}),
    answers(**{"1.1": "c", "3.2": "b"}),
    answers(**{"1.1": "c", "3.2": "b", "2.2": "b"}),
    answers(**{"1.1": "b", "3.2": "b", "2.2": "b"}),
]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_members_submitting_while_the_result_is_computed_never_lose_a_sheet():
    cast = in_thread(_people)
    producer = None
    anomalies = []
    for trial in range(TRIALS):
        round_dossier = in_thread(lambda t=trial, p=producer: _new_round_dossier(cast, t, p))
        producer = in_thread(lambda rd=round_dossier: RoundDossier.objects.get(pk=rd.pk).dossier.producer)

        def member_submits(user, chosen, rd=round_dossier):
            return services.sheet_submit(actor=user, round_dossier=rd, answers=chosen, expected_version=0)

        def officer_computes(rd=round_dossier):
            # Keeps asking for the result while members submit: refused until every assigned sheet is in.
            for _attempt in range(400):
                try:
                    return services.council_result_compute(actor=cast.province_officer, round_dossier=rd)
                except Exception as error:  # noqa: BLE001
                    if getattr(error, "code", "") != "not_enough_sheets":
                        raise
                threading.Event().wait(0.01)
            raise AssertionError("the result never became computable")

        works = [lambda u=u, s=s: member_submits(u, s) for u, s in zip(cast.members, SHEETS, strict=True)]
        outcomes = all_at_once([*works, officer_computes])
        errors = [o for o in outcomes if isinstance(o, Exception)]

        def check(rd=round_dossier):
            fresh = RoundDossier.objects.get(pk=rd.pk)
            totals = [
                s.total for s in ScoreSheet.objects.filter(round_dossier=rd, status=SheetStatus.SUBMITTED)
            ]
            mean = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return (
                fresh,
                totals,
                mean,
                AuditEvent.objects.filter(action="sheet.submit", data__round_dossier=rd.pk).count(),
            )

        fresh, totals, mean, submit_events = in_thread(check)
        if (
            errors
            or len(totals) != len(SHEETS)
            or fresh.mean_score != mean
            or fresh.submitted_sheets != len(SHEETS)
        ):
            anomalies.append((trial, errors, totals, fresh.mean_score, mean))
        if submit_events != len(SHEETS) or fresh.running_mean != mean:
            anomalies.append((trial, "events or running mean", submit_events, fresh.running_mean))
    assert anomalies == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_sheet_submitted_twice_at_once_is_submitted_once_and_a_sheet_is_created_once():
    cast = in_thread(_people)
    first, second = cast.members[0], cast.members[1]
    producer = None
    anomalies = []
    for trial in range(TRIALS):
        round_dossier = in_thread(lambda t=trial, p=producer: _new_round_dossier(cast, t, p))
        producer = in_thread(lambda rd=round_dossier: RoundDossier.objects.get(pk=rd.pk).dossier.producer)
        draft = in_thread(
            lambda rd=round_dossier: services.sheet_save_draft(
                actor=first, round_dossier=rd, answers=BEST, expected_version=0
            )
        )

        # Eight clicks on "Nộp phiếu" of one draft: one submission.
        outcomes = all_at_once(
            [
                lambda rd=round_dossier, version=draft.version: services.sheet_submit(
                    actor=first, round_dossier=rd, expected_version=version
                )
            ]
            * THREADS
        )
        kinds = Counter("ok" if isinstance(o, ScoreSheet) else type(o).__name__ for o in outcomes)

        # Eight tabs saving a first draft of another member's sheet: one sheet, the others told it is stale.
        drafts = all_at_once(
            [
                lambda rd=round_dossier, i=i: services.sheet_save_draft(
                    actor=second, round_dossier=rd, answers={"1.1": "abcd"[i % 4]}, expected_version=0
                )
                for i in range(THREADS)
            ]
        )
        draft_kinds = Counter("ok" if isinstance(o, ScoreSheet) else type(o).__name__ for o in drafts)

        def check(rd=round_dossier):
            sheet = ScoreSheet.objects.get(round_dossier=rd, member__user=first)
            return (
                AuditEvent.objects.filter(action="sheet.submit", target_id=str(sheet.pk)).count(),
                ScoreSheetRevision.objects.filter(sheet=sheet, status=SheetStatus.SUBMITTED).count(),
                RoundDossier.objects.get(pk=rd.pk).submitted_sheets,
                ScoreSheet.objects.filter(round_dossier=rd, member__user=second).count(),
            )

        events, submitted_revisions, counted, second_sheets = in_thread(check)
        if kinds != Counter({"ok": 1, "Conflict": THREADS - 1}) or (events, submitted_revisions, counted) != (
            1,
            1,
            1,
        ):
            anomalies.append((trial, "double submit", kinds, events, submitted_revisions, counted))
        if draft_kinds != Counter({"ok": 1, "Conflict": THREADS - 1}) or second_sheets != 1:
            anomalies.append((trial, "first draft", draft_kinds, second_sheets))
        assert all(isinstance(o, (ScoreSheet, Conflict)) for o in [*outcomes, *drafts]), outcomes + drafts
    assert anomalies == []
