"""Every service that changes state leaves an audit event (issue 7, item 5; QUALITY "Reliability").

The services are found by introspection: every public function defined in an `ocop/<app>/services.py` (the room
of every write, CONVENTIONS). Each one has an entry in `SERVICES`: a recipe that takes the fixed cast through a
fresh story up to the moment before the action, does it, and names the audit action, actor and target the
action must leave; or an exemption with its reason (a read, a helper, bookkeeping that is not a domain change).
A new service without an entry fails `test_every_service_has_an_entry`. That audit rows cannot be changed is
tested beside the trigger (tests/accounts/test_roles_and_scope.py).
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from certification.conftest import _isolated_files, issue, story  # noqa: F401  (fixtures)
from cycle.test_ideas_and_plans import IDEA, PLAN
from cycle_support import (
    THIS_YEAR,
    dossier_story,
    honey,
    honey_cooperative,
    image_bytes,
    pdf_bytes,
    product_set,
    upload,
)
from django.apps import apps
from django.conf import settings
from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone
from evaluation.conftest import accepted_dossier, answers, build_scene, load_test_rubric, person, submit
from evaluation.self_support import fresh_dossier, submitted_self_assessment, through_commune
from history.support import csv as history_csv
from history.support import row as history_row
from rubrics.helpers import synthetic
from rubrics.test_sheet_import import rows_of, xlsx_bytes
from tasks.test_background_work import failed_run

import ocop
from ocop.accounts import services as accounts
from ocop.accounts.models import RoleKind
from ocop.addresses import services as addresses
from ocop.audit.models import AuditEvent
from ocop.catalog import services as catalog
from ocop.certification import services as certification
from ocop.cycle import services as cycle
from ocop.evaluation import services as evaluation
from ocop.evaluation.models import ConflictReason, CouncilRole, RoundDossier, RoundStatus
from ocop.geo.models import AdminUnit, Era
from ocop.history import services as history
from ocop.producers import services as producers
from ocop.products import services as products
from ocop.rubrics import services as rubrics
from ocop.rubrics.loader import read_version_file
from ocop.rubrics.models import HistoryImport, RubricVersion
from ocop.tasks import services as tasks
from tests.council_support import council_backs

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def discovered() -> list[str]:
    """`app.function` for every public function defined (not imported) in an `ocop/<app>/services.py`, or in a
    package `ocop/<app>/services/` and offered by it (its `__init__` names the actions of its modules)."""
    names = []
    root = Path(ocop.__file__).parent
    found = [*root.glob("*/services.py"), *(path.parent for path in root.glob("*/services/__init__.py"))]
    for path in sorted(found):
        module = importlib.import_module(f"ocop.{path.parent.name}.services")
        inside = (module.__name__, f"{module.__name__}.")
        for name, member in inspect.getmembers(module, inspect.isfunction):
            defined_here = member.__module__ == inside[0] or member.__module__.startswith(inside[1])
            if not name.startswith("_") and defined_here:
                names.append(f"{path.parent.name}.{name}")
    return names


# -- the table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exempt:
    reason: str


@dataclass
class Act:
    """The action, about to be done: `run()` does it; `actor` and `target` are who and what the event must
    name (a callable takes the result, for a target the action creates; a target None is not checked)."""

    run: Callable[[], Any]
    actor: Any
    target: Any


@dataclass(frozen=True)
class Recipe:
    action: str
    arrange: Callable[[World], Act]


class World:
    """The cast and the stories of the test apps' builders, made on demand for one recipe."""

    def __init__(self, request):
        self.request = request
        self.cast = request.getfixturevalue("cast")

    def fixture(self, name: str):
        return self.request.getfixturevalue(name)

    def dossier(self, until: str = "draft", complete: bool = True):
        return dossier_story(self.cast, until=until, complete=complete).dossier


def _result(value):
    return value


def _first(value):
    return value[0]


# Cycle: ideas, plans, dossiers


def _idea(w: World, *, accepted: bool = False):
    producer = honey_cooperative(w.cast)
    idea = cycle.idea_register(actor=w.cast.producer_user, product=honey(producer), year=THIS_YEAR, **IDEA)
    if accepted:
        idea = cycle.idea_accept(actor=w.cast.commune_officer, idea=idea)
    return idea


def _returned_idea(w: World):
    return cycle.idea_return(actor=w.cast.commune_officer, idea=_idea(w), reason="Bổ sung nguồn nguyên liệu")


def _plan(w: World, *, complete: bool = False):
    plan = cycle.plan_create(actor=w.cast.producer_user, idea=_idea(w, accepted=True))
    if complete:
        plan = cycle.plan_update(actor=w.cast.producer_user, plan=plan, **PLAN)
        cycle.plan_attach(actor=w.cast.producer_user, plan=plan, upload=upload("du-toan.pdf", pdf_bytes()))
        plan = type(plan).objects.get(pk=plan.pk)
    return plan


# Evaluation: the provincial round of tests/evaluation/conftest.py


def _scored(w: World, chosen: dict[str, str]):
    scene = build_scene(w.cast)
    for member in (w.cast.council1, w.cast.council2, w.cast.council3):
        submit(scene, member, chosen)
    return evaluation.council_result_compute(actor=w.cast.province_officer, round_dossier=scene.round_dossier)


FOUR_STARS = answers(**{"1.1": "c", "3.2": "b"})  # 80 points: 4 stars, nothing proposed to the centre


def _concluded(w: World, chosen: dict[str, str]):
    return evaluation.council_conclude(
        actor=w.cast.province_officer,
        round_dossier=_scored(w, chosen),
        conclusion="recognise",
        minutes="Hội đồng họp, 3/3 thành viên có mặt, thống nhất đề nghị công nhận.",
    )


# Certification: the story of tests/certification/conftest.py


def _backed(w: World):
    """The story, with the council result the decision needs (recorded before the action)."""
    authorities = w.fixture("story")
    if not RoundDossier.objects.filter(dossier__product=authorities.honey).exists():
        council_backs(
            [(authorities.honey, 4, "78.50", None)],
            authority=authorities.province_authority,
            actor=w.cast.province_officer,
            day=TODAY - datetime.timedelta(days=3),
        )
    return authorities


def _decision(w: World):
    authorities = _backed(w)
    return authorities, certification.decision_create(
        actor=w.cast.province_officer,
        authority=authorities.province_authority,
        number="123/QĐ-UBND",
        date=TODAY - datetime.timedelta(days=3),
        signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        items=[(authorities.honey, 4, "78.50", None)],
    )


def _certificate(w: World):
    authorities = w.fixture("story")
    return authorities, w.fixture("issue")([(authorities.honey, 4, "78.50", None)])[0]


def _request(w: World, kind: str) -> Act:
    """The first official asks to revoke the certificate, or to change its stars to 3."""
    _authorities, certificate = _certificate(w)
    service = {
        "revoke": certification.certificate_revoke_request,
        "change_stars": partial(certification.certificate_change_stars_request, stars=3),
    }[kind]
    return Act(
        lambda: service(
            actor=w.cast.province_officer,
            certificate=certificate,
            reason="Sản phẩm không duy trì chất lượng",
            decision_number="200/QĐ-UBND",
            decision_date=TODAY,
        ),
        w.cast.province_officer,
        certificate,
    )


