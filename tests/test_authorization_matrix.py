"""The authorization matrix (STYLE 8, QUALITY "Security"): every page and API route that needs a signed-in
person, tried by the whole fixed cast, on objects in the states where the answer changes.

The rows are checked against the inventory of `routes_support` (URL conf + OpenAPI document): a route marked
LOGIN, or marked as covered here, without a row fails, and a row whose route is gone fails too.

The cast: anonymous; the producer of another organisation (Hà Nội's tea company); the producer owner (the
honey cooperative of Phường Vân Hà); the commune officers of Vân Hà and of another commune of Bắc Ninh; the
province officers of Bắc Ninh and of Hà Nội; three council members of Bắc Ninh's round who all hold the plain
"Ủy viên" seat: council1 is assigned the dossier under evaluation, council2 sits on the council but is not
assigned it, council3 was assigned and then declared a conflict of interest; the central officer.

Outcomes: OK (2xx, or 3xx to a page that is not the sign-in page, with no error message); NO (refused because
of who asks: 401/403/404, an anonymous page visitor sent to sign in, and for the API a `{"code", "message"}`
body); STATE (the person may see the object but its state or the input refuses: 400/409); TOLD (a page that
answers a refused POST by going back with the reason in an error message). A person not named in a row is
expected to get NO. Where a row names `hide_from`, an OK answer to those people must not name the honey
cooperative or its products (JSON is decoded first: its escapes would hide every Vietnamese name).

Design, so that the whole file stays fast: the world is built once per test through the services (one test per
part of the system), then every request runs inside a savepoint that is rolled back afterwards. POSTs are
therefore real ones, with bodies that succeed for the people allowed to act. Before the rollback the counts and
the status/version columns of the main tables (and the AuditEvent count) are compared with the snapshot taken
before the request: a GET or any refusal must leave them unchanged, and an OK write must have changed them (so
a form redrawn with an error never passes for an allowed action). After each row the snapshot must be back
to where it was, so one request never leaks into the next. The API is called with bearer tokens taken before
the first row (signing in is itself audited); pages with a session.

Expected answers where the code could be argued either way, decided as an OCOP user would expect:
- Officers see a producer's dossier once it is submitted, never a draft. Council members never use the
  cycle's API: they reach their dossiers through the evaluation pages.
- Officers whose units cover the producer's commune enter and edit producers and their products (and
  photos), as the producers' own pages let them; only the producer opens, edits and submits a dossier.
- Acting on a dossier: a step that does not exist in the dossier's state is STATE (409) for everyone who may
  see the dossier; a step that exists but belongs to another level or to the producer is NO (403). The bulk
  forward is all or nothing and answers every refusal with 409 `bulk_refused`, listing each dossier's reason:
  its own test checks that for people of another level that reason is the permission.
- A council member who declared a conflict still opens the dossier page (it shows their declaration and
  says why they do not score) but the scoring page refuses them (403), as it refuses the officers. A member
  not assigned sees the round, none of its dossiers.
- The central officer sees and may run every round (the national programme office); proposing a province's
  product to the central council is the province's act, not the central office's.
- A province officer is told "only the central office may probe the workers" (TOLD) on the tasks page that
  is theirs; the probe itself is the central officer's.
- The import of past recognition decisions: a batch is undone by its author or an officer covering all its
  rows; to anyone else it does not exist (404), as a missing batch.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from cycle_support import dossier_story, fill_required, honey, image_bytes, pdf_bytes, tea_company, upload
from django.conf import settings
from django.contrib.messages import ERROR, get_messages
from django.db import transaction
from django.shortcuts import resolve_url
from django.utils import timezone
from evaluation.conftest import BEST, accepted_dossier, load_test_rubric
from routes_support import operations, pages
from test_route_inventory import ACCESS, LOGIN, MATRIX

from ocop.accounts.models import Role, User
from ocop.api.models import IdempotentResponse
from ocop.audit.models import AuditEvent
from ocop.core.storage import store
from ocop.cycle import services as cycle
from ocop.cycle.models import Document, Dossier
from ocop.evaluation import services as evaluation
from ocop.evaluation.models import (
    Assignment,
    Conclusion,
    ConflictOfInterest,
    ConflictReason,
    Council,
    CouncilMember,
    CouncilRole,
    EvaluationRound,
    RoundDossier,
    RoundStatus,
    ScoreSheet,
)
from ocop.geo.models import AdminUnit, Era
from ocop.producers.models import Producer, ProducerStatus
from ocop.producers.services import producer_create
from ocop.products.models import Product, ProductPhoto
from ocop.products.services import product_photo_add
from ocop.rubrics.models import HistoricalRecognition, HistoryImport, RubricVersion
from ocop.rubrics.services import history_import_apply
from ocop.tasks.models import Status, TaskRun

pytestmark = pytest.mark.django_db

OK, NO, STATE, TOLD = "ok", "no", "state", "told"

# -- the cast --------------------------------------------------------------------------------------------------

CAST = {
    "anonymous": None,
    "other_producer": "other_producer_user",
    "producer": "producer_user",
    "commune": "commune_officer",
    "other_commune": "other_commune_officer",
    "province": "province_officer",
    "other_province": "other_province_officer",
    "council_assigned": "council1",
    "council_unassigned": "council2",
    "council_conflicted": "council3",
    "central": "central",
}
OWNER = ("producer",)
HERE = ("commune", "province", "central")  # officers whose units cover Phường Vân Hà
PROVINCE_UP = ("province", "central")
OFFICERS = ("commune", "other_commune", "province", "other_province", "central")
RUNNERS = ("province", "other_province", "central")  # may run evaluation rounds (each in their own units)
COUNCIL = ("council_assigned", "council_unassigned", "council_conflicted")
OUTSIDERS = ("other_producer", "other_commune", "other_province", *COUNCIL)
SIGNED_IN = tuple(role for role in CAST if role != "anonymous")


def expect(*groups: tuple[str, ...] | str, outcome: str = OK, **others: str) -> dict[str, str]:
    """`outcome` for every role of the groups, then single roles with their own outcome."""
    table: dict[str, str] = {}
    for group in groups:
        for role in (group,) if isinstance(group, str) else group:
            table[role] = outcome
    table.update(others)
    assert set(table) <= set(CAST), set(table) - set(CAST)
    return table


@dataclass(frozen=True)
class Row:
    route: str  # page URL name, or "METHOD /api/v1/path"
    target: str | None  # the object of the world the path names (and its state)
    outcomes: dict[str, str]  # role → outcome; a role not named gets NO
    method: str = "GET"  # pages only: the API's method is in its key
    body: dict | Callable | None = None  # form or JSON; a callable gets the world (fresh files each time)
    hide_from: tuple[str, ...] = ()  # roles whose OK answer must not name the honey cooperative's records
    redraws: bool = False  # a POST whose OK answer only redraws a form (nothing to store)
    shown_to: tuple[str, ...] = ()  # roles whose OK answer must name every one of `shown`
    shown: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.method if not self.is_api else ''} {self.route} [{self.target or '-'}]".strip()

    @property
    def is_api(self) -> bool:
        return self.route.startswith(("GET ", "POST ", "PATCH ", "PUT ", "DELETE "))

    @property
    def writes(self) -> bool:
        """An OK answer must have stored something, a read or any refusal nothing."""
        reads = self.route.startswith("GET ") if self.is_api else self.method == "GET"
        return not reads and not self.redraws


TODAY = timezone.localdate()
YEAR = TODAY.year

# -- the table ---------------------------------------------------------------------------------------------------

ACCOUNTS = [
    Row("accounts:roles", None, expect(central=OK)),
    Row(
        "accounts:roles",
        None,
        expect(central=OK),
        method="POST",
        body={
            "username": "commune2",
            "kind": "commune_officer",
            "unit_code": "07798",
            "reason": "Bổ sung cán bộ",
        },
    ),
    Row("accounts:role_revoke", "role", expect(central=OK), method="POST", body={"reason": "Nghỉ việc"}),
    Row("accounts:audit", None, expect(OFFICERS), hide_from=("other_commune", "other_province")),
]

RUBRICS = [
    Row("rubrics:history_import", None, expect(RUNNERS)),
    Row("rubrics:history_import", None, expect(RUNNERS), method="POST", body={}, redraws=True),
    Row("rubrics:history_undo", "batch", expect(PROVINCE_UP), method="POST", body={"reason": "Nhập nhầm"}),
    Row("rubrics:sheet_import", "rubric", expect(central=OK)),
    Row("rubrics:sheet_import", "rubric", expect(central=OK), method="POST", body={}, redraws=True),
]

_SCORE_FORM = {"action": "save", "version": "0", **{f"c-{code}": option for code, option in BEST.items()}}
EVALUATION_PAGES = [
    Row(
        "evaluation:home",
        None,
        expect(RUNNERS, COUNCIL),
        hide_from=("other_province", "council_unassigned", "council_conflicted"),
    ),
    Row("evaluation:round_create", None, expect(RUNNERS)),
    Row("evaluation:round", "round", expect(PROVINCE_UP, COUNCIL), hide_from=("council_unassigned",)),
    Row("evaluation:progress", "round", expect(PROVINCE_UP)),
    Row("evaluation:round_action", "round_assign_all", expect(PROVINCE_UP), method="POST", body={}),
    Row(
        "evaluation:dossier",
        "under_evaluation",
        expect(PROVINCE_UP, "council_assigned", "council_conflicted"),
    ),
    Row("evaluation:dossier", "concluded", expect(PROVINCE_UP, "council_assigned")),
    Row("evaluation:score", "under_evaluation", expect(council_assigned=OK)),
    Row("evaluation:score", "concluded", expect(council_assigned=OK)),  # their own sheet, read only
    Row("evaluation:score", "under_evaluation", expect(council_assigned=OK), method="POST", body=_SCORE_FORM),
    Row(
        "evaluation:dossier_action",
        "declare_conflict",
        # officers declare for a member they name (without one: 400); council3 already declared (409)
        expect(PROVINCE_UP, outcome=STATE, council_assigned=OK, council_conflicted=STATE),
        method="POST",
        body={"reason": ConflictReason.DECLARED, "note": "Anh họ của chủ nhiệm hợp tác xã"},
    ),
    Row(
        "evaluation:dossier_action",
        "propose",
        expect(province=OK),
        method="POST",
        body={"note": "Đề nghị Trung ương đánh giá 5 sao"},
    ),
    Row("evaluation:result", "under_evaluation", expect()),  # nothing to show before the conclusion
    Row("evaluation:result", "concluded", expect(OWNER)),
]

TASKS = [
    Row("tasks:list", None, expect(OFFICERS)),
    Row("tasks:probe", None, expect(OFFICERS, outcome=TOLD, central=OK), method="POST", body={"note": "thử"}),
    Row("tasks:retry", "failed_run", expect(HERE), method="POST", body={"reason": "Đã sửa máy chủ thư"}),
    Row("tasks:output", "finished_run", expect(HERE)),
]

PRODUCERS_API = [
    Row(
        "GET /api/v1/producers",
        None,
        expect(SIGNED_IN),
        hide_from=OUTSIDERS,
        shown_to=HERE,  # the legacy commune's household too: Xã Vân Hà became part of Phường Vân Hà
        shown=("Hợp tác xã Vải thiều và Mật ong Vân Hà", "Hộ nuôi ong Thân Văn Lực"),
    ),
    Row(
        "POST /api/v1/producers",
        None,
        expect(HERE),
        body={"name": "Hộ kinh doanh Nguyễn Văn Ong", "legal_form": "household", "commune": "07798"},
    ),
    Row("GET /api/v1/producers/{producer_id}", "producer:confirmed", expect(OWNER, HERE)),
    Row("GET /api/v1/producers/{producer_id}", "producer:pending", expect(OWNER, HERE)),
    Row("GET /api/v1/producers/{producer_id}", "producer:legacy", expect(HERE)),
    Row(
        "PATCH /api/v1/producers/{producer_id}",
        "producer:confirmed",
        expect(OWNER, HERE),
        body={"address": "Thôn Đông, Phường Vân Hà"},
    ),
    Row(
        "PATCH /api/v1/producers/{producer_id}",
        "producer:pending",
        expect(OWNER, HERE),
        body={"address": "Thôn Đông, Phường Vân Hà"},
    ),
    Row(
        "PATCH /api/v1/producers/{producer_id}",
        "producer:legacy",
        expect(HERE),
        body={"address": "Thôn Đông, Phường Vân Hà"},
    ),
    Row(
        "POST /api/v1/producers/{producer_id}/confirm",
        "producer:pending",
        expect(HERE, producer=NO),
        body={},
    ),
    Row(
        "POST /api/v1/producers/{producer_id}/confirm",
        "producer:confirmed",
        expect(OWNER, HERE, outcome=STATE),
        body={},
    ),
]

PRODUCTS_API = [
    Row("GET /api/v1/products", None, expect(SIGNED_IN), hide_from=OUTSIDERS),
    Row(
        "POST /api/v1/products",
        "producer:confirmed",
        expect(OWNER, HERE),
        body=lambda w: {"name": "Mật ong hoa bạc hà", "product_set": "2.2", "producer": w["producer_id"]},
    ),
    Row("GET /api/v1/products/{product_id}", "product", expect(OWNER, HERE)),
    Row(
        "PATCH /api/v1/products/{product_id}",
        "product",
        expect(OWNER, HERE),
        body={"packaging": "Lọ thủy tinh 500 ml"},
    ),
    Row(
        "POST /api/v1/products/{product_id}/photos",
        "product",
        expect(OWNER, HERE),
        body=lambda w: {"kind": "label", "file": upload("nhan.png", image_bytes())},
    ),
    Row("GET /api/v1/products/{product_id}/photos/{photo_id}/file", "product", expect(OWNER, HERE)),
]


def _dossier_reads(route: str) -> list[Row]:
    """A read of a dossier: its producer always; the officers of its units once it is submitted."""
    return [
        Row(route, "dossier:draft", expect(OWNER)),
        *(
            Row(route, f"dossier:{state}", expect(OWNER, HERE))
            for state in ("submitted", "checked", "forwarded")
        ),
    ]


def _step(action: str, body: dict, by_state: dict[str, dict[str, str]]) -> list[Row]:
    """A step of the dossier's routing table, tried in every state, with who may take it there."""
    route = f"POST /api/v1/dossiers/{{dossier_id}}/{action}"
    return [Row(route, f"dossier:{state}", outcomes, body=body) for state, outcomes in by_state.items()]


