"""The council's explanation is stored as facts and said in the language of whoever reads it: the officer who
computed the result in Vietnamese, a reader in English, from the same row. A row stored before (sentences in
the computing officer's language) is read as it was stored."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from ocop.evaluation import services
from ocop.evaluation.models import RoundDossier

from .conftest import answers, submit

pytestmark = pytest.mark.django_db


def _computed(scene) -> RoundDossier:
    cast = scene.cast
    for user in (cast.council1, cast.council2, cast.council3):
        submit(scene, user, answers(**{"1.1": "c"}))
    with translation.override("vi"):  # the officer computes it in Vietnamese
        services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    return scene.refresh()


def test_the_stored_explanation_holds_codes_and_numbers_not_sentences(scene):
    stored = _computed(scene).explanation_facts
    assert "lines" not in stored
    assert [note["code"] for note in stored["notes"]][:2] == ["mean", "band"]
    assert stored["notes"][0] == {"code": "mean", "count": 3, "total": "90", "decimals": 2}


def test_the_same_row_is_explained_in_each_readers_language(scene, client):
    round_dossier = _computed(scene)
    with translation.override("vi"):
        vietnamese = round_dossier.explanation["lines"]
    with translation.override("en"):
        english = round_dossier.explanation["lines"]
    assert vietnamese[0] == "Điểm trung bình của 3 phiếu: 90,00 điểm (làm tròn 2 chữ số thập phân)."
    assert english[0] == "Mean of 3 sheets: 90.00 points (rounded to 2 decimals)."
    assert english[1].startswith("The score falls in the 5-star band")

    client.force_login(scene.cast.council3)
    url = reverse("evaluation:dossier", args=[round_dossier.pk])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page's language switch
    page = client.get(url).content.decode()
    assert "Mean of 3 sheets: 90.00 points" in page and "Điểm trung bình của 3 phiếu" not in page
    api = client.get(
        f"/api/v1/evaluation/round-dossiers/{round_dossier.pk}", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert api["result"]["explanation"]["lines"][0] == english[0]


def test_a_result_stored_with_sentences_before_is_read_as_stored(scene):
    round_dossier = _computed(scene)
    old = {"lines": ["Điểm trung bình 90; hội đồng công nhận 4 sao."], "total": "90", "mode": "digital"}
    RoundDossier.objects.filter(pk=round_dossier.pk).update(explanation_facts=old)
    with translation.override("en"):
        assert scene.refresh().explanation == old
