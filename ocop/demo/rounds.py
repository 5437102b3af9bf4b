"""Demo evaluation rounds of Tỉnh Bắc Ninh, run through the real services, so the whole loop can be walked
with the demo users:

- a past round on the 2019 rubric (held in 2022): two products of a cooperative of Phường Vân Hà scored by council1..3,
  concluded, recognised by a decision drafted by `province` and approved by `province2`, certificates issued;
- this year's round on the rubric in force, at the scoring stage, with a fresh-produce product (product set
  "1.1" Rau, củ, quả, hạt tươi) of the demo producer assigned to council1..3 and not scored yet.

If the version in force has no digital sheet for set 1.1 the round is still seeded (its members then score on
paper). Each part is skipped when its round already exists, so a second run only looks the rounds up.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ocop.accounts.models import User
from ocop.certification import services as certification
from ocop.core.text import fold
from ocop.cycle import services as cycle
from ocop.cycle.models import Dossier
from ocop.demo.files import demo_pdf
from ocop.evaluation import rules
from ocop.evaluation import services as evaluation
from ocop.evaluation.models import Conclusion, CouncilRole, EvaluationRound, RoundStatus
from ocop.geo.models import AdminUnit, Era
from ocop.producers.models import LegalForm, Producer, ProducerStatus
from ocop.producers.services import producer_create
from ocop.products.models import Product
from ocop.products.services import product_create
from ocop.rubrics import engine
from ocop.rubrics.models import ProductSet, RubricVersion
from ocop.rubrics.schema import RubricVersion as EngineVersion
from ocop.rubrics.selectors import version_in_force

PROVINCE = "24"  # Tỉnh Bắc Ninh
FRESH_PRODUCE = "1.1"  # Rau, củ, quả, hạt tươi (the same code in 2019 and 2023)
COUNCIL = (
    ("council1", CouncilRole.CHAIR),
    ("council2", CouncilRole.SECRETARY),
    ("council3", CouncilRole.MEMBER),
)

# The past round: held under the 2019 rubric, decided and certified in 2022.
PAST_RUBRIC = "2019"
PAST_YEAR = 2022
PAST_DOSSIERS_OPENED = datetime.date(2022, 4, 11)
PAST_COUNCIL_DECISION = datetime.date(2022, 6, 1)
PAST_HELD_ON = datetime.date(2022, 6, 20)
PAST_DECISION_DATE = datetime.date(2022, 7, 15)
PAST_ROUND_NAME = "Đợt đánh giá, phân hạng sản phẩm OCOP năm 2022"
PAST_PRODUCER = ("Hợp tác xã Nông sản Việt Yên", LegalForm.COOPERATIVE, "2400556677", "07798")
# (product, product set of 2019, description, stars the council's sheets aim at)
PAST_PRODUCTS = [
    ("Vải thiều tươi Việt Yên", "1.1", "Vải thiều chín cây, hái trong ngày, đóng thùng xốp.", 4),
    ("Nước vải thiều Việt Yên", "8.2", "Nước ép vải thiều nguyên chất, thanh trùng, đóng chai.", 3),
]

# This year's round on the rubric in force.
CURRENT_PRODUCER_TAX_CODE = "2400123456"  # the demo producer's cooperative in Phường Vân Hà
CURRENT_PRODUCT = ("Vải thiều tươi Vân Hà", "Vải thiều chín cây hái sáng, bán trong ngày.")


@contextmanager
def _clock_on(day: datetime.date) -> Iterator[None]:
    """Today is `day` for the services called inside: a dossier can only be opened on the rubric in force on the
    day it is opened, so the past round's dossiers are opened on a day of 2022. Audit times stay real."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _province() -> AdminUnit:
    return AdminUnit.objects.get(era=Era.CURRENT, code=PROVINCE)