# In a state where a step does not exist, everyone who sees the dossier gets STATE (409).
_NOT_IN_THIS_STATE = expect(OWNER, HERE, outcome=STATE)

DOSSIERS_API = [
    Row("GET /api/v1/dossiers", None, expect(SIGNED_IN), hide_from=OUTSIDERS),
    Row(
        "POST /api/v1/dossiers",
        "spare_product",
        expect(OWNER),  # the officers see the product, but only its producer opens a dossier (403)
        body=lambda w: {"product": w["product_id"], "year": YEAR},
    ),
    Row(
        "POST /api/v1/dossiers/forward",
        "dossier:checked",
        expect(OWNER, PROVINCE_UP, outcome=STATE, commune=OK),  # all or none: 409 with each reason
        body=lambda w: {"ids": [w["dossier_id"]], "note": "Chuyển tỉnh"},
    ),
    *_dossier_reads("GET /api/v1/dossiers/{dossier_id}"),
    Row("PATCH /api/v1/dossiers/{dossier_id}", "dossier:draft", expect(OWNER), body={"target_stars": 4}),
    Row(
        "PATCH /api/v1/dossiers/{dossier_id}",
        "dossier:submitted",
        expect(OWNER, outcome=STATE),
        body={"target_stars": 4},
    ),
    *_dossier_reads("GET /api/v1/dossiers/{dossier_id}/documents"),
    Row(
        "POST /api/v1/dossiers/{dossier_id}/documents",
        "dossier:draft",
        expect(OWNER),
        body=lambda w: {"item": "photos", "file": upload("anh.png", image_bytes())},
    ),
    Row(
        "POST /api/v1/dossiers/{dossier_id}/documents",
        "dossier:submitted",
        expect(OWNER, outcome=STATE),
        body=lambda w: {"item": "photos", "file": upload("anh.png", image_bytes())},
    ),
    *_dossier_reads("GET /api/v1/dossiers/{dossier_id}/documents/{document_id}/file"),
    *_dossier_reads("GET /api/v1/dossiers/{dossier_id}/history"),
    *_step(
        "submit",
        {},
        {"draft": expect(OWNER), "submitted": _NOT_IN_THIS_STATE, "forwarded": _NOT_IN_THIS_STATE},
    ),
    *_step(
        "check",
        {"note": "Đủ thành phần"},
        {
            "draft": expect(OWNER, outcome=STATE),
            "submitted": expect(commune=OK),
            "checked": _NOT_IN_THIS_STATE,
        },
    ),
    *_step(
        "forward",
        {"note": "Chuyển tỉnh"},
        {"submitted": _NOT_IN_THIS_STATE, "checked": expect(commune=OK)},
    ),
    *_step(
        "accept",
        {"note": "Tiếp nhận"},
        {"checked": _NOT_IN_THIS_STATE, "forwarded": expect(province=OK)},
    ),
    *_step(
        "return",
        {"reason": "Thiếu bản chụp giấy chứng nhận an toàn thực phẩm"},
        {
            "draft": expect(OWNER, outcome=STATE),
            "submitted": expect(commune=OK),
            "forwarded": expect(province=OK),
        },
    ),
    *_step(
        "withdraw",
        {"reason": "Chưa kịp bổ sung hồ sơ"},
        {"draft": expect(OWNER), "submitted": expect(OWNER), "forwarded": expect(OWNER)},
    ),
]

