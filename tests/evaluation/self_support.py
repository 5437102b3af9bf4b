"""Shared by the self-assessment tests (issue 18): a fresh-produce product (set 1.1, the 2023 sheet shipped in
ocop/rubrics/data/2023.yaml) of the honey cooperative of Phường Vân Hà, its dossier with the required documents
(all but the self-assessment report, which the self-assessment writes), and answers on the real sheet."""

from __future__ import annotations

import datetime

from cycle_support import THIS_YEAR, honey_cooperative, pdf_bytes, upload
from django.db import transaction
from django.utils import timezone

from ocop.cycle import services as cycle
from ocop.cycle.models import Dossier
from ocop.evaluation import services
from ocop.evaluation.models import CouncilRole, RoundDossier, RoundStatus
from ocop.evaluation.services.self_assessment import REPORT_ITEM
from ocop.products.services import product_create
from ocop.rubrics import engine
from ocop.rubrics.models import ProductSet, RubricVersion
from ocop.rubrics.selectors import engine_version

FRESH_SET = "1.1"  # Rau, củ, quả, hạt tươi: the one 2023 set with a digital sheet


def fresh_sheet():
    return engine.sheet_for(engine_version("2023"), FRESH_SET)


def answers(level: str = "best", legal_form: str = "cooperative", **changes: str) -> dict[str, str]:
    """One option per criterion of the real sheet: the best (or the least) open to the legal form."""
    chosen = {}
    for criterion in fresh_sheet().criteria:
        options = [o for a in criterion.alternatives if a.allows(legal_form) for o in a.options]
        pick = max if level == "best" else min
        chosen[criterion.code] = pick(options, key=lambda o: o.points).code
    return {**chosen, **changes}


def fresh_dossier(cast, *, producer=None, name: str = "Vải thiều tươi Vân Hà") -> Dossier:
    """A draft dossier of a fresh-produce product with every required document but the report, and the
    optional proof of raw materials (a contract) too."""
    producer = producer or honey_cooperative(cast)
    product = product_create(
        actor=None,
        producer=producer,
        name=name,
        product_set=ProductSet.objects.get(version__code="2023", code=FRESH_SET),
        description="Vải thiều chín cây, hái trong ngày.",
    )
    dossier = cycle.dossier_create(actor=cast.producer_user, product=product, year=THIS_YEAR)
    for row in dossier.checklist:
        if (row["required"] and row["item"] != REPORT_ITEM) or row["item"] == "raw_materials":
            cycle.document_upload(
                actor=cast.producer_user,
                dossier=dossier,
                item=row["item"],
                upload=upload(f"{row['item']}.pdf", pdf_bytes(row["item"])),
            )
    return Dossier.objects.get(pk=dossier.pk)


def document(dossier: Dossier, item: str):
    return dossier.documents.get(item=item, is_current=True)


def submitted_self_assessment(cast, dossier: Dossier, chosen: dict[str, str] | None = None):
    return services.self_assessment_submit(
        actor=cast.producer_user, dossier=dossier, answers=chosen or answers(), expected_version=0
    )


def through_commune(
    cast, dossier: Dossier, *, assessment: dict[str, str] | None = None, submitted: bool = False
) -> Dossier:
    """Submitted by the producer (unless it already is), checked (with the commune's four criteria) and
    forwarded, then accepted."""
    if not submitted:
        with transaction.atomic():
            cycle.dossier_submit(actor=cast.producer_user, dossier=Dossier.objects.get(pk=dossier.pk))
    with transaction.atomic():
        cycle.dossier_check(
            actor=cast.commune_officer, dossier=Dossier.objects.get(pk=dossier.pk), assessment=assessment
        )
    with transaction.atomic():
        cycle.dossier_forward(actor=cast.commune_officer, dossier=Dossier.objects.get(pk=dossier.pk))
    with transaction.atomic():
        cycle.dossier_accept(actor=cast.province_officer, dossier=Dossier.objects.get(pk=dossier.pk))
    return Dossier.objects.get(pk=dossier.pk)


def scoring_round(cast, dossier: Dossier) -> RoundDossier:
    """Bắc Ninh's round on the 2023 rubric, its council of the three cast members, the dossier assigned to
    all of them and scoring open."""
    officer, today = cast.province_officer, timezone.localdate()
    evaluation_round = services.round_create(
        actor=officer,
        name=f"Đợt 1 năm {today.year}",
        level="province",
        unit=cast.province,
        year=today.year,
        rubric_version=RubricVersion.objects.get(code="2023"),
        held_on=today,
    )
    council = services.council_set_up(
        actor=officer,
        evaluation_round=evaluation_round,
        name="Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Bắc Ninh",
        decision_number="45/QĐ-UBND",
        decision_date=today - datetime.timedelta(days=7),
    )
    for user, role in (
        (cast.council1, CouncilRole.CHAIR),
        (cast.council2, CouncilRole.SECRETARY),
        (cast.council3, CouncilRole.MEMBER),
    ):
        services.member_add(actor=officer, council=council, user=user, role=role)
    round_dossier = services.round_dossier_add(
        actor=officer, evaluation_round=evaluation_round, dossier=dossier
    )
    services.assignments_create_all(actor=officer, evaluation_round=evaluation_round)
    services.round_advance(actor=officer, evaluation_round=evaluation_round, to=RoundStatus.SCORING)
    return RoundDossier.objects.get(pk=round_dossier.pk)


def concluded(cast, round_dossier: RoundDossier, sheets: dict) -> RoundDossier:
    """Each member submits their answers; the officer computes the result and records the conclusion."""
    for user, chosen in sheets.items():
        services.sheet_submit(actor=user, round_dossier=round_dossier, answers=chosen, expected_version=0)
    services.council_result_compute(actor=cast.province_officer, round_dossier=round_dossier)
    round_dossier = RoundDossier.objects.get(pk=round_dossier.pk)
    services.council_conclude(
        actor=cast.province_officer,
        round_dossier=round_dossier,
        conclusion="recognise" if round_dossier.recognised_stars else "not_recognise",
        minutes="Hội đồng họp, thống nhất kết quả.",
        expected_version=round_dossier.version,
    )
    return RoundDossier.objects.get(pk=round_dossier.pk)
