"""Paper-sheet mode through the pages and the API (issue 12): a set without a digital sheet never dead-ends.

The shipped 2023 version has no digital sheet for set 2.2 (honey): the scene uses it as shipped.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from ocop.audit.models import AuditEvent
from ocop.evaluation import services
from ocop.evaluation.models import RoundDossier, ScoreSheet, SheetStatus
from ocop.rubrics.models import RubricVersion
from tests.state_support import nothing_changes

from . import conftest
from .conftest import pdf

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation"


@pytest.fixture
def paper(cast, monkeypatch) -> conftest.Scene:
    monkeypatch.setattr(conftest, "load_test_rubric", lambda: RubricVersion.objects.get(code="2023"))
    return conftest.build_scene(cast)


def _paper_form(parts: dict[str, str], version: int, action: str, scan: bool = True) -> dict:
    data = {f"part-{code}": value for code, value in parts.items()}
    data.update(version=str(version), action=action, comment="Phiếu giấy đã ký")
    if scan:
        data["scan"] = pdf("phieu-da-ky.pdf")
    return data


def _stored() -> tuple:
    return (
        ScoreSheet.objects.count(),
        AuditEvent.objects.filter(action__startswith="sheet.").count(),
    )


# Pages -----------------------------------------------------------------------------------------------------


def test_the_sheet_page_shows_the_paper_form_and_a_member_submits_with_the_scan(paper, login):
    client = login(paper.cast.council1)
    url = reverse("evaluation:score", args=[paper.round_dossier.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="paper-form"' in html and 'enctype="multipart/form-data"' in html
    assert 'name="part-A"' in html and "từ 0 đến 40 điểm" in html
    assert "không kiểm tra được tiêu chí bắt buộc" in html
    response = client.post(url, _paper_form({"A": "35", "B": "20,5", "C": "30"}, 0, "submit"))
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(member__user=paper.cast.council1)
    assert (sheet.status, sheet.total, sheet.mode) == (SheetStatus.SUBMITTED, Decimal("85.5"), "paper")
    html = client.get(url).content.decode()
    assert "submit-sheet" not in html and "phieu-da-ky.pdf" in html
    scan = client.get(reverse("evaluation:sheet_scan", args=[paper.round_dossier.pk, sheet.pk]))
    assert scan.status_code == 200 and b"".join(scan.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("parts", "scan", "code", "words"),
    [
        ({"A": "41", "B": "20", "C": "30"}, True, "paper_part_out_of_range", "từ 0 đến 40"),
        ({"A": "-2", "B": "20", "C": "30"}, True, "paper_part_out_of_range", "từ 0 đến 40"),
        ({"A": "abc", "B": "20", "C": "30"}, True, "paper_part_not_number", "phải là một số"),
        ({"A": "30", "B": "20", "C": "30"}, False, "paper_scan_missing", "bản quét"),
    ],
)
def test_bad_paper_input_on_the_page_is_a_clear_error_and_nothing_is_stored(
    paper, login, parts, scan, code, words
):
    client = login(paper.cast.council1)
    before = _stored()
    response = client.post(
        reverse("evaluation:score", args=[paper.round_dossier.pk]), _paper_form(parts, 0, "submit", scan)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'data-code="{code}"' in html and words in html
    assert _stored() == before


def test_the_secretary_enters_a_members_paper_sheet_from_the_dossier_page(paper, login):
    cast = paper.cast
    client = login(cast.council2)
    dossier_page = client.get(reverse("evaluation:dossier", args=[paper.round_dossier.pk])).content.decode()
    assert 'id="paper-notice"' in dossier_page
    link = reverse("evaluation:paper_for", args=[paper.round_dossier.pk, "council3"])
    assert link in dossier_page
    page = client.get(link)
    assert page.status_code == 200 and 'id="on-behalf"' in page.content.decode()
    response = client.post(link, _paper_form({"A": "30", "B": "20", "C": "25"}, 0, "submit"))
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(member__user=cast.council3)
    assert sheet.entered_by == cast.council2 and sheet.status == SheetStatus.SUBMITTED
    # council3 sees who entered it on their own sheet page.
    mine = login(cast.council3).get(reverse("evaluation:score", args=[paper.round_dossier.pk]))
    assert 'id="entered-by"' in mine.content.decode()


def test_a_member_who_is_not_the_secretary_cannot_enter_for_someone_else_on_the_page(paper, login):
    client = login(paper.cast.council1)
    link = reverse("evaluation:paper_for", args=[paper.round_dossier.pk, "council3"])
    before = _stored()
    assert client.get(link).status_code == 403
    response = client.post(link, _paper_form({"A": "30", "B": "20", "C": "25"}, 0, "submit"))
    assert response.status_code == 403
    assert "Thư ký" in response.content.decode()
    assert _stored() == before


def test_the_round_page_and_adding_the_dossier_warn_about_the_paper_sheet(paper, login, cast):
    page = login(cast.province_officer).get(reverse("evaluation:round", args=[paper.round.pk]))
    html = page.content.decode()
    assert "Phiếu giấy" in html and "nhập tổng điểm phần A, B, C" in html
    second = conftest.accepted_dossier(cast, product_name="Mật ong bạc hà", producer=paper.producer)
    url = reverse("evaluation:round_action", args=[paper.round.pk, "dossier"])
    response = login(cast.province_officer).post(url, {"dossier": second.pk}, follow=True)
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any("chưa có phiếu điện tử" in t and "Mật ong bạc hà" in t for t in texts)


def test_product_registration_shows_each_sets_sheet_status(paper, login, client, api_token):
    cast = paper.cast
    page = login(cast.producer_user).get(reverse("products:create") + f"?producer={paper.producer.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2.2 – Mật ong, mật khác và nông sản thực phẩm khác · phiếu giấy" in html
    assert "vẫn được đăng ký và đánh giá" in html
    detail = login(cast.producer_user).get(reverse("products:detail", args=[paper.product.pk]))
    assert 'data-mode="paper"' in detail.content.decode()
    body = client.get(f"/api/v1/products/{paper.product.pk}", **api_token(cast.producer_user)).json()
    assert body["sheet_mode"] == "paper" and "phiếu giấy" in body["sheet_mode_note"]


# API -------------------------------------------------------------------------------------------------------


def _post_paper(client, headers, rd, parts, *, version=0, submit=True, scan=True, member=""):
    data = {"version": str(version), "parts": json.dumps(parts), "member": member}
    if scan:
        data["scan"] = pdf("phieu.pdf")
    path = f"{API}/round-dossiers/{rd}/paper" + ("/submit" if submit else "")
    return client.post(path, data, **headers)


def test_three_members_score_on_paper_through_the_api_and_the_officer_gets_the_result(
    paper, client, api_token
):
    cast, rd = paper.cast, paper.round_dossier.pk
    mine = client.get(f"{API}/round-dossiers/{rd}/sheet", **api_token(cast.council1)).json()
    assert mine["mode"] == "paper"
    detail = client.get(f"{API}/round-dossiers/{rd}", **api_token(cast.council2)).json()
    assert detail["sheet_mode"] == "paper" and detail["may_enter_on_behalf"] is True
    draft = _post_paper(client, api_token(cast.council1), rd, {"A": "35", "B": "20", "C": "30"}, submit=False)
    assert draft.status_code == 200, draft.content
    assert draft.json()["status"] == "draft" and draft.json()["total"] == "85"
    council1 = api_token(cast.council1)
    with nothing_changes():
        stale = _post_paper(client, council1, rd, {"A": "35", "B": "20", "C": "30"}, version=0)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    done = _post_paper(
        client,
        api_token(cast.council1),
        rd,
        {"A": "35", "B": "20", "C": "30"},
        version=draft.json()["version"],
    )
    assert done.status_code == 200 and done.json()["scan"]["sha256"]
    secretary = api_token(cast.council2)
    read = client.get(f"{API}/round-dossiers/{rd}/paper?member=council3", **secretary).json()
    assert read["may_edit"] is True and read["part_maxima"] == {"A": "40", "B": "25", "C": "35"}
    behalf = _post_paper(client, secretary, rd, {"A": "30", "B": "20", "C": "25.5"}, member="council3")
    assert behalf.status_code == 200 and behalf.json()["entered_by"] == "council2"
    assert behalf.json()["member"] == "council3"
    assert _post_paper(client, secretary, rd, {"A": "32", "B": "21", "C": "27"}).status_code == 200
    result = client.post(f"{API}/round-dossiers/{rd}/result", **api_token(cast.province_officer))
    assert result.status_code == 200, result.content
    body = result.json()["result"]
    assert body["mean_score"] == "80.17" and body["recognised_stars"] == 4
    assert body["explanation"]["mode"] == "paper"
    scan = client.get(done.json()["scan"]["download"], **api_token(cast.council1))
    assert scan.status_code == 200


@pytest.mark.parametrize(
    ("parts", "scan", "member", "who", "status", "code"),
    [
        ({"A": "40.5", "B": "20", "C": "30"}, True, "", "council1", 400, "paper_part_out_of_range"),
        ({"A": "-1", "B": "20", "C": "30"}, True, "", "council1", 400, "paper_part_out_of_range"),
        ({"A": "mười", "B": "20", "C": "30"}, True, "", "council1", 400, "paper_part_not_number"),
        ({"A": True, "B": "20", "C": "30"}, True, "", "council1", 400, "paper_part_missing"),
        ({"A": "30", "B": "20", "C": "30"}, False, "", "council1", 400, "paper_scan_missing"),
        ({"A": "30", "B": "20", "C": "30"}, True, "province", "council2", 400, "not_a_member"),
        ({"A": "30", "B": "20", "C": "30"}, True, "council2", "council3", 403, "paper_on_behalf_forbidden"),
    ],
)
def test_bad_paper_input_through_the_api_is_refused_with_a_stable_code_and_nothing_stored(
    paper, client, api_token, parts, scan, member, who, status, code
):
    headers = api_token(getattr(paper.cast, who))
    before = _stored()
    response = _post_paper(client, headers, paper.round_dossier.pk, parts, scan=scan, member=member)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["message"]
    assert _stored() == before


def test_parts_that_are_not_a_json_object_are_a_400(paper, client, api_token):
    token = api_token(paper.cast.council1)
    with nothing_changes():
        response = client.post(
            f"{API}/round-dossiers/{paper.round_dossier.pk}/paper/submit",
            {"version": "0", "parts": "[1, 2]", "scan": pdf()},
            **token,
        )
    assert response.status_code == 400 and response.json()["code"] == "paper_parts_not_object"


def test_the_api_adding_a_dossier_returns_the_paper_warning(paper, client, api_token):
    cast = paper.cast
    second = conftest.accepted_dossier(cast, product_name="Mật ong bạc hà", producer=paper.producer)
    response = client.post(
        f"{API}/rounds/{paper.round.pk}/dossiers",
        {"dossier": second.pk},
        content_type="application/json",
        **api_token(cast.province_officer),
    )
    assert response.status_code == 201, response.content
    warnings = response.json()["warnings"]
    assert [w["code"] for w in warnings] == ["paper_sheet_mode"]
    assert response.json()["sheet_mode"] == "paper"


# No 5xx because a sheet is missing -------------------------------------------------------------------------


def _conclude_on_paper(scene) -> RoundDossier:
    cast = scene.cast
    for user, parts in (
        (cast.council1, {"A": "35", "B": "20", "C": "30"}),
        (cast.council2, {"A": "32", "B": "21", "C": "27"}),
        (cast.council3, {"A": "30", "B": "20", "C": "25"}),
    ):
        services.sheet_paper_submit(
            actor=user, round_dossier=scene.round_dossier, parts=parts, expected_version=0, scan=pdf()
        )
    services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    return services.council_conclude(
        actor=cast.province_officer,
        round_dossier=scene.round_dossier,
        conclusion="recognise",
        minutes="Hội đồng thống nhất công nhận 4 sao.",
    )


PEOPLE = ("council1", "council2", "council3", "province_officer", "producer_user", "central")


@pytest.mark.parametrize("stage", ["scoring", "concluded"])
def test_no_page_or_api_call_answers_5xx_for_a_set_without_a_digital_sheet(
    paper, client, login, api_token, stage
):
    rd = paper.round_dossier
    if stage == "concluded":
        _conclude_on_paper(paper)
    sheet = ScoreSheet.objects.filter(round_dossier=rd).first()
    pages = [
        reverse("evaluation:home"),
        reverse("evaluation:round", args=[paper.round.pk]),
        reverse("evaluation:progress", args=[paper.round.pk]),
        reverse("evaluation:dossier", args=[rd.pk]),
        reverse("evaluation:score", args=[rd.pk]),
        reverse("evaluation:result", args=[rd.pk]),
        reverse("evaluation:paper_for", args=[rd.pk, "council3"]),
        reverse("evaluation:sheet_scan", args=[rd.pk, sheet.pk if sheet else 1]),
        reverse("products:detail", args=[paper.product.pk]),
    ]
    digital_form = {"c-1.1": "a", "version": "0", "action": "submit"}
    for who in PEOPLE:
        client = login(getattr(paper.cast, who))
        for url in pages:
            assert client.get(url).status_code < 500, (who, url)
        assert client.post(reverse("evaluation:score", args=[rd.pk]), digital_form).status_code < 500, who
        for action in ("result", "conclude", "propose"):
            response = client.post(reverse("evaluation:dossier_action", args=[rd.pk, action]), {})
            assert response.status_code < 500, (who, action)
    calls = [
        ("get", f"{API}/round-dossiers/{rd.pk}", None),
        ("get", f"{API}/round-dossiers/{rd.pk}/sheet", None),
        ("get", f"{API}/round-dossiers/{rd.pk}/sheets", None),
        ("get", f"{API}/round-dossiers/{rd.pk}/paper", None),
        ("get", f"{API}/rounds/{paper.round.pk}", None),
        ("get", f"{API}/rounds/{paper.round.pk}/progress", None),
        ("get", f"{API}/assignments", None),
        ("put", f"{API}/round-dossiers/{rd.pk}/sheet", {"version": 0, "answers": {"1.1": "a"}}),
        ("post", f"{API}/round-dossiers/{rd.pk}/sheet/submit", {"version": 0, "answers": {"1.1": "a"}}),
        ("post", f"{API}/round-dossiers/{rd.pk}/result", {}),
    ]
    for who in PEOPLE:
        headers = api_token(getattr(paper.cast, who))
        for method, url, body in calls:
            response = getattr(client, method)(url, body or {}, content_type="application/json", **headers)
            assert response.status_code < 500, (who, url, response.content)
            if response.status_code >= 400:
                assert set(response.json()) >= {"code", "message"}


def test_a_digital_save_through_the_api_on_a_paper_set_says_to_use_the_paper_sheet(paper, client, api_token):
    response = client.put(
        f"{API}/round-dossiers/{paper.round_dossier.pk}/sheet",
        {"version": 0, "answers": {"1.1": "a"}},
        content_type="application/json",
        **api_token(paper.cast.council1),
    )
    assert response.status_code == 400 and response.json()["code"] == "sheet_not_loaded"
    assert not ScoreSheet.objects.exists()


def test_the_producer_sees_the_paper_result_without_criterion_advice(paper, login):
    _conclude_on_paper(paper)
    page = login(paper.cast.producer_user).get(reverse("evaluation:result", args=[paper.round_dossier.pk]))
    assert page.status_code == 200
    assert "không thể tư vấn theo từng tiêu chí" in page.content.decode()


def test_moving_the_round_to_scoring_warns_about_each_paper_dossier(cast, login):
    scene = conftest.build_scene(cast, open_scoring=False, product_set_code="3.1")
    url = reverse("evaluation:round_action", args=[scene.round.pk, "advance"])
    response = login(cast.province_officer).post(
        url, {"to": "scoring", "version": str(scene.round.version)}, follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("Đã chuyển trạng thái" in t for t in texts), texts
    assert any("chưa có phiếu điện tử" in t and scene.product.name in t for t in texts), texts


def test_registration_marks_a_set_with_a_digital_sheet_as_such(scene, login):
    page = login(scene.cast.producer_user).get(reverse("products:create") + f"?producer={scene.producer.pk}")
    html = page.content.decode()
    assert "2.2 – Mật ong, mật khác và nông sản thực phẩm khác · phiếu điện tử" in html
    assert "3.1 – Đồ ăn nhanh · phiếu giấy" in html