def _change(w: World, kind: str):
    asked = _request(w, kind)
    return w.fixture("story"), asked.target, asked.run()


def _approve(w: World, service, kind: str) -> Act:
    """The second official approves what the first asked for: the event is about the certificate."""
    authorities, certificate, change = _change(w, kind)
    return Act(lambda: service(actor=authorities.checker, change=change), authorities.checker, certificate)


# Rubrics


def _retitled_2023() -> dict:
    document = read_version_file(rubrics.DATA_DIR / "2023.yaml")
    document["title"] = f"{document['title']} (bản sửa)"
    return document


def _version_file(w: World) -> Path:
    path = w.fixture("tmp_path") / "2023.yaml"
    path.write_text(json.dumps(_retitled_2023(), ensure_ascii=False, default=str), encoding="utf-8")
    return path


_HISTORY_FILE = history_csv(history_row("Vải thiều", "HTX Vân Hà", "xã Vân Hà, huyện Việt Yên, Bắc Giang"))


def _history_upload(w: World):
    return history.history_upload_create(
        actor=w.cast.province_officer, content=_HISTORY_FILE, filename="qd.csv"
    )


def _history(w: World):
    preview = history.history_preview(actor=w.cast.province_officer, content=_HISTORY_FILE, filename="qd.csv")
    return history.write_plan(actor=w.cast.province_officer, preview=preview, filename="qd.csv")


def _version_2023():
    return RubricVersion.objects.get(code="2023")


SERVICES: dict[str, Recipe | Exempt] = {}


def recipe(service: str, action: str):
    """Declare the recipe of `service` (`app.function`) and the audit action it must leave."""

    def declare(arrange: Callable[[World], Act]) -> Callable[[World], Act]:
        assert service not in SERVICES, f"two entries for {service}"
        SERVICES[service] = Recipe(action, arrange)
        return arrange

    return declare


# -- accounts ----------------------------------------------------------------------------------------------


@recipe("accounts.user_create", "user.create")
def _(w: World) -> Act:
    c = w.cast
    return Act(
        lambda: accounts.user_create(actor=c.central, username="moi", password="x" * 12), c.central, _result
    )


@recipe("accounts.role_grant", "role.grant")
def _(w: World) -> Act:
    c = w.cast
    return Act(
        lambda: accounts.role_grant(
            actor=c.central, user=c.council1, kind=RoleKind.COMMUNE_OFFICER, unit=c.commune
        ),
        c.central,
        _result,
    )


@recipe("accounts.role_revoke", "role.revoke")
def _(w: World) -> Act:
    c = w.cast
    role = c.commune_officer.roles.get()
    return Act(
        lambda: accounts.role_revoke(actor=c.central, role=role, reason="Chuyển công tác"), c.central, role
    )


@recipe("accounts.token_issue", "token.issue")
def _(w: World) -> Act:
    c = w.cast
    return Act(lambda: accounts.token_issue(user=c.producer_user), c.producer_user, c.producer_user)


# --- issue 13: tokens, registration ---
def _a_token(user):
    from ocop.accounts.models import ApiToken

    accounts.token_issue(user=user, name="Máy tính bảng")
    return ApiToken.objects.get(user=user, name="Máy tính bảng")


@recipe("accounts.token_revoke", "token.revoke")
def _(w: World) -> Act:
    c = w.cast
    token = _a_token(c.producer_user)
    return Act(lambda: accounts.token_revoke(actor=c.producer_user, token=token), c.producer_user, token)


@recipe("accounts.token_revoke_all", "token.revoke_all")
def _(w: World) -> Act:
    c = w.cast
    _a_token(c.producer_user)
    return Act(lambda: accounts.token_revoke_all(actor=c.producer_user), c.producer_user, c.producer_user)


@recipe("accounts.password_change", "user.password_change")
def _(w: World) -> Act:
    from tests.conftest import PASSWORD

    c = w.cast
    return Act(
        lambda: accounts.password_change(
            actor=c.producer_user, old_password=PASSWORD, new_password="mat-khau-moi-2026"
        ),
        c.producer_user,
        c.producer_user,
    )


@recipe("accounts.user_deactivate", "user.deactivate")
def _(w: World) -> Act:
    c = w.cast
    return Act(
        lambda: accounts.user_deactivate(actor=c.central, user=c.commune_officer, reason="Nghỉ việc"),
        c.central,
        c.commune_officer,
    )


@recipe("accounts.user_reactivate", "user.reactivate")
def _(w: World) -> Act:
    c = w.cast
    accounts.user_deactivate(actor=c.central, user=c.commune_officer, reason="Nghỉ việc")
    return Act(
        lambda: accounts.user_reactivate(actor=c.central, user=c.commune_officer, reason="Trở lại"),
        c.central,
        c.commune_officer,
    )


@recipe("accounts.login_record_failure", "login.locked")
def _(w: World) -> Act:
    """The failure that locks the account leaves the event (the system's, about a name, not a row)."""
    for _attempt in range(settings.LOGIN_MAX_FAILURES - 1):
        accounts.login_record_failure("producer")
    return Act(lambda: accounts.login_record_failure("producer"), None, None)


# -- catalog -----------------------------------------------------------------------------------------------


@recipe("catalog.partner_key_issue", "partner_key.issue")
def _(w: World) -> Act:
    c = w.cast
    return Act(lambda: catalog.partner_key_issue(actor=c.central, name="Sàn TMĐT"), c.central, _first)


@recipe("catalog.partner_key_revoke", "partner_key.revoke")
def _(w: World) -> Act:
    c = w.cast
    partner, _key = catalog.partner_key_issue(actor=c.central, name="Sàn TMĐT")
    return Act(
        lambda: catalog.partner_key_revoke(actor=c.central, partner=partner, reason="Hết hợp đồng"),
        c.central,
        partner,
    )


# -- certification -----------------------------------------------------------------------------------------


@recipe("certification.authority_create", "authority.create")
def _(w: World) -> Act:
    c = w.cast
    return Act(
        lambda: certification.authority_create(actor=c.other_province_officer, unit=c.other_province),
        c.other_province_officer,
        _result,
    )


@recipe("certification.authority_ensure", "authority.create")
def _(w: World) -> Act:
    c = w.cast
    return Act(
        lambda: certification.authority_ensure(actor=c.other_province_officer, unit=c.other_province),
        c.other_province_officer,
        _result,
    )


@recipe("certification.signing_key_rotate", "signing_key.rotate")
def _(w: World) -> Act:
    c, authority = w.cast, w.fixture("story").province_authority
    return Act(
        lambda: certification.signing_key_rotate(
            actor=c.province_officer, authority=authority, reason="Định kỳ"
        ),
        c.province_officer,
        _result,
    )


@recipe("certification.revocation_list_publish", "revocations.publish")
def _(w: World) -> Act:
    c, authority = w.cast, w.fixture("story").province_authority
    return Act(
        lambda: certification.revocation_list_publish(actor=c.province_officer, authority=authority),
        c.province_officer,
        authority,
    )


@recipe("certification.decision_create", "decision.create")
def _(w: World) -> Act:
    _backed(w)  # the authorities, products and council result, set up before the action
    return Act(lambda: _decision(w)[1], w.cast.province_officer, _result)


