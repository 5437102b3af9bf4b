"""Council results of rounds held before ocop was used, for demo data and tests only (no page or API reaches it).

A decision item needs a council result (`certification.council`). Demo products certified "last year" and the
tests of certificates need one without replaying every sheet: this records, per product, a concluded round
dossier ("recognise", `recognition_proposed`) of a past round of the unit, with the council's score and stars,
as an import of history would. Real rounds go through `ocop.evaluation.services`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ocop.cycle.models import Dossier
from ocop.cycle.states import DOSSIER
from ocop.evaluation.models import Conclusion, EvaluationRound, EvaluationStatus, RoundDossier, RoundStatus
from ocop.rubrics.models import RubricVersion
from ocop.rubrics.selectors import engine_version, version_in_force

# A score inside each star's band in every shipped version (3★ 50–69, 4★ 70–89, 5★ 90–100).
TYPICAL_SCORE = {3: Decimal("62.50"), 4: Decimal("78.00"), 5: Decimal("93.00")}


@transaction.atomic
def record_past_results(
    *, unit, items, held_on: datetime.date | None = None, created_by, name: str = ""
) -> list[RoundDossier]:
    """One closed round of `unit` (its level: `central` for the country, else the unit's level) held on
    `held_on`, with a concluded round dossier per `(product, stars[, score])`."""
    held_on = held_on or timezone.localdate() - datetime.timedelta(days=14)
    rubric = version_in_force(held_on) or RubricVersion.objects.order_by("-effective_from").first()
    level = engine_version(rubric.code).level_of_unit(unit.level)
    evaluation_round = EvaluationRound.objects.create(
        name=name or f"Đợt đánh giá {held_on:%d/%m/%Y}",
        level=level,
        unit=unit,
        year=held_on.year,
        rubric_version=rubric,
        held_on=held_on,
        status=RoundStatus.CLOSED,
        created_by=created_by,
    )
    found = []
    for product, stars, *rest in items:
        score = (
            Decimal(str(rest[0])) if rest and rest[0] is not None else TYPICAL_SCORE.get(stars, Decimal("40"))
        )
        dossier = (
            Dossier.objects.filter(product=product, year=held_on.year)
            .exclude(status=DOSSIER.withdrawn)
            .first()
        )
        if dossier is None:
            dossier = Dossier.objects.create(
                producer=product.producer,
                product=product,
                unit=product.producer.unit,
                year=held_on.year,
                status=DOSSIER.recognised,  # history: the cycle need not move again
                rubric_version=rubric,
                checklist_version="past",
                checklist=[],
                created_by=created_by,
            )
        found.append(
            RoundDossier.objects.create(
                round=evaluation_round,
                dossier=dossier,
                status=EvaluationStatus.RECOGNITION_PROPOSED,
                added_by=created_by,
                mean_score=score,
                band_stars=stars,
                eligible_stars=stars,
                recognised_stars=stars,
                explanation={"lines": [f"Điểm trung bình {score}; hội đồng công nhận {stars} sao."]},
                result_at=timezone.now(),
                conclusion=Conclusion.RECOGNISE,
                minutes="Biên bản họp hội đồng (dữ liệu lịch sử).",
                concluded_by=created_by,
                concluded_at=timezone.now(),
            )
        )
    return found
