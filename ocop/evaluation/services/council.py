"""The council's lifecycle: set up by decision, its members, their conflicts of interest and assignments.

A conflict is detected from the data when a member or a dossier is added and at every assignment, read again
before the result counts sheets (`recheck_conflicts`), and may be declared by the member.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability, is_staff_officer
from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Invalid
from ocop.core.text import nfc
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation import policies, selectors
from ocop.evaluation.models import (
    SCORING_ROLES,
    Assignment,
    ConflictOfInterest,
    ConflictReason,
    ConflictSource,
    Council,
    CouncilMember,
    CouncilRole,
    EvaluationRound,
    EvaluationStatus,
    RoundDossier,
    SheetStatus,
)
from ocop.evaluation.services.common import lock_round_dossier, recompute_running

# Council ----------------------------------------------------------------------------------------------------


@transaction.atomic
def council_set_up(
    *, actor, evaluation_round: EvaluationRound, name: str, decision_number: str, decision_date: date
) -> Council:
    policies.require(actor, "set_up_council", evaluation_round)
    name, decision_number = nfc(name), nfc(decision_number)
    if not name or not decision_number:
        raise Invalid(_("Cần tên Hội đồng và số quyết định thành lập."), code="council_decision_required")
    if decision_date > timezone.localdate():
        raise Invalid(_("Ngày quyết định không được ở tương lai."), code="council_decision_date_future")
    council = Council.objects.create(
        round=evaluation_round,
        name=name,
        decision_number=decision_number,
        decision_date=decision_date,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="council.set_up",
        target=council,
        unit=evaluation_round.unit,
        data={"decision_number": decision_number, "decision_date": decision_date.isoformat()},
    )
    return council


@transaction.atomic
def member_add(
    *, actor, council: Council, user, role: str, position: str = "", employer: str = ""
) -> CouncilMember:
    evaluation_round = council.round
    policies.require(actor, "add_member", evaluation_round)
    if role not in CouncilRole.values:
        raise Invalid(_("Vai trò trong Hội đồng không hợp lệ."), code="council_role_invalid")
    if role in SCORING_ROLES and not can(user, Capability.SCORE, evaluation_round.unit):
        raise Invalid(
            _("Người này chưa được giao vai trò thành viên Hội đồng đánh giá của đơn vị."),
            code="member_without_score_role",
        )
    if role == CouncilRole.HELPER and not (is_staff_officer(user) or has_capability(user, Capability.SCORE)):
        raise Invalid(_("Tổ giúp việc gồm cán bộ có vai trò trong hệ thống."), code="helper_not_staff")
    if CouncilMember.objects.filter(council=council, user=user).exists():
        raise Conflict(_("Người này đã có tên trong Hội đồng."), code="member_exists")
    if (
        role == CouncilRole.CHAIR
        and CouncilMember.objects.filter(council=council, role=CouncilRole.CHAIR).exists()
    ):
        raise Conflict(_("Hội đồng đã có Chủ tịch."), code="chair_exists")
    member = CouncilMember.objects.create(
        council=council,
        user=user,
        role=role,
        position=nfc(position),
        employer=nfc(employer),
        added_by=actor,
    )
    policies.forget_seats(user)
    record_event(
        actor=actor,
        action="council.member_add",
        target=member,
        unit=evaluation_round.unit,
        data={"user": user.username, "role": role},
    )
    for round_dossier in evaluation_round.dossiers.select_related("dossier"):
        detect_conflicts(actor=actor, round_dossier=round_dossier, members=[member])
    return member


# Conflicts of interest ---------------------------------------------------------------------------------------


def detect_conflicts(*, actor, round_dossier: RoundDossier, members: Iterable[CouncilMember]) -> int:
    recorded = 0
    for member in members:
        for reason in selectors.detected_reasons(member, round_dossier):
            conflict, created = ConflictOfInterest.objects.get_or_create(
                round_dossier=round_dossier,
                user_id=member.user_id,
                reason=reason,
                defaults={"source": ConflictSource.DETECTED, "recorded_by": None},
            )
            if created:
                recorded += 1
                record_event(
                    actor=actor,
                    action="conflict.detect",
                    target=conflict,
                    unit=round_dossier.round.unit,
                    data={"user": member.user.username, "reason": reason, "round_dossier": round_dossier.pk},
                )
        if ConflictOfInterest.objects.filter(round_dossier=round_dossier, user_id=member.user_id).exists():
            Assignment.objects.filter(round_dossier=round_dossier, member=member).delete()
    return recorded


@transaction.atomic
def conflict_declare(
    *, actor, round_dossier: RoundDossier, reason: str, note: str = "", user=None
) -> ConflictOfInterest:
    """A member declares a conflict on a dossier (an officer may record one for a member). The member's
    assignment goes, and a sheet they already submitted no longer counts."""
    round_dossier = lock_round_dossier(round_dossier)
    person = user or actor
    refusal = policies.declare_conflict_refusal(actor, round_dossier, person)
    if refusal is not None:
        refusal.raise_it()
    if reason not in ConflictReason.values:
        raise Invalid(_("Lý do xung đột lợi ích không hợp lệ."), code="conflict_reason_invalid")
    note = nfc(note)
    if reason == ConflictReason.DECLARED and not note:
        raise Invalid(_("Cần ghi rõ lý do khi tự khai báo."), code="conflict_note_required")
    member = policies.seat(person, round_dossier.round)
    assert member is not None  # the refusal checked the seat
    try:
        with transaction.atomic():
            conflict = ConflictOfInterest.objects.create(
                round_dossier=round_dossier,
                user=person,
                reason=reason,
                source=ConflictSource.DECLARED,
                note=note,
                recorded_by=actor,
            )
    except IntegrityError as error:
        raise Conflict(_("Xung đột lợi ích này đã được ghi nhận."), code="conflict_exists") from error
    Assignment.objects.filter(round_dossier=round_dossier, member=member).delete()
    record_event(
        actor=actor,
        action="conflict.declare",
        target=conflict,
        unit=round_dossier.round.unit,
        reason=note,
        data={"user": person.username, "reason": reason, "round_dossier": round_dossier.pk},
    )
    recompute_running(round_dossier)
    return conflict


# Assignments ------------------------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(*, actor, round_dossier: RoundDossier, member: CouncilMember) -> Assignment:
    round_dossier = lock_round_dossier(round_dossier)
    policies.require(actor, "assign", round_dossier)
    if member.council.round_id != round_dossier.round_id:
        raise Invalid(_("Thành viên không thuộc Hội đồng của đợt này."), code="not_a_member")
    if not member.scores:
        raise Invalid(_("Tổ giúp việc không chấm điểm."), code="member_does_not_score")
    detect_conflicts(actor=actor, round_dossier=round_dossier, members=[member])
    if ConflictOfInterest.objects.filter(round_dossier=round_dossier, user_id=member.user_id).exists():
        raise Invalid(
            _("Thành viên có xung đột lợi ích với hồ sơ này nên không được phân công."),
            code="member_conflicted",
        )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                round_dossier=round_dossier, member=member, assigned_by=actor
            )
    except IntegrityError as error:
        raise Conflict(_("Thành viên đã được phân công hồ sơ này."), code="assignment_exists") from error
    record_event(
        actor=actor,
        action="assignment.create",
        target=assignment,
        unit=round_dossier.round.unit,
        data={"user": member.user.username, "round_dossier": round_dossier.pk},
    )
    dossier_gateway.notify_assigned(actor=actor, round_dossier=round_dossier, member=member)
    return assignment


@transaction.atomic  # all the assignments or none
def assignments_create_all(*, actor, evaluation_round: EvaluationRound) -> int:
    """Assign every scoring member to every dossier under evaluation, except where a conflict stands."""
    policies.require(actor, "assign_all", evaluation_round)
    council = Council.objects.get(round=evaluation_round)
    created = 0
    scorers = list(council.members.filter(role__in=SCORING_ROLES).select_related("user", "council"))
    for round_dossier in evaluation_round.dossiers.filter(status=EvaluationStatus.UNDER_EVALUATION):
        assigned = set(round_dossier.assignments.values_list("member_id", flat=True))
        for member in scorers:
            if member.pk in assigned:
                continue
            with transaction.atomic():
                detect_conflicts(actor=actor, round_dossier=round_dossier, members=[member])
            if ConflictOfInterest.objects.filter(
                round_dossier=round_dossier, user_id=member.user_id
            ).exists():
                continue
            try:
                assignment_create(actor=actor, round_dossier=round_dossier, member=member)
            except Conflict:
                continue
            created += 1
    return created


def recheck_conflicts(*, actor, round_dossier: RoundDossier) -> list[CouncilMember]:
    """Before sheets are counted, read the conflicts again for every member holding an assignment or a sheet
    of the dossier (one may have joined the producer since being assigned): a new one is recorded (audit
    `conflict.detect`) and takes the member off the dossier. Returns the members whose submitted sheet
    therefore does not count."""
    holders = (
        CouncilMember.objects.filter(
            Q(assignments__round_dossier=round_dossier) | Q(sheets__round_dossier=round_dossier)
        )
        .distinct()
        .select_related("user")
    )
    detect_conflicts(actor=actor, round_dossier=round_dossier, members=list(holders))
    conflicted = ConflictOfInterest.objects.filter(round_dossier=round_dossier).values("user_id")
    return list(
        CouncilMember.objects.filter(
            sheets__round_dossier=round_dossier, sheets__status=SheetStatus.SUBMITTED, user_id__in=conflicted
        )
        .select_related("user")
        .order_by("pk")
    )