@recipe("certification.decision_draft_from_round", "decision.create")
def _(w: World) -> Act:
    authorities = _backed(w)
    evaluation_round = RoundDossier.objects.get(dossier__product=authorities.honey).round
    return Act(
        lambda: certification.decision_draft_from_round(
            actor=w.cast.province_officer,
            evaluation_round=evaluation_round,
            number="124/QĐ-UBND",
            date=TODAY - datetime.timedelta(days=1),
            signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        ),
        w.cast.province_officer,
        _result,
    )


@recipe("certification.decision_approve", "decision.approve")
def _(w: World) -> Act:
    authorities, decision = _decision(w)
    checker = authorities.checker
    return Act(lambda: certification.decision_approve(actor=checker, decision=decision), checker, decision)


@recipe("certification.decision_reject", "decision.reject")
def _(w: World) -> Act:
    authorities, decision = _decision(w)
    checker = authorities.checker
    return Act(
        lambda: certification.decision_reject(actor=checker, decision=decision, reason="Sai số điểm"),
        checker,
        decision,
    )


@recipe("certification.certificate_revoke_request", "certificate.revoke_request")
def _(w: World) -> Act:
    return _request(w, "revoke")


@recipe("certification.certificate_change_stars_request", "certificate.change_stars_request")
def _(w: World) -> Act:
    return _request(w, "change_stars")


@recipe("certification.certificate_change_approve", "certificate.revoke")
def _(w: World) -> Act:
    return _approve(w, certification.certificate_change_approve, "revoke")


@recipe("certification.certificate_revoke_approve", "certificate.revoke")
def _(w: World) -> Act:
    return _approve(w, certification.certificate_revoke_approve, "revoke")


@recipe("certification.certificate_change_stars_approve", "certificate.change_stars")
def _(w: World) -> Act:
    return _approve(w, certification.certificate_change_stars_approve, "change_stars")


@recipe("certification.certificate_change_reject", "certificate.revoke_reject")
def _(w: World) -> Act:
    authorities, certificate, change = _change(w, "revoke")
    checker = authorities.checker
    return Act(
        lambda: certification.certificate_change_reject(
            actor=checker, change=change, reason="Chưa đủ căn cứ"
        ),
        checker,
        certificate,
    )


@recipe("certification.expiry_reminder_deliver", "certificate.expiry_reminder")
def _(w: World) -> Act:
    """A background task: the system e-mails the producer that the certificate expires, then records it."""
    _authorities, certificate = _certificate(w)
    return Act(lambda: certification.expiry_reminder_deliver(certificate=certificate), None, certificate)


# -- cycle: ideas and plans --------------------------------------------------------------------------------


@recipe("cycle.idea_register", "idea.register")
def _(w: World) -> Act:
    c = w.cast
    product = honey(honey_cooperative(c))
    return Act(
        lambda: cycle.idea_register(actor=c.producer_user, product=product, year=THIS_YEAR, **IDEA),
        c.producer_user,
        _result,
    )


@recipe("cycle.idea_update", "idea.update")
def _(w: World) -> Act:
    c, idea = w.cast, _returned_idea(w)
    return Act(
        lambda: cycle.idea_update(actor=c.producer_user, idea=idea, summary="Mật ong chai 250 ml"),
        c.producer_user,
        idea,
    )


@recipe("cycle.idea_accept", "idea.accept")
def _(w: World) -> Act:
    c, idea = w.cast, _idea(w)
    return Act(lambda: cycle.idea_accept(actor=c.commune_officer, idea=idea), c.commune_officer, idea)


@recipe("cycle.idea_return", "idea.return")
def _(w: World) -> Act:
    c, idea = w.cast, _idea(w)
    return Act(
        lambda: cycle.idea_return(actor=c.commune_officer, idea=idea, reason="Bổ sung"),
        c.commune_officer,
        idea,
    )


@recipe("cycle.idea_resubmit", "idea.resubmit")
def _(w: World) -> Act:
    c, idea = w.cast, _returned_idea(w)
    return Act(lambda: cycle.idea_resubmit(actor=c.producer_user, idea=idea), c.producer_user, idea)


@recipe("cycle.idea_withdraw", "idea.withdraw")
def _(w: World) -> Act:
    c, idea = w.cast, _idea(w)
    return Act(lambda: cycle.idea_withdraw(actor=c.producer_user, idea=idea), c.producer_user, idea)


@recipe("cycle.plan_create", "plan.create")
def _(w: World) -> Act:
    c, idea = w.cast, _idea(w, accepted=True)
    return Act(lambda: cycle.plan_create(actor=c.producer_user, idea=idea), c.producer_user, _result)


@recipe("cycle.plan_update", "plan.update")
def _(w: World) -> Act:
    c, plan = w.cast, _plan(w)
    return Act(lambda: cycle.plan_update(actor=c.producer_user, plan=plan, **PLAN), c.producer_user, plan)


@recipe("cycle.plan_attach", "plan.attach")
def _(w: World) -> Act:
    c, plan = w.cast, _plan(w)
    return Act(
        lambda: cycle.plan_attach(
            actor=c.producer_user, plan=plan, upload=upload("du-toan.pdf", pdf_bytes())
        ),
        c.producer_user,
        plan,
    )


@recipe("cycle.plan_submit", "plan.submit")
def _(w: World) -> Act:
    c, plan = w.cast, _plan(w, complete=True)
    return Act(lambda: cycle.plan_submit(actor=c.producer_user, plan=plan), c.producer_user, plan)


@recipe("cycle.plan_return", "plan.return")
def _(w: World) -> Act:
    c = w.cast
    plan = cycle.plan_submit(actor=c.producer_user, plan=_plan(w, complete=True))
    return Act(
        lambda: cycle.plan_return(actor=c.commune_officer, plan=plan, reason="Thiếu dự toán"),
        c.commune_officer,
        plan,
    )


# -- cycle: dossiers ---------------------------------------------------------------------------------------


@recipe("cycle.dossier_create", "dossier.create")
def _(w: World) -> Act:
    c = w.cast
    product = honey(honey_cooperative(c))
    return Act(
        lambda: cycle.dossier_create(actor=c.producer_user, product=product, year=THIS_YEAR),
        c.producer_user,
        _result,
    )


@recipe("cycle.document_upload", "dossier.document_upload")
def _(w: World) -> Act:
    c, dossier = w.cast, w.dossier("draft", complete=False)
    return Act(
        lambda: cycle.document_upload(
            actor=c.producer_user, dossier=dossier, item="label", upload=upload("nhan.pdf", pdf_bytes())
        ),
        c.producer_user,
        dossier,
    )


def _step(service: str, event: str, who: str, until: str, **arguments) -> None:
    """A dossier step: the honey dossier taken to `until`, then `who` of the cast does the step."""

    @recipe(f"cycle.{service}", event)
    def _(w: World) -> Act:
        dossier, actor = w.dossier(until), getattr(w.cast, who)
        return Act(lambda: getattr(cycle, service)(actor=actor, dossier=dossier, **arguments), actor, dossier)


