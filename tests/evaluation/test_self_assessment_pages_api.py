"""The self-assessment, the evidence and the help team's check through the pages and the API (issue 18)."""

from __future__ import annotations

import pytest
from cycle_support import tea_company
from state_support import nothing_changes

from ocop.accounts.models import RoleKind
from ocop.evaluation import services
from ocop.evaluation.models import SelfAssessment
from ocop.rubrics import engine
from ocop.rubrics.selectors import engine_version

from .conftest import person
from .self_support import (
    answers,
    document,
    fresh_dossier,
    scoring_round,
    submitted_self_assessment,
    through_commune,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(isolated_files):
    return isolated_files


@pytest.fixture
def dossier(cast):
    return fresh_dossier(cast)


def _json(response):
    assert response.status_code < 500, response.content
    return response.json()


def test_the_producer_self_assesses_and_tags_through_the_api(cast, dossier, client, api_token):
    auth = api_token(cast.producer_user)
    body = _json(client.get(f"/api/v1/evaluation/self-assessments/{dossier.pk}", **auth))
    assert body["status"] is None and body["version"] == 0 and body["may_edit"] is True
    contract = document(dossier, "raw_materials")
    tagged = client.put(
        f"/api/v1/dossiers/{dossier.pk}/documents/{contract.pk}/criteria",
        {"criteria": ["1.1", "1.4"]},
        content_type="application/json",
        **auth,
    )
    assert tagged.status_code == 200 and tagged.json()["criteria"] == ["1.1", "1.4"]
    saved = client.put(
        f"/api/v1/evaluation/self-assessments/{dossier.pk}",
        {"version": 0, "answers": {"1.1": "c"}, "notes": {"1.1": "Vườn của 20 hộ thành viên"}},
        content_type="application/json",
        **auth,
    )
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["status"] == "draft" and body["total"] == "5"
    first = next(c for c in body["criteria"] if c["code"] == "1.1")
    assert first["option"] == "c" and first["evidence"][0]["item"] == "raw_materials"
    submitted = client.post(
        f"/api/v1/evaluation/self-assessments/{dossier.pk}/submit",
        {"version": 1, "answers": answers()},
        content_type="application/json",
        **auth,
    )
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted" and body["report"] and body["may_edit"] is False
    assert client.get(body["report"], **auth).status_code == 200
    again = client.put(
        f"/api/v1/evaluation/self-assessments/{dossier.pk}",
        {"version": body["version"], "answers": {"1.1": "a"}},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 409 and again.json()["code"] == "self_assessment_submitted"


def test_the_api_refuses_another_producer_and_a_tag_off_the_sheet(cast, dossier, client, api_token):
    tea_company(cast)
    outsider = api_token(cast.other_producer_user)
    owner = api_token(cast.producer_user)
    contract = document(dossier, "raw_materials")
    with nothing_changes():
        response = client.put(
            f"/api/v1/evaluation/self-assessments/{dossier.pk}",
            {"version": 0, "answers": {"1.1": "c"}},
            content_type="application/json",
            **outsider,
        )
        assert response.status_code == 404 and response.json()["code"] == "dossier_not_found"
        response = client.put(
            f"/api/v1/dossiers/{dossier.pk}/documents/{contract.pk}/criteria",
            {"criteria": ["1.4"]},
            content_type="application/json",
            **outsider,
        )
        assert response.status_code == 404
        response = client.put(
            f"/api/v1/dossiers/{dossier.pk}/documents/{contract.pk}/criteria",
            {"criteria": ["1.4", "12.9"]},
            content_type="application/json",
            **owner,
        )
        assert response.status_code == 400 and response.json()["code"] == "evidence_criterion_unknown"


def test_the_pages_show_the_sheet_its_advice_and_the_tags(cast, dossier, login):
    client = login(cast.producer_user)
    page = client.get(f"/evaluation/self/{dossier.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nguồn gốc sản phẩm" in text and 'name="c-1.1"' in text
    chosen = answers("best", **{"4.1": "a", "1.3": "a"})  # two criteria below what 4 and 5 stars ask
    form = {f"c-{code}": option for code, option in chosen.items()}
    response = client.post(f"/evaluation/self/{dossier.pk}/", {"version": "0", "action": "save", **form})
    assert response.status_code == 302
    page = client.get(f"/evaluation/self/{dossier.pk}/").content.decode()
    expected = engine.score_sheet(engine_version("2023"), "1.1", chosen, legal_form="cooperative")
    assert f'id="self-total">{expected.total.normalize():f}<' in page
    assert expected.unmet and 'id="self-unmet"' in page
    assert "self-advice" in page  # what would lift it
    contract = document(dossier, "raw_materials")
    form = client.get(f"/dossiers/{dossier.pk}/documents/{contract.pk}/criteria/")
    assert form.status_code == 200 and 'value="4.1"' in form.content.decode()
    dossier.refresh_from_db()
    moved = client.post(
        f"/dossiers/{dossier.pk}/documents/{contract.pk}/criteria/",
        {"criterion": ["1.4"], "version": dossier.version, "next_page": "self"},
    )
    assert moved.status_code == 302 and moved.url == f"/evaluation/self/{dossier.pk}/"
    refused = client.post(
        f"/dossiers/{dossier.pk}/documents/{contract.pk}/criteria/",
        {"criterion": ["99"], "version": dossier.version + 1},
    )
    assert refused.status_code == 400 and "99" in refused.content.decode()
    # The producer's section links to the sheet.
    portal = client.get("/producers/me/").content.decode()
    assert f"/evaluation/self/{dossier.pk}/" in portal


def test_a_submission_with_an_open_criterion_is_refused_on_the_page(cast, dossier, login):
    client = login(cast.producer_user)
    with nothing_changes():
        response = client.post(
            f"/evaluation/self/{dossier.pk}/", {"version": "0", "c-1.1": "c", "action": "submit"}
        )
    assert response.status_code == 400 and 'data-code="sheet_incomplete"' in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_the_helper_checks_and_the_member_reads_it_beside_the_criterion(cast, dossier, login):
    helper = person("helper", "Đào Thị Giúp", RoleKind.HELP_TEAM, cast.province)
    submitted_self_assessment(cast, dossier)
    dossier = through_commune(cast, dossier)
    client = login(helper)
    listing = client.get("/evaluation/precheck/").content.decode()
    assert "Vải thiều tươi Vân Hà" in listing
    response = client.post(
        f"/evaluation/precheck/{dossier.pk}/",
        {"criterion": "4.1", "verdict": "doubtful", "note": "Hợp đồng siêu thị chưa đủ 6 tháng."},
    )
    assert response.status_code == 302
    report = dossier.self_assessment.report
    # The help team reads the documents of the dossier it checks.
    assert client.get(f"/dossiers/{dossier.pk}/documents/{report.pk}/").status_code == 200
    round_dossier = scoring_round(cast, dossier)
    page = login(cast.council1).get(f"/evaluation/dossiers/{round_dossier.pk}/score/").content.decode()
    assert "Còn nghi vấn" in page and "Hợp đồng siêu thị chưa đủ 6 tháng." in page
    assert "Chủ thể tự đánh giá" in page
    services.sheet_save_draft(
        actor=cast.council1, round_dossier=round_dossier, answers={"1.1": "a"}, expected_version=0
    )


def test_only_the_help_team_opens_the_precheck_pages(cast, dossier, login):
    submitted_self_assessment(cast, dossier)
    dossier = through_commune(cast, dossier)
    assert login(cast.council1).get("/evaluation/precheck/").status_code == 404
    assert login(cast.province_officer).get(f"/evaluation/precheck/{dossier.pk}/").status_code == 404
