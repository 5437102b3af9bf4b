"""The list of past-decision imports on /rubrics/history/ is scoped in the query: an officer sees their own
imports and those wholly in their province, however many newer imports of other provinces there are."""

from __future__ import annotations

import pytest

from ocop.rubrics.models import HistoricalRecognition, HistoryImport
from ocop.rubrics.services import history_import_apply
from rubrics.test_history_import import GOOD, csv

pytestmark = pytest.mark.django_db
HANOI = 'Bánh cốm,HTX Ba Đình,"Phường Ba Đình, Hà Nội",3,,7/QĐ-UBND,10/09/2025,tỉnh'


def test_an_officer_finds_their_import_behind_fifty_newer_ones_of_another_province(cast, login):
    mine = history_import_apply(actor=cast.province_officer, content=csv(*GOOD), filename="bac-ninh.csv")
    hanoi = history_import_apply(actor=cast.central, content=csv(HANOI), filename="ha-noi.csv")
    (row,) = hanoi.recognitions.all()
    newer = []
    for n in range(50):  # newer imports, all in Hà Nội
        batch = HistoryImport.objects.create(created_by=cast.central, filename=f"ha-noi-{n}.csv", rows=1)
        newer.append(batch.pk)
        row.pk, row.batch = None, batch
        HistoricalRecognition.objects.create(**{f.name: getattr(row, f.name) for f in row._meta.fields})

    page = login(cast.province_officer).get("/rubrics/history/")

    assert page.status_code == 200
    assert mine.filename in page.content.decode()
    assert [b.pk for b in page.context["batches"]] == [mine.pk]
    assert "ha-noi" not in page.content.decode()

    other = login(cast.other_province_officer).get("/rubrics/history/")
    # the page of 50: Hà Nội's newest imports, newest first; the Bắc Giang import is not among them
    assert [b.pk for b in other.context["batches"]] == newer[::-1]