_step("dossier_update", "dossier.update", "producer_user", "draft", target_stars=4)
_step("dossier_submit", "dossier.submit", "producer_user", "draft")
_step("dossier_check", "dossier.check", "commune_officer", "submitted")
_step("dossier_forward", "dossier.forward", "commune_officer", "checked")
_step("dossier_accept", "dossier.accept", "province_officer", "forwarded")
_step("dossier_return", "dossier.return", "commune_officer", "submitted", reason="Thiếu nhãn")
_step("dossier_withdraw", "dossier.withdraw", "producer_user", "draft")
_step("dossier_transition", "dossier.evaluate", "province_officer", "accepted", action="evaluate")
_step("dossier_message_post", "dossier.message", "producer_user", "submitted", body="Đã bổ sung nhãn")


@recipe("cycle.dossiers_forward_bulk", "dossier.forward")
def _(w: World) -> Act:
    c, dossier = w.cast, w.dossier("checked")
    return Act(
        lambda: cycle.dossiers_forward_bulk(actor=c.commune_officer, dossiers=[dossier]),
        c.commune_officer,
        dossier,
    )


# -- evaluation --------------------------------------------------------------------------------------------


def _second_round(w: World, rubric: RubricVersion):
    return evaluation.round_create(
        actor=w.cast.province_officer,
        name="Đợt 2",
        level="province",
        unit=w.cast.province,
        year=THIS_YEAR,
        rubric_version=rubric,
        held_on=TODAY,
    )


@recipe("evaluation.round_create", "round.create")
def _(w: World) -> Act:
    rubric = load_test_rubric()
    return Act(lambda: _second_round(w, rubric), w.cast.province_officer, _result)


@recipe("evaluation.round_advance", "round.advance")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast, open_scoring=False)
    return Act(
        lambda: evaluation.round_advance(
            actor=c.province_officer, evaluation_round=scene.round, to=RoundStatus.SCORING
        ),
        c.province_officer,
        scene.round,
    )


@recipe("evaluation.council_set_up", "council.set_up")
def _(w: World) -> Act:
    c, second = w.cast, _second_round(w, load_test_rubric())
    return Act(
        lambda: evaluation.council_set_up(
            actor=c.province_officer,
            evaluation_round=second,
            name="Hội đồng đợt 2",
            decision_number="46/QĐ-UBND",
            decision_date=TODAY,
        ),
        c.province_officer,
        _result,
    )


@recipe("evaluation.member_add", "council.member_add")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast, open_scoring=False)
    fourth = person("council4", "Đặng Văn Bốn", RoleKind.COUNCIL_MEMBER, c.province)
    return Act(
        lambda: evaluation.member_add(
            actor=c.province_officer, council=scene.council, user=fourth, role=CouncilRole.MEMBER
        ),
        c.province_officer,
        _result,
    )


@recipe("evaluation.round_dossier_add", "round.dossier_add")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast, open_scoring=False)
    dossier = accepted_dossier(c, product_name="Mật ong bạc hà", producer=scene.producer)
    return Act(
        lambda: evaluation.round_dossier_add(
            actor=c.province_officer, evaluation_round=scene.round, dossier=dossier
        ),
        c.province_officer,
        _result,
    )


@recipe("evaluation.conflict_declare", "conflict.declare")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast)
    return Act(
        lambda: evaluation.conflict_declare(
            actor=c.council3,
            round_dossier=scene.round_dossier,
            reason=ConflictReason.DECLARED,
            note="Tôi là họ hàng của chủ hợp tác xã.",
        ),
        c.council3,
        _result,
    )


@recipe("evaluation.assignment_create", "assignment.create")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast, assign=False, open_scoring=False)
    member = scene.council.members.get(user=c.council1)
    return Act(
        lambda: evaluation.assignment_create(
            actor=c.province_officer, round_dossier=scene.round_dossier, member=member
        ),
        c.province_officer,
        _result,
    )


@recipe("evaluation.assignments_create_all", "assignment.create")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast, assign=False, open_scoring=False)
    return Act(
        lambda: evaluation.assignments_create_all(actor=c.province_officer, evaluation_round=scene.round),
        c.province_officer,
        None,
    )


@recipe("evaluation.sheet_save_draft", "sheet.save")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast)
    return Act(
        lambda: evaluation.sheet_save_draft(
            actor=c.council1, round_dossier=scene.round_dossier, answers=answers(), expected_version=0
        ),
        c.council1,
        _result,
    )


@recipe("evaluation.sheet_submit", "sheet.submit")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast)
    return Act(lambda: submit(scene, c.council1, answers()), c.council1, _result)


@recipe("evaluation.council_result_compute", "council.result")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast)
    for member in (c.council1, c.council2, c.council3):
        submit(scene, member, answers())
    return Act(
        lambda: evaluation.council_result_compute(
            actor=c.province_officer, round_dossier=scene.round_dossier
        ),
        c.province_officer,
        scene.round_dossier,
    )


@recipe("evaluation.council_conclude", "council.conclude")
def _(w: World) -> Act:
    c, scored = w.cast, _scored(w, FOUR_STARS)
    return Act(
        lambda: evaluation.council_conclude(
            actor=c.province_officer,
            round_dossier=scored,
            conclusion="recognise",
            minutes="Đề nghị công nhận 4 sao.",
        ),
        c.province_officer,
        scored,
    )


@recipe("evaluation.round_dossier_propose_upward", "round_dossier.propose_upward")
def _(w: World) -> Act:
    c, concluded = w.cast, _concluded(w, answers())  # 100 points: the province proposes it to the centre
    return Act(
        lambda: evaluation.round_dossier_propose_upward(actor=c.province_officer, round_dossier=concluded),
        c.province_officer,
        concluded,
    )


@recipe("evaluation.round_dossier_mark_recognised", "round_dossier.recognised")
def _(w: World) -> Act:
    c, concluded = w.cast, _concluded(w, FOUR_STARS)
    return Act(
        lambda: evaluation.round_dossier_mark_recognised(
            actor=c.province_officer, round_dossier=concluded, decision_number="125/QĐ-UBND"
        ),
        c.province_officer,
        concluded,
    )


# -- producers and products --------------------------------------------------------------------------------


@recipe("producers.producer_create", "producer.create")
def _(w: World) -> Act:
    c = w.cast
    return Act(
        lambda: producers.producer_create(
            actor=c.commune_officer, name="Tổ hợp tác Chè Vân Hà", legal_form="cooperative", unit=c.commune
        ),
        c.commune_officer,
        _result,
    )


@recipe("producers.producer_register", "producer.register")
def _(w: World) -> Act:
    """A producer registers itself: the event is by its new account, about its new organisation."""
    c = w.cast
    return Act(
        lambda: producers.producer_register(
            username="hokinhdoanh",
            password="mat-khau-rat-dai-2025",
            full_name="Hà Văn Hộ",
            name="Hộ kinh doanh Hà Văn Hộ",
            legal_form="household",
            unit=c.commune,
        ),
        _first,
        lambda registered: registered[1],
    )


@recipe("producers.producer_update", "producer.update")
def _(w: World) -> Act:
    c, producer = w.cast, honey_cooperative(w.cast)
    return Act(
        lambda: producers.producer_update(actor=c.producer_user, producer=producer, phone="0204 3850 123"),
        c.producer_user,
        producer,
    )


