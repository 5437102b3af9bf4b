"""Past recognition decisions (2019 onwards) read from a province's file and checked for the officer's area.

Applying a file (producers, products, paper decisions and certificates, in one transaction) and undoing it are
`ocop.history`'s: that app sits above the records it creates.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability
from ocop.core.errors import Forbidden

from ..history import HistoryPreview, read_history
from ..issues import Issue, RubricFileInvalid
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