MATRIX_ROWS = {
    "accounts": ACCOUNTS,
    "rubrics": RUBRICS,
    "evaluation_pages": EVALUATION_PAGES,
    "tasks": TASKS,
    "producers_api": PRODUCERS_API,
    "products_api": PRODUCTS_API,
    "dossiers_api": DOSSIERS_API,
}
ALL_ROWS = [row for rows in MATRIX_ROWS.values() for row in rows]


def test_every_route_that_needs_a_signed_in_person_has_rows_and_every_row_a_route():
    inventory = set(pages()) | set(operations())
    wanted = {route for route in inventory if ACCESS.get(route) in (LOGIN, MATRIX)}
    have = {row.route for row in ALL_ROWS}
    assert not wanted - have, "\n".join(
        f"{r} has no row in the authorization matrix" for r in sorted(wanted - have)
    )
    assert not have - inventory, "\n".join(
        f"row {r} names no route (stale)" for r in sorted(have - inventory)
    )
    assert all(ACCESS[route] == MATRIX for route in have), [r for r in have if ACCESS[r] != MATRIX]


# -- the world -------------------------------------------------------------------------------------------------


def _dossier_at(cast, producer, name: str, until: str) -> Dossier:
    """Another product of the cooperative, its dossier taken by its people up to `until`."""
    product = honey(producer, name)
    dossier = cycle.dossier_create(actor=cast.producer_user, product=product, year=YEAR)
    fill_required(dossier, cast.producer_user)
    steps = [
        ("submitted", cast.producer_user, cycle.dossier_submit),
        ("checked", cast.commune_officer, cycle.dossier_check),
        ("forwarded", cast.commune_officer, cycle.dossier_forward),
    ]
    for state, actor, step in steps:
        with transaction.atomic():
            step(actor=actor, dossier=Dossier.objects.get(pk=dossier.pk))
        if state == until:
            break
    return Dossier.objects.get(pk=dossier.pk)