@recipe("producers.producer_confirm", "producer.confirm")
def _(w: World) -> Act:
    c, producer = w.cast, honey_cooperative(w.cast, confirmed=False)
    return Act(
        lambda: producers.producer_confirm(actor=c.commune_officer, producer=producer),
        c.commune_officer,
        producer,
    )


@recipe("producers.producer_member_add", "producer.member_add")
def _(w: World) -> Act:
    c, producer = w.cast, honey_cooperative(w.cast)
    return Act(
        lambda: producers.producer_member_add(
            actor=c.commune_officer, producer=producer, user=c.other_producer_user
        ),
        c.commune_officer,
        producer,
    )


@recipe("products.product_create", "product.create")
def _(w: World) -> Act:
    c, producer = w.cast, honey_cooperative(w.cast)
    return Act(
        lambda: products.product_create(
            actor=c.producer_user, producer=producer, name="Mật ong bạc hà", product_set=product_set()
        ),
        c.producer_user,
        _result,
    )


@recipe("products.product_update", "product.update")
def _(w: World) -> Act:
    c, product = w.cast, honey(honey_cooperative(w.cast))
    return Act(
        lambda: products.product_update(actor=c.producer_user, product=product, description="Chai 500 ml"),
        c.producer_user,
        product,
    )


@recipe("products.product_photo_add", "product.photo_add")
def _(w: World) -> Act:
    c, product = w.cast, honey(honey_cooperative(w.cast))
    return Act(
        lambda: products.product_photo_add(
            actor=c.producer_user, product=product, upload=upload("chai.png", image_bytes())
        ),
        c.producer_user,
        product,
    )


@recipe("products.product_photo_remove", "product.photo_remove")
def _(w: World) -> Act:
    c, product = w.cast, honey(honey_cooperative(w.cast))
    photo = products.product_photo_add(
        actor=c.producer_user, product=product, upload=upload("chai.png", image_bytes())
    )
    return Act(
        lambda: products.product_photo_remove(actor=c.producer_user, photo=photo), c.producer_user, product
    )


# -- rubrics -----------------------------------------------------------------------------------------------


@recipe("rubrics.rubric_versions_load", "rubric_version.updated")
def _(w: World) -> Act:
    c, path = w.cast, _version_file(w)
    return Act(
        lambda: rubrics.rubric_versions_load(actor=c.central, paths=[path]), c.central, _version_2023()
    )


@recipe("rubrics.rubric_version_load", "rubric_version.updated")
def _(w: World) -> Act:
    c, document = w.cast, _retitled_2023()
    return Act(
        lambda: rubrics.rubric_version_load(actor=c.central, data=document, source="2023.yaml"),
        c.central,
        _version_2023(),
    )


@recipe("rubrics.rubric_version_freeze", "rubric_version.freeze")
def _(w: World) -> Act:
    c, version = w.cast, _version_2023()
    return Act(
        lambda: rubrics.rubric_version_freeze(actor=c.central, version=version, reason="Điểm đầu tiên"),
        c.central,
        version,
    )


@recipe("rubrics.rubric_sheet_import_apply", "rubric_sheet.import")
def _(w: World) -> Act:
    c, version = w.cast, _version_2023()
    content = xlsx_bytes(rows_of(synthetic(), "1.1"))
    return Act(
        lambda: rubrics.rubric_sheet_import_apply(
            actor=c.central, version=version, product_set="1.1", content=content, filename="phieu.xlsx"
        ),
        c.central,
        version,
    )


@recipe("history.write_plan", "history_import.apply")
def _(w: World) -> Act:
    return Act(lambda: _history(w), w.cast.province_officer, _result)


@recipe("history.history_import_undo", "history_import.undo")
def _(w: World) -> Act:
    c, batch = w.cast, _history(w)
    return Act(
        lambda: history.history_import_undo(actor=c.province_officer, batch=batch, reason="Nhập nhầm"),
        c.province_officer,
        batch,
    )


@recipe("history.history_upload_create", "history_upload.create")
def _(w: World) -> Act:
    return Act(lambda: _history_upload(w), w.cast.province_officer, _result)


@recipe("history.history_upload_choose", "history_upload.choose")
def _(w: World) -> Act:
    upload = _history_upload(w)
    group = upload.rows[0]["group"]
    return Act(
        lambda: history.history_upload_choose(
            actor=w.cast.province_officer, upload=upload, choices={group: "new"}
        ),
        w.cast.province_officer,
        upload,
    )


@recipe("history.history_import_start", "history_import.start")
def _(w: World) -> Act:
    upload = _history_upload(w)
    return Act(
        lambda: history.history_import_start(actor=w.cast.province_officer, upload=upload),
        w.cast.province_officer,
        upload,
    )


@recipe("history.history_import_run", "history_import.apply")
def _(w: World) -> Act:
    upload = _history_upload(w)
    return Act(
        lambda: history.history_import_run(upload.pk),
        w.cast.province_officer,
        lambda result: HistoryImport.objects.get(pk=result["batch"]),
    )


# -- tasks -------------------------------------------------------------------------------------------------


@recipe("tasks.task_run_retry", "task.retry")
def _(w: World) -> Act:
    c, run = w.cast, failed_run(w.cast.province)
    return Act(
        lambda: tasks.task_run_retry(actor=c.province_officer, run=run, reason="Đã sửa máy chủ thư"),
        c.province_officer,
        run,
    )


@recipe("tasks.probe_request", "task.probe")
def _(w: World) -> Act:
    return Act(lambda: tasks.probe_request(actor=w.cast.central), w.cast.central, _result)


# --- issue 15: address aliases ---
CHU = "Thị trấn Chũ, huyện Lục Ngạn, tỉnh Bắc Giang"


def _alias(w: World):
    unit = AdminUnit.objects.get(era=Era.LEGACY, code="07525")
    return addresses.address_alias_create(actor=w.cast.province_officer, address=CHU, unit=unit)


@recipe("addresses.address_alias_create", "address_alias.create")
def _(w: World) -> Act:
    unit = AdminUnit.objects.get(era=Era.LEGACY, code="07525")
    return Act(
        lambda: addresses.address_alias_create(actor=w.cast.province_officer, address=CHU, unit=unit),
        w.cast.province_officer,
        _result,
    )


@recipe("addresses.address_alias_update", "address_alias.update")
def _(w: World) -> Act:
    alias = _alias(w)
    unit = AdminUnit.objects.get(era=Era.LEGACY, code="07612")
    return Act(
        lambda: addresses.address_alias_update(actor=w.cast.central, alias=alias, unit=unit),
        w.cast.central,
        alias,
    )


@recipe("addresses.address_alias_delete", "address_alias.delete")
def _(w: World) -> Act:
    alias = _alias(w)
    return Act(
        lambda: addresses.address_alias_delete(
            actor=w.cast.province_officer, alias=alias, reason="Ghép nhầm"
        ),
        w.cast.province_officer,
        alias,
    )


# --- issue 12: paper sheets ---
PAPER_SET = "3.1"  # no digital sheet in the 2023 version (the test rubric adds one for 2.2 only)
PAPER_PARTS = {"A": "30", "B": "20", "C": "25"}


