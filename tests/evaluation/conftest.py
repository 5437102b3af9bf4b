"""The evaluation story: the fixed cast, a honey cooperative in Phường Vân Hà (Bắc Ninh) whose dossier went
through the cycle to the province, a provincial round with its council (council1 chairs, council2 is the
secretary, council3 a member) and a second province officer to check decisions.

The shipped 2023 rubric has no per-item sheet (Phụ lục III is not in our hands), so each test loads the 2023
version with a small sheet for product set 2.2 invented for tests: A 40 / B 25 / C 35, with a condition, a
"stop" gate and a "disqualify" gate.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ocop.accounts.models import RoleKind, User
from ocop.accounts.services import role_grant, user_create
from ocop.cycle import services as cycle
from ocop.cycle.models import Dossier
from ocop.evaluation import services
from ocop.evaluation.models import Council, CouncilRole, EvaluationRound, RoundDossier, RoundStatus
from ocop.producers.models import Producer, ProducerStatus
from ocop.producers.services import producer_create
from ocop.products.models import Product
from ocop.products.services import product_create
from ocop.rubrics.loader import read_version_file
from ocop.rubrics.models import ProductSet, RubricVersion
from ocop.rubrics.services import DATA_DIR, rubric_version_load

PASSWORD = "mat-khau-thu-nghiem-2025"
PRODUCT_SET = "2.2"


def _options(*points: int) -> list[dict]:
    return [{"code": "abcd"[i], "text": f"Mức {p} điểm", "points": p} for i, p in enumerate(points)]


def honey_sheet() -> dict:
    """Invented for tests: six criteria, every option's points in its text."""
    return {
        "product_set": PRODUCT_SET,
        "source": "dữ liệu thử nghiệm",
        "groups": [
            {
                "code": "1",
                "name": "Tổ chức sản xuất",
                "part": "A",
                "criteria": [
                    {
                        "code": "1.1",
                        "name": "Nguồn nguyên liệu",
                        "max": 20,
                        "options": _options(0, 5, 10, 20),
                    },
                    {"code": "1.2", "name": "Liên kết sản xuất", "max": 20, "options": _options(0, 10, 20)},
                ],
            },
            {
                "code": "2",
                "name": "Câu chuyện sản phẩm",
                "part": "B",
                "criteria": [
                    {"code": "2.1", "name": "Có câu chuyện", "max": 10, "options": _options(0, 4, 10)},
                    {
                        "code": "2.2",
                        "name": "Bản sắc địa phương",
                        "max": 15,
                        "applies_when": {"criterion": "2.1", "min_points": 4},
                        "options": _options(5, 10, 15),
                    },
                ],
            },
            {
                "code": "3",
                "name": "Chất lượng",
                "part": "C",
                "criteria": [
                    {
                        "code": "3.1",
                        "name": "An toàn thực phẩm",
                        "max": 20,
                        "options": _options(0, 10, 20),
                        "gates": [{"code": "dung-3.1", "kind": "stop", "text": "Giấy ATTP không phù hợp"}],
                    },
                    {
                        "code": "3.2",
                        "name": "Tiêu chuẩn sản phẩm",
                        "max": 15,
                        "options": _options(0, 5, 15),
                        "gates": [
                            {
                                "code": "loai-3.2",
                                "kind": "disqualify",
                                "text": "Nguyên liệu không rõ nguồn gốc",
                            }
                        ],
                    },
                ],
            },
        ],
    }


# Answers giving known totals: BEST is 100; each variant lowers some criteria.
BEST = {"1.1": "d", "1.2": "c", "2.1": "c", "2.2": "c", "3.1": "c", "3.2": "c"}


def answers(**changes: str) -> dict[str, str]:
    """BEST with some criteria changed: answers(**{"1.1": "c"}) scores 90."""
    return {**BEST, **changes}


def load_test_rubric() -> RubricVersion:
    document = read_version_file(DATA_DIR / "2023.yaml")
    document["sheets"] = [honey_sheet()]
    rubric_version_load(actor=None, data=document, source="tests/evaluation")
    return RubricVersion.objects.get(code="2023")