def _evaluation(cast, producer) -> dict[str, RoundDossier | EvaluationRound]:
    """Bắc Ninh's round in the scoring stage, three plain members on its council (see the module's docstring),
    one dossier under evaluation and one the council has concluded on."""
    officer = cast.province_officer
    under = accepted_dossier(cast, producer=producer, product_name="Mật ong hoa cà phê")
    concluded = accepted_dossier(cast, producer=producer, product_name="Mật ong sữa chúa")
    evaluation_round = evaluation.round_create(
        actor=officer,
        name=f"Đợt đánh giá sản phẩm OCOP năm {YEAR}",
        level="province",
        unit=cast.province,
        year=YEAR,
        rubric_version=RubricVersion.objects.get(code="2023"),
        held_on=TODAY,
        min_sheets=1,
    )
    council = evaluation.council_set_up(
        actor=officer,
        evaluation_round=evaluation_round,
        name="Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Bắc Ninh",
        decision_number="45/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=7),
    )
    seats = {
        user: evaluation.member_add(actor=officer, council=council, user=user, role=CouncilRole.MEMBER)
        for user in (cast.council1, cast.council2, cast.council3)
    }
    in_progress = evaluation.round_dossier_add(
        actor=officer, evaluation_round=evaluation_round, dossier=under
    )
    done = evaluation.round_dossier_add(actor=officer, evaluation_round=evaluation_round, dossier=concluded)
    for round_dossier, user in (
        (in_progress, cast.council1),
        (in_progress, cast.council3),
        (done, cast.council1),
    ):
        evaluation.assignment_create(actor=officer, round_dossier=round_dossier, member=seats[user])
    evaluation_round = evaluation.round_advance(
        actor=officer, evaluation_round=evaluation_round, to=RoundStatus.SCORING
    )
    evaluation.conflict_declare(
        actor=cast.council3,
        round_dossier=RoundDossier.objects.get(pk=in_progress.pk),
        reason=ConflictReason.DECLARED,
        note="Là thành viên sáng lập của hợp tác xã",
    )
    evaluation.sheet_submit(
        actor=cast.council1,
        round_dossier=RoundDossier.objects.get(pk=done.pk),
        answers=BEST,
        expected_version=0,
    )
    done = evaluation.council_result_compute(
        actor=officer, round_dossier=RoundDossier.objects.get(pk=done.pk)
    )
    done = evaluation.council_conclude(
        actor=officer,
        round_dossier=done,
        conclusion=Conclusion.RECOGNISE,
        minutes="Hội đồng thống nhất đề nghị công nhận sản phẩm đạt 5 sao.",
        expected_version=done.version,
    )
    return {"round": evaluation_round, "under": in_progress, "done": done}