@recipe("evaluation.sheet_paper_save", "sheet.save")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast, product_set_code=PAPER_SET)
    return Act(
        lambda: evaluation.sheet_paper_save(
            actor=c.council2,  # the secretary enters council3's paper sheet for them
            round_dossier=scene.round_dossier,
            parts=PAPER_PARTS,
            expected_version=0,
            on_behalf_of=c.council3,
        ),
        c.council2,
        _result,
    )


@recipe("evaluation.sheet_paper_submit", "sheet.submit")
def _(w: World) -> Act:
    c, scene = w.cast, build_scene(w.cast, product_set_code=PAPER_SET)
    return Act(
        lambda: evaluation.sheet_paper_submit(
            actor=c.council1,
            round_dossier=scene.round_dossier,
            parts=PAPER_PARTS,
            expected_version=0,
            scan=upload("phieu-giay.pdf", pdf_bytes()),
        ),
        c.council1,
        _result,
    )


# --- issue 17: training and supervision ---
_SHEET = "Họ và tên,Đối tượng,Mã đơn vị,Phụ trách OCOP\nLê Văn Xã,Cán bộ,07798,x".encode()


def _course(w: World):
    from ocop.training import services as training

    return training.course_create(
        actor=w.cast.province_officer,
        title="Tập huấn tiếp thị",
        topic="marketing",
        unit=w.cast.province,
        organiser="Văn phòng điều phối",
        starts_on=TODAY,
        ends_on=TODAY,
    )


@recipe("training.course_create", "course.create")
def _(w: World) -> Act:
    return Act(lambda: _course(w), w.cast.province_officer, _result)


@recipe("training.attendance_import", "course.attendance_import")
def _(w: World) -> Act:
    from ocop.training import services as training

    course = _course(w)
    return Act(
        lambda: training.attendance_import(actor=w.cast.province_officer, course=course, content=_SHEET),
        w.cast.province_officer,
        course,
    )


def _inspection(w: World):
    from ocop.supervision import services as supervision

    _authorities, certificate = _certificate(w)
    return supervision.inspection_create(
        actor=w.cast.province_officer, product=certificate.product, kinds=["labelling"], inspected_on=TODAY
    )


def _finding(w: World):
    from ocop.supervision import services as supervision

    inspection = _inspection(w)
    return inspection, supervision.finding_add(
        actor=w.cast.province_officer,
        inspection=inspection,
        kind="labelling",
        severity="minor",
        description="Nhãn",
    )


@recipe("supervision.inspection_create", "inspection.create")
def _(w: World) -> Act:
    from ocop.supervision import services as supervision

    _authorities, certificate = _certificate(w)
    return Act(
        lambda: supervision.inspection_create(
            actor=w.cast.province_officer,
            product=certificate.product,
            kinds=["labelling"],
            inspected_on=TODAY,
        ),
        w.cast.province_officer,
        _result,
    )


@recipe("supervision.finding_add", "inspection.finding_add")
def _(w: World) -> Act:
    from ocop.supervision import services as supervision

    inspection = _inspection(w)
    return Act(
        lambda: supervision.finding_add(
            actor=w.cast.province_officer,
            inspection=inspection,
            kind="labelling",
            severity="minor",
            description="Thiếu tem",
            evidence=upload("anh.png", image_bytes()),
        ),
        w.cast.province_officer,
        inspection,
    )


@recipe("supervision.follow_up_record", "inspection.follow_up")
def _(w: World) -> Act:
    from ocop.supervision import services as supervision

    inspection, finding = _finding(w)
    return Act(
        lambda: supervision.follow_up_record(
            actor=w.cast.province_officer, finding=finding, visited_on=TODAY, fixed=True
        ),
        w.cast.province_officer,
        inspection,
    )


@recipe("supervision.warning_issue", "inspection.warn")
def _(w: World) -> Act:
    from ocop.supervision import services as supervision

    inspection = _inspection(w)
    return Act(
        lambda: supervision.warning_issue(
            actor=w.cast.province_officer, inspection=inspection, text="Khắc phục"
        ),
        w.cast.province_officer,
        inspection,
    )


@recipe("supervision.inspection_propose", "inspection.propose")
def _(w: World) -> Act:
    from ocop.supervision import services as supervision

    inspection = _inspection(w)
    return Act(
        lambda: supervision.inspection_propose(
            actor=w.cast.province_officer,
            inspection=inspection,
            kind="revoke",
            reason="Tái phạm",
            decision_number="70/QĐ-UBND",
            decision_date=TODAY,
        ),
        w.cast.province_officer,
        inspection,
    )


@recipe("supervision.inspection_close", "inspection.close")
def _(w: World) -> Act:
    from ocop.supervision import services as supervision

    inspection = _inspection(w)
    return Act(
        lambda: supervision.inspection_close(
            actor=w.cast.province_officer, inspection=inspection, conclusion="Đạt"
        ),
        w.cast.province_officer,
        inspection,
    )


@recipe("supervision.complaint_submit", "complaint.submit")
def _(w: World) -> Act:
    from ocop.supervision import services as supervision

    _authorities, certificate = _certificate(w)
    return Act(
        lambda: supervision.complaint_submit(certificate=certificate, text="Không giống"), None, _result
    )


@recipe("supervision.complaint_dismiss", "complaint.dismiss")
def _(w: World) -> Act:
    from ocop.supervision import services as supervision

    _authorities, certificate = _certificate(w)
    complaint = supervision.complaint_submit(certificate=certificate, text="Không giống")
    return Act(
        lambda: supervision.complaint_dismiss(
            actor=w.cast.province_officer, complaint=complaint, reason="Không có cơ sở"
        ),
        w.cast.province_officer,
        complaint,
    )


@recipe("supervision.inspection_plan_draw", "inspection_plan.draw")
def _(w: World) -> Act:
    from ocop.supervision import services as supervision

    _certificate(w)
    return Act(
        lambda: supervision.inspection_plan_draw(
            actor=w.cast.province_officer, province=w.cast.province, year=TODAY.year, size=5
        ),
        w.cast.province_officer,
        _result,
    )


# -- exemptions: each with its reason ----------------------------------------------------------------------

# --- issue 13: certificate snapshot --- changes of certified details (issue 13, item 1)


def _certified_rename(w: World):
    """A certified product whose producer asked for a new name: the request waits for an officer."""
    authorities, certificate = _certificate(w)
    products.product_update(
        actor=w.cast.producer_user, product=certificate.product, name="Mật ong thượng hạng"
    )
    return certificate.product.change_requests.get()


@recipe("producers.change_request_open", "record_change.request")
def _(w: World) -> Act:
    _authorities, certificate = _certificate(w)
    product = certificate.product
    return Act(
        lambda: producers.change_request_open(
            actor=w.cast.producer_user,
            producer=product.producer,
            product=product,
            record=product,
            changes={"name": "Mật ong thượng hạng"},
        ),
        w.cast.producer_user,
        _result,
    )


@recipe("products.record_change_approve", "record_change.approve")
def _(w: World) -> Act:
    request = _certified_rename(w)
    officer = w.cast.commune_officer
    return Act(lambda: products.record_change_approve(actor=officer, request=request), officer, request)