def _accepted_dossier(product: Product, *, year: int, opened_on: datetime.date | None = None) -> Dossier:
    """The dossier taken through the cycle by its people: producer → commune → province accepts it."""
    producer, commune, province = _user("producer"), _user("commune"), _user("province")
    if opened_on is None:
        dossier = cycle.dossier_create(actor=producer, product=product, year=year)
    else:
        with _clock_on(opened_on):
            dossier = cycle.dossier_create(actor=producer, product=product, year=year)
    for row in dossier.checklist:
        if row.get("required"):
            # Named as a producer would name the scan ("giay-chung-nhan-attp.pdf"), not by the item's code.
            name = fold(str(row.get("label") or row["item"])).replace(" ", "-")[:60]
            upload = SimpleUploadedFile(f"{name}.pdf", demo_pdf(), "application/pdf")
            cycle.document_upload(actor=producer, dossier=dossier, item=row["item"], upload=upload)
    # The cycle's step functions lock the dossier but leave the transaction to their caller (the views).
    for step, actor in (
        (cycle.dossier_submit, producer),
        (cycle.dossier_check, commune),
        (cycle.dossier_forward, commune),
        (cycle.dossier_accept, province),
    ):
        with transaction.atomic():
            step(actor=actor, dossier=Dossier.objects.get(pk=dossier.pk))
    return Dossier.objects.get(pk=dossier.pk)


def _round_with_council(
    *, name: str, year: int, rubric: RubricVersion, held_on, council_date
) -> EvaluationRound:
    officer = _user("province")
    evaluation_round = evaluation.round_create(
        actor=officer,
        name=name,
        level="province",
        unit=_province(),
        year=year,
        rubric_version=rubric,
        held_on=held_on,
    )
    council = evaluation.council_set_up(
        actor=officer,
        evaluation_round=evaluation_round,
        name="Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Bắc Ninh",
        decision_number=f"{year % 100 + 40}/QĐ-UBND",
        decision_date=council_date,
    )
    for username, role in COUNCIL:
        evaluation.member_add(actor=officer, council=council, user=_user(username), role=role)
    return evaluation_round


def answers_for(version: EngineVersion, product_set: str, legal_form: str, stars: int, slack: int) -> dict:
    """A believable sheet reaching `stars`: the best option everywhere, then lowered criterion by criterion while
    the total stays `slack` points or more above the band's floor and the sheet still allows `stars`."""
    sheet = engine.sheet_for(version, product_set)
    ladders = {}
    for criterion in sheet.criteria:
        options = [
            option
            for alternative in criterion.alternatives
            if alternative.allows(legal_form)
            for option in alternative.options
        ]
        ladders[criterion.code] = [o.code for o in sorted(options, key=lambda o: o.points, reverse=True)]
    chosen = {code: ladder[0] for code, ladder in ladders.items() if ladder}
    band = next(b for b in version.bands if b.stars == stars)
    floor = Decimal(band.lower) + slack

    def fits(answers: dict) -> bool:
        scored = engine.score_sheet(version, product_set, answers, legal_form=legal_form)
        return (scored.eligible_stars or 0) >= stars and scored.total >= floor

    changed = True
    while changed:
        changed = False
        for code, ladder in reversed(ladders.items()):
            step = ladder.index(chosen[code]) + 1 if code in chosen else len(ladder)
            if step < len(ladder) and fits({**chosen, code: ladder[step]}):
                chosen[code] = ladder[step]
                changed = True
    return chosen