HISTORY_CSV = (
    "Tên sản phẩm,Chủ thể,Địa chỉ,Hạng sao,Điểm,Số quyết định,Ngày quyết định,Cấp công nhận\n"
    'Mật ong rừng,Hộ Nguyễn Văn A,"Phường Vân Hà, Bắc Ninh",4,71,9/QĐ-UBND,10/08/2025,tỉnh\n'
).encode()

SECRETS = (
    "Hợp tác xã Vải thiều và Mật ong Vân Hà",
    "Mật ong hoa vải Vân Hà",
    "Mật ong hoa cà phê",
    "Mật ong sữa chúa",
    "Hộ nuôi ong Thân Văn Lực",
)


@pytest.fixture
def world(cast, settings, tmp_path) -> dict[str, dict]:
    """Every object a row may name, as the values of its path parameters (page and API names both)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    load_test_rubric()
    story = dossier_story(cast, until="draft")
    producer = story.producer
    tea_company(cast)
    dossiers = {"draft": story.dossier}
    for state, name in (
        ("submitted", "Mật ong bạc hà"),
        ("checked", "Mật ong rừng"),
        ("forwarded", "Vải thiều sấy"),
    ):
        dossiers[state] = _dossier_at(cast, producer, name, state)
    pending = producer_create(
        actor=None,
        name="Tổ hợp tác Nuôi ong Vân Hà",
        legal_form="cooperative_group",
        unit=cast.commune,
        owner=cast.producer_user,
        status=ProducerStatus.PENDING,
    )
    legacy = producer_create(  # entered from the records of the former Xã Vân Hà, huyện Việt Yên, Bắc Giang
        actor=None,
        name="Hộ nuôi ong Thân Văn Lực",
        legal_form="household",
        unit=AdminUnit.objects.get(era=Era.LEGACY, code="07804"),
        status=ProducerStatus.CONFIRMED,
    )
    photo = product_photo_add(
        actor=cast.producer_user, product=story.product, upload=upload("a.png", image_bytes())
    )
    spare = honey(producer, "Mật ong hoa nhãn")
    scene = _evaluation(cast, producer)
    batch = history_import_apply(actor=cast.province_officer, content=HISTORY_CSV, filename="quyet-dinh.csv")
    failed = TaskRun.objects.create(
        name="tasks.probe", status=Status.FAILED, attempts=3, max_attempts=3, unit=cast.commune, error="SMTP"
    )
    report = store(pdf_bytes("Bao cao"), folder="reports", filename="bao-cao.pdf")
    finished = TaskRun.objects.create(
        name="tasks.probe",
        status=Status.SUCCEEDED,
        attempts=1,
        unit=cast.commune,
        output=report.name,
        output_sha256=report.sha256,
        output_filename="bao-cao.pdf",
    )
    targets: dict[str, dict] = {
        "role": {"role_id": Role.objects.get(user=cast.producer_user).pk},
        "batch": {"batch_id": batch.pk},
        "rubric": {"code": "2023"},
        "round": {"round_id": scene["round"].pk},
        "round_assign_all": {"round_id": scene["round"].pk, "action": "assign_all"},
        "under_evaluation": {"round_dossier_id": scene["under"].pk},
        "concluded": {"round_dossier_id": scene["done"].pk},
        "declare_conflict": {"round_dossier_id": scene["under"].pk, "action": "conflict"},
        "propose": {"round_dossier_id": scene["done"].pk, "action": "propose"},
        "failed_run": {"run_id": failed.pk},
        "finished_run": {"run_id": finished.pk},
        "producer:confirmed": {"producer_id": producer.pk},
        "producer:pending": {"producer_id": pending.pk},
        "producer:legacy": {"producer_id": legacy.pk},
        "product": {"product_id": story.product.pk, "photo_id": photo.pk},
        "spare_product": {"product_id": spare.pk},
    }
    for state, dossier in dossiers.items():
        targets[f"dossier:{state}"] = {"dossier_id": dossier.pk, "document_id": dossier.documents.first().pk}
    return targets


def _state() -> tuple:
    """What a read or a refusal must never change."""

    def rows(model, *columns):
        return list(model.objects.order_by("pk").values_list("pk", *columns))

    return (
        AuditEvent.objects.count(),
        IdempotentResponse.objects.count(),
        User.objects.count(),
        rows(Role, "revoked_at"),
        rows(Producer, "status", "version"),
        rows(Product, "version"),
        ProductPhoto.objects.count(),
        rows(Dossier, "status", "version"),
        Document.objects.count(),
        rows(EvaluationRound, "status"),
        rows(Council),
        rows(CouncilMember),
        rows(RoundDossier, "status", "version"),
        rows(Assignment),
        rows(ConflictOfInterest),
        rows(ScoreSheet, "status", "version"),
        rows(HistoryImport, "undone_at"),
        HistoricalRecognition.objects.count(),
        rows(TaskRun, "status"),
    )


# -- trying a row --------------------------------------------------------------------------------------------


def _text(response) -> str:
    """What the person reads: JSON decoded (its escapes would hide every Vietnamese name), or the page."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode("utf-8", "replace")