@recipe("products.record_change_reject", "record_change.reject")
def _(w: World) -> Act:
    request = _certified_rename(w)
    officer = w.cast.province_officer
    return Act(
        lambda: products.record_change_reject(actor=officer, request=request, reason="Chưa có nhãn mới"),
        officer,
        request,
    )


# --- issue 16: planning ---
def _plan_of(w: World):
    from ocop.planning import services as planning

    return planning.programme_plan_create(
        actor=w.cast.province_officer,
        unit=w.cast.province,
        year_from=THIS_YEAR,
        targets=[{"indicator": "products_recognised", "value": 45}],
    )


@recipe("planning.programme_plan_create", "programme_plan.create")
def _(w: World) -> Act:
    from ocop.planning import services as planning

    officer = w.cast.province_officer
    return Act(
        lambda: planning.programme_plan_create(
            actor=officer,
            unit=w.cast.province,
            year_from=THIS_YEAR,
            targets=[{"indicator": "shops", "value": 5}],
        ),
        officer,
        _result,
    )


@recipe("planning.programme_plan_update", "programme_plan.update")
def _(w: World) -> Act:
    from ocop.planning import services as planning

    plan = _plan_of(w)
    officer = w.cast.province_officer
    return Act(
        lambda: planning.programme_plan_update(
            actor=officer, plan=plan, expected_version=plan.version, title="Kế hoạch OCOP tỉnh", targets=[]
        ),
        officer,
        plan,
    )


@recipe("planning.programme_plan_import", "programme_plan.import")
def _(w: World) -> Act:
    from ocop.planning import services as planning

    officer = w.cast.province_officer
    sheet = f"Mã đơn vị,Năm,Mã chỉ tiêu,Giá trị\n24,{THIS_YEAR},products_recognised,45\n".encode()
    return Act(
        lambda: planning.programme_plan_import(actor=officer, content=sheet, filename="ke-hoach.csv"),
        officer,
        _first,
    )


@recipe("planning.programme_report_request", "programme_report.request")
def _(w: World) -> Act:
    from ocop.planning import services as planning

    officer = w.cast.province_officer
    return Act(
        lambda: planning.programme_report_request(actor=officer, unit=w.cast.province, year=THIS_YEAR),
        officer,
        _result,
    )


# --- issue 17: trade promotion ---


def _promotion_story(w: World):
    """Two certified products of the honey cooperative (the certification story) and a fair in Bắc Ninh."""
    from ocop.promotion import services as promotion

    tale = w.fixture("story")
    w.fixture("issue")([(tale.honey, 4, "78.50", None), (tale.lychee, 3, "62.00", None)])
    event = promotion.event_create(
        actor=w.cast.province_officer,
        name="Hội chợ OCOP Bắc Ninh",
        unit=w.cast.province,
        starts_on=TODAY - datetime.timedelta(days=2),
        ends_on=TODAY,
        organiser="Sở Nông nghiệp và Môi trường",
    )
    return tale, event


def _shop(w: World):
    from ocop.promotion import services as promotion

    return promotion.shop_create(
        actor=w.cast.commune_officer,
        name="Điểm bán OCOP Vân Hà",
        unit=w.cast.commune,
        address="Số 1",
        operator="HTX dịch vụ",
        opened_on=TODAY,
    )


@recipe("promotion.event_create", "event.create")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    officer = w.cast.province_officer
    return Act(
        lambda: promotion.event_create(
            actor=officer,
            name="Tuần hàng OCOP",
            unit=w.cast.province,
            starts_on=TODAY,
            ends_on=TODAY,
            organiser="Sở",
        ),
        officer,
        _result,
    )


def _reported(w: World):
    from ocop.promotion import services as promotion

    tale, event = _promotion_story(w)
    return promotion.participation_record(
        actor=w.cast.producer_user, event=event, product=tale.honey, sales_vnd=5
    )


@recipe("promotion.participation_record", "participation.record")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    tale, event = _promotion_story(w)
    producer = w.cast.producer_user
    return Act(
        lambda: promotion.participation_record(actor=producer, event=event, product=tale.honey, sales_vnd=5),
        producer,
        _result,
    )


@recipe("promotion.participation_confirm", "participation.confirm")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    row, officer = _reported(w), w.cast.commune_officer
    return Act(lambda: promotion.participation_confirm(actor=officer, participation=row), officer, row)


@recipe("promotion.participation_reject", "participation.reject")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    row, officer = _reported(w), w.cast.commune_officer
    return Act(
        lambda: promotion.participation_reject(actor=officer, participation=row, reason="Thiếu ảnh"),
        officer,
        row,
    )


@recipe("promotion.shop_create", "shop.create")
def _(w: World) -> Act:
    return Act(lambda: _shop(w), w.cast.commune_officer, _result)


@recipe("promotion.shop_product_add", "shop.product_add")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    tale, _event = _promotion_story(w)
    shop, officer = _shop(w), w.cast.commune_officer
    return Act(
        lambda: promotion.shop_product_add(actor=officer, shop=shop, product=tale.honey), officer, shop
    )


def _listed(w: World):
    from ocop.promotion import services as promotion

    tale, _event = _promotion_story(w)
    return promotion.listing_record(
        actor=w.cast.producer_user, product=tale.honey, url="https://shopee.vn/a-i.1.2"
    )


@recipe("promotion.listing_record", "listing.record")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    tale, _event = _promotion_story(w)
    producer = w.cast.producer_user
    return Act(
        lambda: promotion.listing_record(actor=producer, product=tale.honey, url="https://shopee.vn/a-i.1.2"),
        producer,
        _result,
    )


@recipe("promotion.listing_confirm", "listing.confirm")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    row, officer = _listed(w), w.cast.commune_officer
    return Act(lambda: promotion.listing_confirm(actor=officer, listing=row), officer, row)


@recipe("promotion.listing_reject", "listing.reject")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    row, officer = _listed(w), w.cast.commune_officer
    return Act(
        lambda: promotion.listing_reject(actor=officer, listing=row, reason="Sai liên kết"), officer, row
    )


@recipe("promotion.listing_link_checked", "listing.link_broken")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    row = _listed(w)
    return Act(
        lambda: promotion.listing_link_checked(
            listing_id=row.pk, answered=False, detail="HTTP 404", day=TODAY
        ),
        None,
        row,
    )


@recipe("promotion.gift_set_create", "gift_set.create")
def _(w: World) -> Act:
    from ocop.promotion import services as promotion

    tale, _event = _promotion_story(w)
    officer = w.cast.province_officer
    return Act(
        lambda: promotion.gift_set_create(
            actor=officer, name="Quà Kinh Bắc", unit=w.cast.province, products=[tale.honey, tale.lychee]
        ),
        officer,
        _result,
    )


READ = "a read: it changes nothing"
PURE = "a pure helper: no database, no files"
DERIVED_INDEX = "rebuilds derived catalogue entries from products and certificates whose changes are audited"

# --- issue 18: self-assessment, evidence tied to criteria, the help team ---


