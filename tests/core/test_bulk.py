"""`ocop.core.bulk`: rows written set-based read back as the ORM would have written them (both databases)."""

from __future__ import annotations

import datetime
import gc
import threading
from decimal import Decimal

import pytest

from ocop.core.bulk import collector_paused, delete_in, insert_rows
from ocop.geo.models import AdminUnit, Level
from ocop.rubrics.models import HistoricalRecognition, HistoryImport, RubricVersion

pytestmark = pytest.mark.django_db


def _row(batch, unit, version, n: int, **extra) -> dict:
    return {
        "batch_id": batch.pk,
        "row_number": n,
        "product_name": f"Mật ong bạc hà {n}",
        "producer_name": "HTX Đồng Văn",
        "address_as_written": "xã Vân Hà, huyện Việt Yên, tỉnh Bắc Giang",
        "unit_id": unit.pk,
        "current_province_id": unit.pk,
        "stars": 3 + n % 3,
        "decision_number": "12/QĐ-UBND",
        "decision_date": datetime.date(2021, 8, 21),
        "level": "province",
        "rubric_version_id": version.pk,
        "expires_on": datetime.date(2024, 8, 20),
        **extra,
    }


def test_inserted_rows_come_back_with_their_keys_in_order_their_values_and_the_defaults():
    unit = AdminUnit.objects.filter(level=Level.PROVINCE).first()
    version = RubricVersion.objects.first()
    batch = HistoryImport.objects.create(filename="a.csv")
    rows = [
        _row(
            batch,
            unit,
            version,
            1,
            score=Decimal("85.50"),
            flagged=True,
            flags=[{"code": "x", "vi": "Dòng 1"}],
        ),
        _row(batch, unit, version, 2),  # score, flagged, flags and product set left to their defaults
        _row(batch, unit, version, 3, product_set_name="Rau, củ, quả, hạt tươi"),
    ]
    keys = insert_rows(HistoricalRecognition, rows)
    assert len(keys) == 3 and len(set(keys)) == 3
    read = {r.pk: r for r in HistoricalRecognition.objects.filter(batch=batch)}
    assert [read[k].row_number for k in keys] == [1, 2, 3]  # each key is its row's
    first, second, third = (read[k] for k in keys)
    assert (first.score, first.flagged, first.flags) == (
        Decimal("85.50"),
        True,
        [{"code": "x", "vi": "Dòng 1"}],
    )
    assert (second.score, second.flagged, second.flags, second.product_set_name) == (None, False, [], "")
    assert third.product_set_name == "Rau, củ, quả, hạt tươi" and third.stars == 3
    assert (first.decision_date, first.expires_on) == (datetime.date(2021, 8, 21), datetime.date(2024, 8, 20))
    assert first.product_name == "Mật ong bạc hà 1" and first.unit_id == unit.pk

    with pytest.raises(ValueError):
        insert_rows(HistoricalRecognition, [_row(batch, unit, version, 4, colour="red")])


def test_delete_in_removes_exactly_the_rows_of_the_subquery():
    unit = AdminUnit.objects.filter(level=Level.PROVINCE).first()
    version = RubricVersion.objects.first()
    kept, dropped = HistoryImport.objects.create(filename="kept"), HistoryImport.objects.create(filename="x")
    insert_rows(HistoricalRecognition, [_row(kept, unit, version, n) for n in range(3)])
    insert_rows(HistoricalRecognition, [_row(dropped, unit, version, n) for n in range(5)])
    removed = delete_in(
        HistoricalRecognition, HistoricalRecognition.objects.filter(batch=dropped).values("pk")
    )
    assert removed == 5
    assert set(HistoricalRecognition.objects.values_list("batch", flat=True)) == {kept.pk}
    assert HistoricalRecognition.objects.filter(batch=kept).count() == 3


def test_the_cycle_collector_comes_back_after_an_import_even_one_that_fails_and_after_the_last_of_two():
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("a row that cannot be written")
    assert gc.isenabled()

    # Two runs of one process at once (a second import while the first writes): on until both end.
    first_in, second_done = threading.Event(), threading.Event()
    seen = []

    def second():
        first_in.wait()
        with collector_paused():
            seen.append(gc.isenabled())
        second_done.set()

    worker = threading.Thread(target=second)
    worker.start()
    with collector_paused():
        first_in.set()
        second_done.wait()
        seen.append(gc.isenabled())  # the second has ended; the first still runs
    worker.join()
    assert seen == [False, False]
    assert gc.isenabled()