def _outcome(response, *, api: bool) -> str:
    status = response.status_code
    if status in (401, 403, 404):
        if api:
            body = response.json()
            if not {"code", "message"} <= set(body):
                return f"{status} without code and message: {body}"
        return NO
    if status in (400, 409, 422):
        if api and not {"code", "message"} <= set(response.json()):
            return f"{status} without code and message: {response.json()}"
        return STATE
    if 300 <= status < 400 and response["Location"].startswith(resolve_url(settings.LOGIN_URL)):
        return NO
    if 200 <= status < 400:
        if not api and any(m.level >= ERROR for m in get_messages(response.wsgi_request)):
            return TOLD
        return OK
    return f"status {status}"


_PAGES, _OPERATIONS = functools.cache(pages), functools.cache(operations)  # the OpenAPI document is costly


def _send(client, row: Row, world: dict, auth: dict) -> object:
    values = world.get(row.target, {}) if row.target else {}
    body = row.body(values) if callable(row.body) else (row.body or {})
    if not row.is_api:
        url = _PAGES()[row.route].url(values)
        return getattr(client, row.method.lower())(url, body)
    method, _, _ = row.route.partition(" ")
    url = _OPERATIONS()[row.route].url(values)
    if method == "GET":
        return client.get(url, **auth)
    if any(hasattr(value, "read") for value in body.values()):
        return client.post(url, body, **auth)  # multipart: an upload
    return getattr(client, method.lower())(url, json.dumps(body), content_type="application/json", **auth)