def pdf(name: str = "tai-lieu.pdf") -> SimpleUploadedFile:
    from pdf_samples import pdf_with

    return SimpleUploadedFile(name, pdf_with(), "application/pdf")


def person(username: str, full_name: str, kind: str, where) -> User:
    someone = user_create(actor=None, username=username, password=PASSWORD, full_name=full_name)
    role_grant(actor=None, user=someone, kind=kind, unit=where)
    return someone


def accepted_dossier(
    cast,
    *,
    product_name: str = "Mật ong hoa vải Vân Hà",
    producer: Producer | None = None,
    product_set_code: str = PRODUCT_SET,
):
    """A dossier taken through the cycle by its people: producer → commune → province accepts it."""
    version = RubricVersion.objects.get(code="2023")
    product_set = ProductSet.objects.get(version=version, code=product_set_code)
    if producer is None:
        producer = producer_create(
            actor=None,
            name="Hợp tác xã Mật ong Vân Hà",
            legal_form="cooperative",
            unit=cast.commune,
            owner=cast.producer_user,
            status=ProducerStatus.CONFIRMED,
        )
    product = product_create(actor=None, producer=producer, name=product_name, product_set=product_set)
    dossier = cycle.dossier_create(actor=cast.producer_user, product=product, year=timezone.localdate().year)
    for row in dossier.checklist:
        if row.get("required"):
            cycle.document_upload(actor=cast.producer_user, dossier=dossier, item=row["item"], upload=pdf())
    # The cycle's step functions lock the dossier but do not open a transaction themselves (their views do).
    with transaction.atomic():
        cycle.dossier_submit(actor=cast.producer_user, dossier=dossier)
    with transaction.atomic():
        cycle.dossier_check(actor=cast.commune_officer, dossier=dossier)
    with transaction.atomic():
        cycle.dossier_forward(actor=cast.commune_officer, dossier=dossier)
    with transaction.atomic():
        cycle.dossier_accept(actor=cast.province_officer, dossier=dossier)
    return Dossier.objects.get(pk=dossier.pk)


@dataclass
class Scene:
    cast: object
    checker: User
    rubric: RubricVersion
    producer: Producer
    product: Product
    dossier: Dossier
    round: EvaluationRound
    council: Council
    round_dossier: RoundDossier

    def refresh(self) -> RoundDossier:
        self.round_dossier = RoundDossier.objects.get(pk=self.round_dossier.pk)
        return self.round_dossier


def build_scene(
    cast, *, assign: bool = True, open_scoring: bool = True, product_set_code: str = PRODUCT_SET
) -> Scene:
    rubric = load_test_rubric()
    checker = person("province2", "Lý Thị Duyệt", RoleKind.PROVINCE_OFFICER, cast.province)
    dossier = accepted_dossier(cast, product_set_code=product_set_code)
    officer = cast.province_officer
    today = timezone.localdate()
    evaluation_round = services.round_create(
        actor=officer,
        name=f"Đợt 1 năm {today.year}",
        level="province",
        unit=cast.province,
        year=today.year,
        rubric_version=rubric,
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
    if assign:
        services.assignments_create_all(actor=officer, evaluation_round=evaluation_round)
    if open_scoring:
        evaluation_round = services.round_advance(
            actor=officer, evaluation_round=evaluation_round, to=RoundStatus.SCORING
        )
    return Scene(
        cast=cast,
        checker=checker,
        rubric=rubric,
        producer=dossier.producer,
        product=dossier.product,
        dossier=Dossier.objects.get(pk=dossier.pk),
        round=evaluation_round,
        council=council,
        round_dossier=RoundDossier.objects.get(pk=round_dossier.pk),
    )


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"


@pytest.fixture
def scene(cast) -> Scene:
    return build_scene(cast)


def submit(scene: Scene, user, chosen: dict[str, str], **extra):
    """A member submits a sheet in one go (the page's "Nộp phiếu" on a fresh sheet)."""
    return services.sheet_submit(
        actor=user, round_dossier=scene.round_dossier, answers=chosen, expected_version=0, **extra
    )
