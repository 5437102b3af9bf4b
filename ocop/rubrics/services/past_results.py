"""Past recognition decisions (2019 onwards) read from a province's file: preview, apply, undo.

A file is applied whole or not at all; an officer imports and undoes only rows of the area they cover.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability, scope_q
from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden

from .. import models as m
from ..history import HistoryPreview, read_history
from ..issues import Issue, RubricFileInvalid, errors_only
from ..tables import read_rows


def history_import_preview(
    *, actor, content: bytes, filename: str = "", mapping: dict[str, str] | None = None
):
    """Read and check past recognition decisions; rows outside the actor's area are errors. Writes nothing."""
    if not has_capability(actor, Capability.RECOGNISE):
        raise Forbidden(_("Vai trò của bạn không được nhập kết quả công nhận."), code="forbidden")
    try:
        rows = read_rows(content, filename)
    except RubricFileInvalid as unreadable:
        return HistoryPreview([], unreadable.issues)
    preview = read_history(rows, mapping=mapping)
    for row in preview.rows:
        if row.unit is not None and not can(actor, Capability.RECOGNISE, row.unit):
            row.issues.append(
                Issue(
                    "outside_scope",
                    (("row", str(row.row_number)), ("column", "Địa chỉ")),
                    {"value": row.unit.full_name},
                )
            )
    return preview


def history_import_apply(
    *, actor, content: bytes, filename: str = "", mapping: dict[str, str] | None = None
) -> m.HistoryImport:
    """Apply the whole file or nothing: any error refuses it; flagged rows (warnings) are kept with their flags."""
    preview = history_import_preview(actor=actor, content=content, filename=filename, mapping=mapping)
    if not preview.ok:
        raise RubricFileInvalid(errors_only(preview.all_issues) or [Issue("empty_sheet_file")])
    with transaction.atomic():
        batch = m.HistoryImport.objects.create(
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            filename=filename[:200],
            rows=len(preview.rows),
            flagged=sum(r.flagged for r in preview.rows),
        )
        m.HistoricalRecognition.objects.bulk_create(
            m.HistoricalRecognition(
                batch=batch,
                row_number=r.row_number,
                product_name=r.product_name[:300],
                producer_name=r.producer_name[:300],
                address_as_written=r.address[:500],
                unit=r.unit,
                current_province=r.current_province,
                stars=r.stars,
                score=r.score,
                decision_number=r.decision_number[:100],
                decision_date=r.decision_date,
                level=r.level,
                rubric_version=r.version,
                product_set_name=r.product_set_name[:300],
                expires_on=r.expires_on,
                flagged=r.flagged,
                flags=[i.as_dict("vi") for i in r.issues],
            )
            for r in preview.rows
        )
        record_event(
            actor=actor,
            action="history_import.apply",
            target=batch,
            data={"rows": batch.rows, "flagged": batch.flagged, "file": filename},
        )
    return batch


@transaction.atomic
def history_import_undo(*, actor, batch: m.HistoryImport, reason: str) -> m.HistoryImport:
    """Remove a batch's rows (the batch itself stays, marked undone, for the record)."""
    batch = m.HistoryImport.objects.select_for_update().get(pk=batch.pk)
    if batch.undone_at is not None:
        raise Conflict(_("Lần nhập này đã được hủy."), code="already_undone")
    rows = m.HistoricalRecognition.objects.filter(batch=batch)
    if rows.exclude(scope_q(actor, Capability.RECOGNISE, "unit")).exists():  # every row, however many
        raise Forbidden(_("Lần nhập có dòng ngoài địa bàn bạn phụ trách."), code="forbidden")
    rows.delete()
    batch.undone_at = timezone.now()
    batch.save(update_fields=["undone_at"])
    record_event(actor=actor, action="history_import.undo", target=batch, reason=reason)
    return batch