@pytest.fixture
def try_rows(client, cast, world, api_token):
    # Tokens first: signing in is itself recorded in the audit trail.
    tokens = {role: api_token(getattr(cast, name)) if name else {} for role, name in CAST.items()}

    def _try(rows: list[Row]) -> int:
        wrong, tried = [], 0
        for row in rows:
            start = _state()
            for role, attribute in CAST.items():
                wanted = row.outcomes.get(role, NO)
                auth = tokens[role] if row.is_api else {}
                client.logout()
                if attribute is not None and not row.is_api:
                    client.force_login(getattr(cast, attribute))
                before = _state()
                response = None
                try:
                    with transaction.atomic():
                        response = _send(client, row, world, auth)
                        got = _outcome(response, api=row.is_api)
                        changed = _state() != before
                        transaction.set_rollback(True)
                except Exception as error:  # a 500: reported with the rest of the table
                    got, changed = f"error {type(error).__name__}: {error}", False
                tried += 1
                where = f"{row.label} as {role}"
                if got != wanted:
                    wrong.append(
                        f"{where}: expected {wanted}, got {got} ({getattr(response, 'status_code', '')})"
                    )
                if changed and (got != OK or not row.writes):
                    wrong.append(f"{where}: {got} but the database changed")
                if got == OK and row.writes and not changed:
                    wrong.append(f"{where}: {got} but nothing was stored")
                if got == OK and role in row.hide_from:
                    body = _text(response)
                    wrong += [f"{where}: shows {secret!r}" for secret in SECRETS if secret in body]
                if got == OK and role in row.shown_to:
                    body = _text(response)
                    wrong += [f"{where}: does not show {name!r}" for name in row.shown if name not in body]
            assert _state() == start, f"{row.label}: a savepoint did not undo its request"
        assert not wrong, f"{len(wrong)} of {tried} answers differ from the matrix:\n" + "\n".join(wrong)
        return tried

    return _try


@pytest.mark.parametrize("part", list(MATRIX_ROWS))
def test_the_cast_meets_the_matrix(try_rows, part):
    tried = try_rows(MATRIX_ROWS[part])
    assert tried == len(MATRIX_ROWS[part]) * len(CAST)


def test_a_bulk_forward_refused_to_people_of_another_level_says_it_is_their_right(
    client, cast, world, api_token
):
    """The bulk forward is all or nothing and answers 409 with each dossier's reason: for the province
    officer (the commune's step) and the producer that reason is the permission, and nothing moves."""
    checked = world["dossier:checked"]["dossier_id"]
    for auth in (api_token(cast.province_officer), api_token(cast.producer_user)):
        before = _state()
        response = client.post(
            "/api/v1/dossiers/forward",
            json.dumps({"ids": [checked]}),
            content_type="application/json",
            **auth,
        )
        body = response.json()
        assert response.status_code == 409 and body["code"] == "bulk_refused", body
        assert [row["code"] for row in body["details"]["refused"]] == ["forbidden_action"], body
        assert _state() == before
    assert Dossier.objects.get(pk=checked).status == "checked"
