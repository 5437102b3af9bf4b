"""The pages: the scoring sheet works without JavaScript, refused input changes nothing, and every page is
closed to people outside the round."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from ocop.evaluation.models import EvaluationRound, EvaluationStatus, RoundDossier, ScoreSheet, SheetStatus

from .conftest import answers, submit

pytestmark = pytest.mark.django_db


def _form(chosen: dict[str, str], version: int, action: str, **extra) -> dict:
    data = {f"c-{code}": option for code, option in chosen.items()}
    return {**data, "version": str(version), "action": action, **extra}


def test_the_sheet_shows_every_criterion_with_its_options_and_running_totals(scene, login):
    page = login(scene.cast.council1).get(reverse("evaluation:score", args=[scene.round_dossier.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="criterion"') == 6
    assert 'name="c-1.1" value="d" data-points="20"' in html
    assert 'id="total-all"' in html and "evaluation/score.js" in html
    assert "<script>" not in html  # CSP: no inline script


def test_without_javascript_a_save_recomputes_the_totals_on_the_server(scene, login):
    client = login(scene.cast.council1)
    url = reverse("evaluation:score", args=[scene.round_dossier.pk])
    response = client.post(
        url, _form({"1.1": "c", "2.1": "c", "2.2": "b"}, 0, "save", **{"note-1.1": "Có hợp đồng"})
    )
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(round_dossier=scene.round_dossier, member__user=scene.cast.council1)
    assert (sheet.status, sheet.total) == (SheetStatus.DRAFT, Decimal("30"))
    html = client.get(url).content.decode()
    assert '<output id="total-all" data-max="100">30</output>' in html
    assert "Có hợp đồng" in html

    response = client.post(url, _form(answers(), sheet.version, "submit"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.status, sheet.total) == (SheetStatus.SUBMITTED, Decimal("100"))
    html = client.get(url).content.decode()
    assert "submit-sheet" not in html  # locked


def test_a_posted_option_that_is_not_on_the_sheet_is_refused_and_nothing_is_saved(scene, login):
    client = login(scene.cast.council1)
    url = reverse("evaluation:score", args=[scene.round_dossier.pk])
    response = client.post(url, _form({"1.1": "z"}, 0, "save"))
    assert response.status_code == 400
    assert 'data-code="option_not_on_sheet"' in response.content.decode()
    response = client.post(url, _form({"7.7": "a"}, 0, "save"))
    assert response.status_code == 400
    assert not ScoreSheet.objects.exists()


def test_a_stale_form_gets_a_conflict(scene, login):
    client = login(scene.cast.council1)
    url = reverse("evaluation:score", args=[scene.round_dossier.pk])
    assert client.post(url, _form({"1.1": "a"}, 0, "save")).status_code == 302
    response = client.post(url, _form({"1.1": "d"}, 0, "save"))  # the form read before the first save
    assert response.status_code == 409
    assert ScoreSheet.objects.get().total == 0


def test_the_officer_computes_the_result_and_records_the_conclusion_on_the_dossier_page(scene, login):
    cast = scene.cast
    for user in (cast.council1, cast.council2, cast.council3):
        submit(scene, user, answers(**{"1.1": "c"}))
    client = login(cast.province_officer)
    page_url = reverse("evaluation:dossier", args=[scene.round_dossier.pk])
    assert (
        client.post(reverse("evaluation:dossier_action", args=[scene.round_dossier.pk, "result"])).status_code
        == 302
    )
    html = client.get(page_url).content.decode()
    assert '<strong id="mean-score">90,00</strong>' in html
    round_dossier = scene.refresh()
    response = client.post(
        reverse("evaluation:dossier_action", args=[round_dossier.pk, "conclude"]),
        {
            "conclusion": "recognise",
            "minutes": "Thống nhất đề nghị công nhận 4 sao.",
            "version": round_dossier.version,
        },
    )
    assert response.status_code == 302
    assert scene.refresh().status == EvaluationStatus.RECOGNITION_PROPOSED
    html = client.get(page_url).content.decode()
    assert "propose-upward" in html and "decision-link" in html
    assert "Điểm trung bình của 3 phiếu: 90,00 điểm" in html  # the explanation speaks like the page
    # The link drafts the decision for the round's recognised products: offered by name, already ticked.
    link = re.search(r'href="([^"]+)" id="decision-link"', html).group(1)
    form = client.get(unescape(link)).content.decode()
    product = scene.round_dossier.dossier.product
    ticked = re.search(r'<input type="checkbox" name="proposals" value="(\d+)"[^>]*checked', form)
    assert ticked and int(ticked.group(1)) == scene.round_dossier.pk
    assert product.name in form and "4★" in form


def test_the_secretary_follows_progress_and_a_member_cannot(scene, login):
    url = reverse("evaluation:progress", args=[scene.round.pk])
    assert login(scene.cast.council2).get(url).status_code == 200
    assert login(scene.cast.council3).get(url).status_code == 404


def test_an_officer_sets_up_a_round_through_the_pages(cast, login):
    from .conftest import load_test_rubric

    load_test_rubric()
    client = login(cast.province_officer)
    assert client.get(reverse("evaluation:round_create")).status_code == 200
    response = client.post(
        reverse("evaluation:round_create"),
        {
            "name": "Đợt 2 năm 2026",
            "level": "province",
            "unit_code": "24",
            "year": "2026",
            "rubric_version": "2023",
            "held_on": "2026-11-20",
            "min_sheets": "3",
            "disagreement_threshold": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = EvaluationRound.objects.get()
    page = client.get(reverse("evaluation:round", args=[created.pk])).content.decode()
    assert "Tỉnh Bắc Ninh · Cấp tỉnh" in page  # the level named as the rubric version names it
    council = client.post(
        reverse("evaluation:round_action", args=[created.pk, "council"]),
        {"name": "Hội đồng tỉnh", "decision_number": "12/QĐ-UBND", "decision_date": "2026-11-01"},
    )
    assert council.status_code == 302
    member = client.post(
        reverse("evaluation:round_action", args=[created.pk, "member"]),
        {"username": "council1", "role": "chair"},
    )
    assert member.status_code == 302
    refused = client.post(
        reverse("evaluation:round_action", args=[created.pk, "member"]),
        {"username": "producer", "role": "member"},
    )
    assert refused.status_code == 400
    assert created.council.members.count() == 1


@pytest.mark.parametrize("who", ["anonymous", "other_province_officer", "producer_user", "commune_officer"])
def test_people_outside_the_round_see_none_of_its_pages(scene, client, login, who):
    if who != "anonymous":
        client = login(getattr(scene.cast, who))
    rd = scene.round_dossier.pk
    urls = [
        reverse("evaluation:round", args=[scene.round.pk]),
        reverse("evaluation:progress", args=[scene.round.pk]),
        reverse("evaluation:dossier", args=[rd]),
        reverse("evaluation:score", args=[rd]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for action in ("result", "conclude", "propose", "conflict"):
        assert client.post(reverse("evaluation:dossier_action", args=[rd, action])).status_code in (302, 404)
    assert client.post(
        reverse("evaluation:round_action", args=[scene.round.pk, "assign_all"])
    ).status_code in (302, 404)
    assert RoundDossier.objects.get(pk=rd).status == EvaluationStatus.UNDER_EVALUATION


def test_the_producer_sees_the_concluded_result_and_what_held_the_product_back(scene, login):
    from ocop.evaluation import services

    cast = scene.cast
    for user, chosen in (
        (cast.council1, answers(**{"1.1": "b"})),
        (cast.council2, answers(**{"1.1": "c"})),
        (cast.council3, answers(**{"1.1": "c", "2.2": "a"})),
    ):
        submit(scene, user, chosen)
    url = reverse("evaluation:result", args=[scene.round_dossier.pk])
    result = services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    assert login(cast.producer_user).get(url).status_code == 404  # not before the council concludes
    services.council_conclude(
        actor=cast.province_officer, round_dossier=result, conclusion="recognise", minutes="Đạt."
    )
    page = login(cast.producer_user).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Điều gì làm sản phẩm chưa đạt hạng cao hơn" in html and "Nguồn nguyên liệu" in html
    assert "council1" not in html and "Hoàng Văn Một" not in html  # nobody's sheet is shown
    assert login(cast.other_producer_user).get(url).status_code == 404
    portal = login(cast.producer_user).get("/producers/me/").content.decode()
    assert url in portal  # the producer's portal lists the result


def test_the_progress_page_costs_the_same_queries_whatever_the_number_of_dossiers(scene, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ocop.evaluation import services

    from .conftest import accepted_dossier

    client = login(scene.cast.council2)
    url = reverse("evaluation:progress", args=[scene.round.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    dossier = accepted_dossier(scene.cast, product_name="Mật ong bạc hà", producer=scene.producer)
    services.round_dossier_add(
        actor=scene.cast.province_officer, evaluation_round=scene.round, dossier=dossier
    )
    services.assignments_create_all(actor=scene.cast.province_officer, evaluation_round=scene.round)
    with CaptureQueriesContext(connection) as two:
        page = client.get(url)
    assert page.content.decode().count('data-state="not_started"') == 6
    assert len(two) == len(one)
