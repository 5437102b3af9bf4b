"""Three council members score the honey dossier; the council's result follows from their sheets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from ocop.accounts.models import RoleKind
from ocop.accounts.services import role_grant
from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict, Forbidden, Invalid, NotFound
from ocop.cycle.models import Dossier
from ocop.evaluation import selectors, services
from ocop.evaluation.models import (
    Assignment,
    ConflictOfInterest,
    ConflictReason,
    ConflictSource,
    CouncilRole,
    EvaluationRound,
    EvaluationStatus,
    ScoreSheet,
    ScoreSheetRevision,
    SheetStatus,
)
from ocop.producers.models import ProducerMember
from tests.state_support import nothing_changes

from .conftest import answers, build_scene, load_test_rubric, submit

pytestmark = pytest.mark.django_db


def test_three_members_score_and_the_council_result_is_the_mean_of_their_totals(scene):
    cast = scene.cast
    assert scene.dossier.status == "under_evaluation"
    submit(scene, cast.council1, answers())  # 100
    submit(scene, cast.council2, answers(**{"1.1": "c"}))  # 90
    submit(scene, cast.council3, answers(**{"1.1": "c", "3.2": "b"}))  # 80
    assert scene.refresh().running_mean == Decimal("90.00")

    result = services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)

    assert result.status == EvaluationStatus.SCORED
    assert result.mean_score == Decimal("90.00")
    assert result.band_stars == 5
    assert result.recognised_stars == 4  # the province caps at 4★ ...
    assert result.forward_to == "central"  # ... and proposes the product to the centre
    assert [d["criterion"] for d in result.disagreements] == ["1.1", "3.2"]
    assert result.explanation["lines"]
    assert Dossier.objects.get(pk=scene.dossier.pk).status == "scored"
    assert AuditEvent.objects.filter(action="council.result", target_id=str(result.pk)).count() == 1


def _snapshot(scene):
    """What a refused action must leave as it was."""
    round_dossier = scene.refresh()
    return (
        round_dossier.status,
        round_dossier.version,
        round_dossier.submitted_sheets,
        list(
            ScoreSheet.objects.filter(round_dossier=round_dossier).values_list(
                "member__user__username", "status", "version", "total"
            )
        ),
        ScoreSheetRevision.objects.filter(sheet__round_dossier=round_dossier).count(),
        AuditEvent.objects.count(),
    )


def test_a_member_saves_drafts_then_submits_and_every_save_is_a_revision(scene):
    member = scene.cast.council1
    first = services.sheet_save_draft(
        actor=member,
        round_dossier=scene.round_dossier,
        answers={"1.1": "c"},
        comments={"1.1": "Vùng nguyên liệu 5 ha"},
        expected_version=0,
    )
    assert (first.status, first.total, first.version) == (SheetStatus.DRAFT, Decimal("10"), 1)
    second = services.sheet_save_draft(
        actor=member, round_dossier=scene.round_dossier, answers=answers(), expected_version=first.version
    )
    assert second.total == Decimal("100")
    assert second.parts == {"A": "40", "B": "25", "C": "35"}
    done = services.sheet_submit(
        actor=member, round_dossier=scene.round_dossier, expected_version=second.version
    )
    assert done.status == SheetStatus.SUBMITTED
    revisions = [
        (r.number, r.status, r.snapshot["total"]) for r in ScoreSheetRevision.objects.filter(sheet=done)
    ]
    assert revisions == [(1, "draft", "10"), (2, "draft", "100"), (3, "submitted", "100")]
    lines = {line.criterion: (line.option, line.points) for line in done.lines.all()}
    assert lines["1.1"] == ("d", Decimal("20")) and len(lines) == 6
    assert scene.rubric.__class__.objects.get(pk=scene.rubric.pk).frozen  # the first score froze the version


def test_an_option_not_on_the_sheet_is_refused_and_nothing_changes(scene):
    before = _snapshot(scene)
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.sheet_save_draft(
            actor=scene.cast.council1,
            round_dossier=scene.round_dossier,
            answers={"1.1": "z"},
            expected_version=0,
        )
    assert refused.value.code == "option_not_on_sheet"
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.sheet_save_draft(
            actor=scene.cast.council1,
            round_dossier=scene.round_dossier,
            answers={"9.9": "a"},
            expected_version=0,
        )
    assert refused.value.code == "criterion_not_on_sheet"
    assert _snapshot(scene) == before


def test_an_incomplete_sheet_cannot_be_submitted(scene):
    before = _snapshot(scene)
    with nothing_changes(), pytest.raises(Invalid) as refused:
        submit(scene, scene.cast.council1, {"1.1": "d"})
    assert refused.value.code == "sheet_incomplete"
    assert _snapshot(scene) == before


def test_a_criterion_that_does_not_apply_needs_no_answer_and_scores_nothing(scene):
    chosen = answers(**{"2.1": "a"})  # no product story: 2.2 does not apply
    del chosen["2.2"]
    sheet = submit(scene, scene.cast.council1, chosen)
    assert sheet.total == Decimal("75")


def test_a_submitted_sheet_cannot_be_edited(scene):
    sheet = submit(scene, scene.cast.council1, answers())
    before = _snapshot(scene)
    with nothing_changes(), pytest.raises(Conflict) as refused:
        services.sheet_save_draft(
            actor=scene.cast.council1,
            round_dossier=scene.round_dossier,
            answers=answers(**{"1.1": "a"}),
            expected_version=sheet.version,
        )
    assert refused.value.code == "sheet_already_submitted"
    with nothing_changes(), pytest.raises(Conflict):
        services.sheet_submit(
            actor=scene.cast.council1, round_dossier=scene.round_dossier, expected_version=sheet.version
        )
    assert _snapshot(scene) == before


def test_a_stale_edit_is_refused_with_a_conflict(scene):
    member = scene.cast.council2
    first = services.sheet_save_draft(
        actor=member, round_dossier=scene.round_dossier, answers={"1.1": "a"}, expected_version=0
    )
    services.sheet_save_draft(
        actor=member, round_dossier=scene.round_dossier, answers={"1.1": "b"}, expected_version=first.version
    )
    before = _snapshot(scene)
    # a second tab still holding the first version
    with nothing_changes(), pytest.raises(Conflict) as refused:
        services.sheet_save_draft(
            actor=member,
            round_dossier=scene.round_dossier,
            answers={"1.1": "d"},
            expected_version=first.version,
        )
    assert refused.value.code == "stale_version"
    assert _snapshot(scene) == before


def test_someone_not_assigned_cannot_score(scene, cast):
    services.member_add(
        actor=cast.province_officer, council=scene.council, user=cast.commune_officer, role=CouncilRole.HELPER
    )
    before = _snapshot(scene)
    for outsider in (
        cast.province_officer,
        cast.commune_officer,
        cast.producer_user,
        cast.other_province_officer,
    ):
        with nothing_changes(), pytest.raises(Forbidden):
            submit(scene, outsider, answers())
    assert _snapshot(scene) == before


def test_an_unassigned_member_cannot_score(cast):
    scene = build_scene(cast, assign=False)
    before = _snapshot(scene)
    with nothing_changes(), pytest.raises(Forbidden) as refused:
        submit(scene, cast.council1, answers())
    assert "chưa được phân công" in str(refused.value.message)
    assert _snapshot(scene) == before


def test_a_member_who_belongs_to_the_producer_is_detected_and_never_assigned(cast):
    scene = build_scene(cast, assign=False, open_scoring=False)
    ProducerMember.objects.create(producer=scene.producer, user=cast.council3, is_owner=False)
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.assignment_create(
            actor=cast.province_officer,
            round_dossier=scene.round_dossier,
            member=scene.council.members.get(user=cast.council3),
        )
    assert refused.value.code == "member_conflicted"
    services.assignments_create_all(actor=cast.province_officer, evaluation_round=scene.round)
    assigned = set(
        Assignment.objects.filter(round_dossier=scene.round_dossier).values_list(
            "member__user__username", flat=True
        )
    )
    assert assigned == {"council1", "council2"}
    conflict = ConflictOfInterest.objects.get(round_dossier=scene.round_dossier, user=cast.council3)
    assert (conflict.reason, conflict.source) == (ConflictReason.SAME_PRODUCER, ConflictSource.DETECTED)


def test_a_commune_officer_on_the_council_is_conflicted_on_their_communes_producers(cast):
    scene = build_scene(cast, assign=False, open_scoring=False)
    role_grant(actor=None, user=cast.commune_officer, kind=RoleKind.COUNCIL_MEMBER, unit=cast.province)
    services.member_add(
        actor=cast.province_officer, council=scene.council, user=cast.commune_officer, role=CouncilRole.MEMBER
    )
    conflict = ConflictOfInterest.objects.get(round_dossier=scene.round_dossier, user=cast.commune_officer)
    assert conflict.reason == ConflictReason.SAME_COMMUNE


def test_a_declared_conflict_takes_the_member_off_the_dossier(scene):
    member = scene.cast.council3
    services.sheet_save_draft(
        actor=member, round_dossier=scene.round_dossier, answers={"1.1": "d"}, expected_version=0
    )
    services.conflict_declare(
        actor=member,
        round_dossier=scene.round_dossier,
        reason=ConflictReason.FAMILY,
        note="Chủ tịch HTX là anh ruột",
    )
    assert not Assignment.objects.filter(round_dossier=scene.round_dossier, member__user=member).exists()
    with nothing_changes(), pytest.raises(Forbidden) as refused:
        services.sheet_save_draft(
            actor=member, round_dossier=scene.round_dossier, answers={"1.1": "c"}, expected_version=1
        )
    assert "xung đột lợi ích" in str(refused.value.message)
    event = AuditEvent.objects.get(action="conflict.declare")
    assert (event.actor, event.reason) == (member, "Chủ tịch HTX là anh ruột")
    # The two others are enough once the conflicted member is off the dossier... if the round asks for two.
    submit(scene, scene.cast.council1, answers())
    submit(scene, scene.cast.council2, answers())
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.council_result_compute(actor=scene.cast.province_officer, round_dossier=scene.round_dossier)
    assert refused.value.code == "not_enough_sheets"  # min_sheets is 3


def test_a_member_declares_only_their_own_conflicts(scene):
    with nothing_changes(), pytest.raises(Forbidden):
        services.conflict_declare(
            actor=scene.cast.council1,
            round_dossier=scene.round_dossier,
            reason=ConflictReason.DECLARED,
            note="x",
            user=scene.cast.council2,
        )


def test_the_result_waits_for_every_assigned_sheet(scene):
    submit(scene, scene.cast.council1, answers())
    submit(scene, scene.cast.council2, answers())
    before = _snapshot(scene)
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.council_result_compute(actor=scene.cast.province_officer, round_dossier=scene.round_dossier)
    assert refused.value.code == "not_enough_sheets"
    assert refused.value.details["missing"] == ["council3"]
    assert _snapshot(scene) == before


def test_a_member_sees_the_others_sheets_only_once_the_council_result_is_in(scene):
    cast = scene.cast
    submit(scene, cast.council1, answers())
    services.sheet_save_draft(
        actor=cast.council2, round_dossier=scene.round_dossier, answers={"1.1": "a"}, expected_version=0
    )
    assert selectors.sheets_visible_to(cast.council2, scene.round_dossier) == []
    assert selectors.sheets_visible_to(cast.council3, scene.round_dossier) == []
    submit(scene, cast.council3, answers(**{"1.1": "c"}))
    seen = {s.member.user.username for s in selectors.sheets_visible_to(cast.council3, scene.round_dossier)}
    assert seen == {"council3"}  # blind scoring: having submitted is not enough before the result
    assert selectors.sheets_visible_to(cast.province_officer, scene.round_dossier) == []
    services.sheet_submit(
        actor=cast.council2, round_dossier=scene.round_dossier, answers=answers(), expected_version=1
    )
    services.council_result_compute(actor=cast.province_officer, round_dossier=scene.refresh())
    seen = {s.member.user.username for s in selectors.sheets_visible_to(cast.council3, scene.round_dossier)}
    assert seen == {"council1", "council2", "council3"}
    assert len(selectors.sheets_visible_to(cast.province_officer, scene.round_dossier)) == 3


def test_the_secretary_sees_who_has_scored_what_but_a_plain_member_does_not(scene):
    cast = scene.cast
    submit(scene, cast.council1, answers())
    services.sheet_save_draft(
        actor=cast.council3, round_dossier=scene.round_dossier, answers={"1.1": "a"}, expected_version=0
    )
    members, rows = selectors.progress(cast.council2, scene.round)
    assert [m.user.username for m in members] == [
        "council1",
        "council2",
        "council3",
    ]  # chair, secretary, member
    states = {m.user.username: c.state for m, c in zip(members, rows[0].cells, strict=True)}
    assert states == {"council1": "submitted", "council2": "not_started", "council3": "draft"}
    with nothing_changes(), pytest.raises(NotFound):
        selectors.progress(cast.council3, scene.round)


def test_the_council_concludes_with_minutes_and_proposes_the_product_to_the_centre(scene):
    cast = scene.cast
    for user, chosen in (
        (cast.council1, answers()),
        (cast.council2, answers()),
        (cast.council3, answers(**{"1.1": "c"})),
    ):
        submit(scene, user, chosen)
    result = services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    assert result.mean_score == Decimal("96.67")
    with nothing_changes(), pytest.raises(Invalid):
        services.council_conclude(
            actor=cast.province_officer, round_dossier=result, conclusion="recognise", minutes="  "
        )
    done = services.council_conclude(
        actor=cast.province_officer,
        round_dossier=result,
        conclusion="recognise",
        minutes="Hội đồng họp ngày ..., 3/3 thành viên có mặt, thống nhất đề nghị công nhận 4 sao.",
        expected_version=result.version,
    )
    assert done.status == EvaluationStatus.RECOGNITION_PROPOSED
    proposed = services.round_dossier_propose_upward(actor=cast.province_officer, round_dossier=done)
    assert proposed.forwarded_at is not None
    assert Dossier.objects.get(pk=scene.dossier.pk).status == "proposed_to_central"
    # The central round gathers it.
    central_round = services.round_create(
        actor=cast.central,
        name="Đợt đánh giá sản phẩm 5 sao",
        level="central",
        unit=cast.country,
        year=scene.round.year,
        rubric_version=scene.rubric,
        held_on=scene.round.held_on,
    )
    again = services.round_dossier_add(
        actor=cast.central, evaluation_round=central_round, dossier=scene.dossier
    )
    assert again.status == EvaluationStatus.UNDER_EVALUATION
    assert Dossier.objects.get(pk=scene.dossier.pk).status == "proposed_to_central"


def test_a_product_below_the_bands_is_not_recognised(scene):
    cast = scene.cast
    low = {"1.1": "a", "1.2": "a", "2.1": "a", "3.1": "b", "3.2": "b"}  # 15 points
    for user in (cast.council1, cast.council2, cast.council3):
        submit(scene, user, low)
    result = services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    assert (result.mean_score, result.band_stars, result.recognised_stars, result.forward_to) == (
        Decimal("15.00"),
        1,
        None,
        "",
    )
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.council_conclude(
            actor=cast.province_officer, round_dossier=result, conclusion="recognise", minutes="x"
        )
    assert refused.value.code == "nothing_to_recognise"
    services.council_conclude(
        actor=cast.province_officer, round_dossier=result, conclusion="not_recognise", minutes="Không đạt."
    )
    assert Dossier.objects.get(pk=scene.dossier.pk).status == "not_recognised"


def test_a_gate_a_member_found_leaves_nothing_to_recognise(scene):
    cast = scene.cast
    submit(scene, cast.council1, answers(), gates=["loai-3.2"])
    submit(scene, cast.council2, answers())
    submit(scene, cast.council3, answers())
    result = services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    assert result.recognised_stars is None
    assert result.explanation["gates"] == [
        {"code": "loai-3.2", "text": "Nguyên liệu không rõ nguồn gốc", "members": 1}
    ]


def test_a_round_is_run_only_by_officers_of_its_unit(cast):
    rubric = load_test_rubric()
    kwargs = dict(
        name="Đợt 1",
        level="province",
        unit=cast.province,
        year=2026,
        rubric_version=rubric,
        held_on=timezone.localdate(),
    )
    for outsider in (cast.other_province_officer, cast.council1, cast.commune_officer):
        with nothing_changes(), pytest.raises(Forbidden):
            services.round_create(actor=outsider, **kwargs)
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.round_create(actor=cast.province_officer, **{**kwargs, "level": "district"})
    assert refused.value.code == "round_level_does_not_score"  # no districts since 1/7/2025
    assert not EvaluationRound.objects.exists()


def test_after_the_decision_the_round_dossier_and_the_cycle_dossier_are_recognised(scene):
    cast = scene.cast
    for user in (cast.council1, cast.council2, cast.council3):
        submit(scene, user, answers(**{"1.1": "c", "3.2": "b"}))  # 80: 4★, nothing forwarded
    result = services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    assert (result.recognised_stars, result.forward_to) == (4, "")
    with nothing_changes(), pytest.raises(Invalid):
        services.round_dossier_propose_upward(actor=cast.province_officer, round_dossier=result)
    concluded = services.council_conclude(
        actor=cast.province_officer,
        round_dossier=result,
        conclusion="recognise",
        minutes="Đề nghị công nhận 4 sao.",
    )
    with nothing_changes(), pytest.raises(Forbidden):
        services.round_dossier_mark_recognised(
            actor=cast.council1, round_dossier=concluded, decision_number="125/QĐ-UBND"
        )
    done = services.round_dossier_mark_recognised(
        actor=cast.province_officer, round_dossier=concluded, decision_number="125/QĐ-UBND"
    )
    assert done.status == EvaluationStatus.RECOGNISED
    assert Dossier.objects.get(pk=scene.dossier.pk).status == "recognised"


def test_an_approved_decision_answers_the_councils_proposal(scene):
    """The maker names only the product; the decision finds the council's proposal and closes it when the
    checker approves."""
    from ocop.accounts.services import user_create
    from ocop.certification import services as certification

    cast = scene.cast
    for user in (cast.council1, cast.council2, cast.council3):
        submit(scene, user, answers(**{"1.1": "c", "3.2": "b"}))  # 80: 4★
    result = services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    services.council_conclude(
        actor=cast.province_officer, round_dossier=result, conclusion="recognise", minutes="Đề nghị 4 sao."
    )
    checker = user_create(actor=None, username="checker", password="mat-khau-kiem-tra-2025")
    role_grant(actor=None, user=checker, kind=RoleKind.PROVINCE_OFFICER, unit=cast.province)
    authority = certification.authority_ensure(actor=cast.province_officer, unit=cast.province)
    decision = certification.decision_create(
        actor=cast.province_officer,
        authority=authority,
        number="126/QĐ-UBND",
        date=timezone.localdate(),
        signer="Chủ tịch UBND tỉnh",
        items=[(scene.dossier.product, 4, result.mean_score, None)],
    )
    assert scene.refresh().status == EvaluationStatus.RECOGNITION_PROPOSED
    certification.decision_approve(actor=checker, decision=decision)
    assert scene.refresh().status == EvaluationStatus.RECOGNISED
    assert Dossier.objects.get(pk=scene.dossier.pk).status == "recognised"