@recipe("cycle.document_criteria_set", "dossier.evidence_tag")
def _(w: World) -> Act:
    c, dossier = w.cast, fresh_dossier(w.cast)
    contract = dossier.documents.get(item="raw_materials", is_current=True)
    return Act(
        lambda: cycle.document_criteria_set(
            actor=c.producer_user, document=contract, criteria=["1.1", "1.4"]
        ),
        c.producer_user,
        dossier,
    )


@recipe("evaluation.self_assessment_save", "self_assessment.save")
def _(w: World) -> Act:
    c, dossier = w.cast, fresh_dossier(w.cast)
    return Act(
        lambda: evaluation.self_assessment_save(
            actor=c.producer_user, dossier=dossier, answers={"1.1": "c"}, expected_version=0
        ),
        c.producer_user,
        dossier,
    )


@recipe("evaluation.self_assessment_submit", "self_assessment.submit")
def _(w: World) -> Act:
    c, dossier = w.cast, fresh_dossier(w.cast)
    return Act(lambda: submitted_self_assessment(c, dossier), c.producer_user, dossier)


@recipe("evaluation.precheck_record", "precheck.record")
def _(w: World) -> Act:
    c, dossier = w.cast, fresh_dossier(w.cast)
    helper = person("helper", "Đào Thị Giúp", RoleKind.HELP_TEAM, c.province)
    submitted_self_assessment(c, dossier)
    dossier = through_commune(c, dossier)
    return Act(
        lambda: evaluation.precheck_record(
            actor=helper, dossier=dossier, criterion="4.1", verdict="doubtful", note="Chưa có hợp đồng"
        ),
        helper,
        dossier,
    )


EXEMPT = {
    "accounts.login_check_allowed": READ,
    "accounts.token_for": "a read that stamps the token's last use (at most once a minute), not a decision",
    "accounts.login_record_success": "clears the failed-login counter after a good password; a lock was audited",
    "accounts.authenticate_throttled": "checks a password; it writes through login_record_failure and _success",
    "audit.record_event": "the recorder itself",
    "audit.record_events": "the recorder itself, for many records at once",
    "catalog.places_for": READ,
    "catalog.certificates_for": READ,
    "catalog.photos_for": READ,
    "catalog.stale_product_ids": READ,
    "catalog.partner_for_key": "a read that stamps the key's last use (at most once a minute), not a decision",
    "catalog.reindex_products": DERIVED_INDEX,
    "catalog.reindex_product": DERIVED_INDEX,
    "catalog.reindex_producer": DERIVED_INDEX,
    "catalog.reindex_all": DERIVED_INDEX,
    "catalog.refresh_index": DERIVED_INDEX,
    "certification.certificate_pdf_ensure": "renders the PDF of the certificate as it stands; the decisions are audited",
    "certification.certificate_pdf_request": "starts the rendering task of a PDF that no longer reads as the certificate stands",
    "certification.expiry_reminders_send": "starts one reminder task per certificate due; each reminder is audited when its e-mail went (expiry_reminder_deliver)",
    "certification.certificate_record_scan": "counts anonymous verifications (to spot copied codes), not a decision",
    "training.attendance_preview": "reads and checks an attendance sheet; writes nothing",
    "evaluation.paper_parts": PURE,  # --- issue 12: paper sheets ---
    "producers.normalise_tax_code": PURE,
    "promotion.clean_url": PURE,  # --- issue 17: trade promotion ---
    "producers.producer_fields_save": "a helper of producer_update and record_change_approve: runs in their transaction, beside their event",
    "producers.producer_search_text": PURE,
    "producers.producer_search_text_of": PURE,
    "products.gtin_valid": PURE,
    "products.product_search_text": PURE,
    "rubrics.rubric_sheet_import_preview": "reads and checks a file; writes nothing",
    "rubrics.history_import_preview": "reads and checks a file; writes nothing",
    "history.history_preview": "reads, checks and matches a file; writes nothing",
    "rubrics.json_document": PURE,
    "rubrics.data_files": READ,
    "rubrics.invalid_from": PURE,
    "rubrics.issues_text": PURE,
    # --- issue 16: planning ---
    "planning.parse_number": PURE,
    "planning.parse_date": PURE,
    "planning.parse_period": PURE,
    "planning.check_target": PURE,
    "planning.check_activity": PURE,
    "planning.default_title": PURE,
    "planning.current_unit": READ,
    "planning.programme_plan_import_preview": "reads and checks a file; writes nothing",
    "planning.report_build": "the report task writing the files of a report whose request was audited",
}
assert not set(EXEMPT) & set(SERVICES), set(EXEMPT) & set(SERVICES)
SERVICES.update({name: Exempt(reason) for name, reason in EXEMPT.items()})
RECIPES = sorted(name for name, entry in SERVICES.items() if isinstance(entry, Recipe))


def test_every_service_has_an_entry():
    found = set(discovered())
    missing = sorted(found - set(SERVICES))
    stale = sorted(set(SERVICES) - found)
    assert not missing, f"services with no entry (add a recipe, or an exemption with its reason): {missing}"
    assert not stale, f"entries naming no service: {stale}"
    assert all(entry.reason.strip() for entry in SERVICES.values() if isinstance(entry, Exempt))


def _describe(events) -> list[tuple]:
    return [(e.action, e.actor_label, e.target_type, e.target_id) for e in events]


@pytest.mark.parametrize("name", RECIPES)
def test_a_service_that_changes_state_leaves_its_event(name, request):
    entry = SERVICES[name]
    act = entry.arrange(World(request))
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    result = act.run()

    events = list(AuditEvent.objects.filter(id__gt=last).order_by("id"))
    actor = act.actor(result) if callable(act.actor) else act.actor
    target = act.target(result) if callable(act.target) else act.target
    matching = [
        e
        for e in events
        if e.action == entry.action
        and e.actor_id == (actor.pk if actor is not None else None)
        and (target is None or (e.target_type, e.target_id) == (target._meta.label_lower, str(target.pk)))
    ]
    assert matching, (
        f"{name} should leave «{entry.action}» by {actor} on {target!r}; it left {_describe(events) or 'nothing'}"
    )


def _rows() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.mark.parametrize("name", RECIPES)
def test_the_event_is_written_in_the_actions_transaction(name, request, monkeypatch):
    """When the event cannot be written, the action fails and leaves nothing behind: no row added or removed
    anywhere, and its target unchanged. So no change ever stands without its event."""
    entry = SERVICES[name]
    act = entry.arrange(World(request))
    target = act.target if isinstance(act.target, models.Model) else None
    before = (_rows(), target and model_to_dict(type(target)._base_manager.get(pk=target.pk)))
    create = AuditEvent.objects.create

    def refuse(**fields):
        if fields.get("action") == entry.action:
            raise RuntimeError("the audit trail is unavailable")
        return create(**fields)

    monkeypatch.setattr(AuditEvent.objects, "create", refuse)
    with pytest.raises(RuntimeError, match="audit trail"):
        act.run()
    monkeypatch.undo()

    after = (_rows(), target and model_to_dict(type(target)._base_manager.get(pk=target.pk)))
    changed = {
        label: (count, after[0][label]) for label, count in before[0].items() if after[0][label] != count
    }
    assert not changed, f"{name} kept rows without its event: {changed}"
    assert before[1] == after[1], f"{name} changed its target without its event"