def seed_past_round() -> EvaluationRound | None:
    """The 2022 round on the 2019 rubric, concluded, decided and certified. None when 2019 is not loaded."""
    rubric = RubricVersion.objects.filter(code=PAST_RUBRIC).first()
    if rubric is None:
        return None
    existing = EvaluationRound.objects.filter(
        rubric_version=rubric, unit=_province(), name=PAST_ROUND_NAME
    ).first()
    if existing is not None:
        return existing
    version = rules.loaded_version(rubric)
    name, legal_form, tax_code, commune_code = PAST_PRODUCER
    producer = Producer.objects.filter(tax_code=tax_code).first() or producer_create(
        actor=None,
        name=name,
        legal_form=legal_form,
        unit=AdminUnit.objects.get(era=Era.CURRENT, code=commune_code),
        tax_code=tax_code,
        owner=_user("producer"),
        status=ProducerStatus.CONFIRMED,
        address="Thôn Nam Ngạn",
    )
    aims: dict[int, int] = {}
    dossiers = []
    for product_name, set_code, description, stars in PAST_PRODUCTS:
        product_set = ProductSet.objects.filter(version=rubric, code=set_code).first()
        if product_set is None or version.sheet(set_code) is None:
            continue
        product = Product.objects.filter(producer=producer, name=product_name).first() or product_create(
            actor=None, producer=producer, name=product_name, product_set=product_set, description=description
        )
        dossier = _accepted_dossier(product, year=PAST_YEAR, opened_on=PAST_DOSSIERS_OPENED)
        dossiers.append(dossier)
        aims[dossier.pk] = stars
    if not dossiers:
        return None
    officer, checker = _user("province"), _user("province2")
    evaluation_round = _round_with_council(
        name=PAST_ROUND_NAME,
        year=PAST_YEAR,
        rubric=rubric,
        held_on=PAST_HELD_ON,
        council_date=PAST_COUNCIL_DECISION,
    )
    round_dossiers = [
        evaluation.round_dossier_add(actor=officer, evaluation_round=evaluation_round, dossier=dossier)
        for dossier in dossiers
    ]
    evaluation.assignments_create_all(actor=officer, evaluation_round=evaluation_round)
    evaluation.round_advance(actor=officer, evaluation_round=evaluation_round, to=RoundStatus.SCORING)
    items = []
    for round_dossier in round_dossiers:
        dossier = round_dossier.dossier
        for slack, (username, _role) in zip((6, 3, 9), COUNCIL, strict=True):
            chosen = answers_for(
                version, dossier.product.product_set.code, producer.legal_form, aims[dossier.pk], slack
            )
            evaluation.sheet_submit(
                actor=_user(username), round_dossier=round_dossier, answers=chosen, expected_version=0
            )
        result = evaluation.council_result_compute(actor=officer, round_dossier=round_dossier)
        result = evaluation.council_conclude(
            actor=officer,
            round_dossier=result,
            conclusion=Conclusion.RECOGNISE,
            minutes="Hội đồng thống nhất đề nghị UBND tỉnh công nhận sản phẩm theo kết quả chấm điểm.",
        )
        items.append((dossier.product, result.recognised_stars, result.mean_score, dossier))
    authority = certification.authority_ensure(actor=officer, unit=_province())
    decision = certification.decision_create(
        actor=officer,
        authority=authority,
        number="215/QĐ-UBND",
        date=PAST_DECISION_DATE,
        signer="Phó Chủ tịch UBND tỉnh Bắc Ninh",
        items=items,
    )
    certification.decision_approve(actor=checker, decision=decision)
    return evaluation.round_advance(
        actor=officer,
        evaluation_round=EvaluationRound.objects.get(pk=evaluation_round.pk),
        to=RoundStatus.CLOSED,
    )


def current_round_name(year: int) -> str:
    return f"Đợt 1 năm {year}"


def seed_current_round() -> EvaluationRound | None:
    """This year's round at the scoring stage with the fresh-produce dossier assigned to council1..3."""
    today = timezone.localdate()
    row = version_in_force(today)
    if row is None:
        return None
    existing = EvaluationRound.objects.filter(
        rubric_version=row, unit=_province(), name=current_round_name(today.year)
    ).first()
    if existing is not None:
        return existing
    producer = Producer.objects.filter(tax_code=CURRENT_PRODUCER_TAX_CODE).first()
    product_set = ProductSet.objects.filter(version=row, code=FRESH_PRODUCE).first()
    if producer is None or product_set is None:
        return None
    name, description = CURRENT_PRODUCT
    product = Product.objects.filter(producer=producer, name=name).first() or product_create(
        actor=None, producer=producer, name=name, product_set=product_set, description=description
    )
    dossier = _accepted_dossier(product, year=today.year)
    officer = _user("province")
    evaluation_round = _round_with_council(
        name=current_round_name(today.year),
        year=today.year,
        rubric=row,
        held_on=today,
        council_date=today - datetime.timedelta(days=7),
    )
    evaluation.round_dossier_add(actor=officer, evaluation_round=evaluation_round, dossier=dossier)
    evaluation.assignments_create_all(actor=officer, evaluation_round=evaluation_round)
    return evaluation.round_advance(actor=officer, evaluation_round=evaluation_round, to=RoundStatus.SCORING)


def has_digital_sheet(evaluation_round: EvaluationRound, product_set: str = FRESH_PRODUCE) -> bool:
    return rules.loaded_version(evaluation_round.rubric_version).sheet(product_set) is not None
