"""A large file is written and undone set-based (issues 15 and 19, "Scale"): a few hundred rows give exactly the
records they should, with the same number of SQL statements as a few dozen, and the undo removes them with what
the database holds for them (catalogue entries) while any other use of them still blocks it. Each certificate and
paper decision recorded or removed has its own audit event. Speed itself is
measured by benchmarks/history_import.py, not here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.audit.models import AuditEvent
from ocop.catalog.models import CatalogEntry
from ocop.certification.models import Certificate, Origin, RecognitionDecision
from ocop.core.errors import Conflict
from ocop.history import services
from ocop.history.models import ImportedRow
from ocop.producers.models import Producer, RecordChangeRequest
from ocop.products.models import Product
from ocop.rubrics.models import HistoricalRecognition
from tests.state_support import nothing_changes

from .support import csv, row

pytestmark = pytest.mark.django_db

VAN_HA = "xã Vân Hà, huyện Việt Yên, tỉnh Bắc Giang"
DAYS = (
    "21/08/2020",
    "15/03/2021",
    "02/11/2021",
)  # three decision dates whatever the size: three rubric look-ups


def _file(rows: int) -> bytes:
    """`rows` rows: three products per producer, six decisions on three dates."""
    per_decision = max(1, rows // 6)
    return csv(
        *(
            row(
                f"Sản phẩm số {n}",
                f"HTX Thử {n // 3}",
                VAN_HA,
                stars=3 + n % 2,
                decision=f"{100 + n // per_decision}/QĐ-UBND",
                day=DAYS[(n // per_decision) % 3],
            )
            for n in range(rows)
        )
    )


def _applied(actor, rows: int, capture) -> tuple[object, dict[str, int]]:
    """Preview, apply (as the background run) and count each stage's statements."""
    counts = {}
    with CaptureQueriesContext(connection) as preview:
        upload = services.history_upload_create(actor=actor, content=_file(rows), filename=f"{rows}.csv")
    assert upload.ok, [p["vi"] for r in upload.rows for p in r["problems"]][:3]
    counts["preview"] = len(preview)
    with capture(execute=True), CaptureQueriesContext(connection) as apply:
        result = services.history_import_run(upload.pk)
    counts["apply"] = len([q for q in apply.captured_queries if "catalog" not in q["sql"]])
    upload.refresh_from_db()
    assert upload.status == "applied" and result["rows"] == rows
    return upload, counts


def test_three_hundred_rows_make_exactly_their_records_with_as_many_queries_as_thirty(
    cast, django_capture_on_commit_callbacks
):
    def undone(upload) -> int:
        batch = upload.batch
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as undo:
            services.history_import_undo(actor=cast.province_officer, batch=batch, reason="Thử")
        return len([q for q in undo.captured_queries if "catalog" not in q["sql"]])

    # A first file sets up the province's issuing authority and key; the files compared come after it.
    undone(_applied(cast.province_officer, 6, django_capture_on_commit_callbacks)[0])
    small, small_counts = _applied(cast.province_officer, 30, django_capture_on_commit_callbacks)
    small_counts["undo"] = undone(small)
    assert not Certificate.objects.exists() and not Producer.objects.exists()

    big, counts = _applied(cast.province_officer, 300, django_capture_on_commit_callbacks)
    batch = big.batch
    # Exactly what 300 rows of 100 producers and 6 decisions make, each row pointing at its own records.
    assert Producer.objects.count() == 100 and Product.objects.count() == 300
    assert RecognitionDecision.objects.filter(origin=Origin.PAPER).count() == 6
    certificates = Certificate.objects.filter(origin=Origin.PAPER)
    assert certificates.count() == 300 and len(set(certificates.values_list("number", flat=True))) == 300
    assert ImportedRow.objects.filter(batch=batch).count() == 300
    assert HistoricalRecognition.objects.filter(batch=batch).count() == 300
    for imported in ImportedRow.objects.filter(batch=batch).select_related(
        "certificate__decision", "product__producer"
    ):
        n = imported.row_number - 2  # the header is line 1
        certificate = imported.certificate
        assert certificate.product == imported.product and imported.product.name == f"Sản phẩm số {n}"
        assert (
            imported.product.producer == imported.producer and imported.producer.name == f"HTX Thử {n // 3}"
        )
        assert (certificate.stars, certificate.decision.number) == (3 + n % 2, f"{100 + n // 50}/QĐ-UBND")
        assert certificate.decision == imported.decision and certificate.product_name == imported.product.name
        assert imported.producer_created and imported.product_created and imported.decision_created
    assert AuditEvent.objects.filter(action="history_import.apply", target_id=str(batch.pk)).exists()
    # Each certificate and paper decision has its own event, in its province's trail.
    recorded = AuditEvent.objects.filter(action="certificate.record_paper", data__batch=batch.pk)
    assert sorted(recorded.values_list("target_label", flat=True)) == sorted(
        certificates.values_list("number", flat=True)
    )
    assert set(recorded.values_list("unit", flat=True)) == {cast.province.pk}
    assert AuditEvent.objects.filter(action="decision.record_paper", data__batch=batch.pk).count() == 6
    # Every product is in the catalogue (its reindex ran after the commit).
    assert CatalogEntry.objects.filter(product__in=Product.objects.all()).count() == 300

    counts["undo"] = undone(big)
    assert not Producer.objects.exists() and not Product.objects.exists()
    assert not Certificate.objects.exists() and not CatalogEntry.objects.exists()
    assert not RecognitionDecision.objects.filter(origin=Origin.PAPER).exists()
    assert not ImportedRow.objects.exists() and not HistoricalRecognition.objects.exists()
    assert AuditEvent.objects.filter(action="certificate.remove_paper", data__batch=batch.pk).count() == 300
    assert AuditEvent.objects.filter(action="decision.remove_paper", data__batch=batch.pk).count() == 6
    # Ten times the rows, the same statements: nothing is read or written one row at a time.
    assert counts == small_counts


def test_an_undo_is_blocked_by_any_record_that_uses_what_the_batch_created(
    cast, django_capture_on_commit_callbacks
):
    """A reference the undo has no rule of its own for (a change request on an imported product) still blocks
    it, named, and nothing is removed."""
    upload, _counts = _applied(cast.province_officer, 6, django_capture_on_commit_callbacks)
    product = Product.objects.get(name="Sản phẩm số 4")
    RecordChangeRequest.objects.create(
        producer=product.producer,
        product=product,
        requested_by=cast.province_officer,
        new_values={"name": "Sản phẩm mới"},
    )
    with nothing_changes(), pytest.raises(Conflict) as blocked:
        services.history_import_undo(actor=cast.province_officer, batch=upload.batch, reason="Nhập nhầm")
    assert blocked.value.code == "history_undo_blocked"
    assert "Sản phẩm số 4" in str(blocked.value.message)
