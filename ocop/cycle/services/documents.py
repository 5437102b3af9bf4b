"""The files of a dossier (*thành phần hồ sơ*): one current upload per checklist item; a new upload supersedes
the current one and keeps it as an earlier revision."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core import uploads
from ocop.core.errors import Invalid, NotFound
from ocop.core.storage import store
from ocop.cycle.models import Document, Dossier
from ocop.cycle.policies import can_view_record
from ocop.cycle.services.transitions import lock, require_editable, touch


@transaction.atomic
def document_upload(
    *, actor, dossier: Dossier, item: str, upload, expected_version: int | None = None
) -> Document:
    """Upload the file of one checklist item. A new upload supersedes the current one and keeps it.
    A refused file leaves nothing stored and the dossier unchanged."""
    dossier = lock(dossier, expected_version)
    if not can_view_record(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    require_editable(actor, dossier)
    entry = next((row for row in dossier.checklist if row["item"] == item), None)
    if entry is None:
        raise Invalid(
            _("«%(item)s» không phải một thành phần của hồ sơ này.") % {"item": (item or "")[:60]},
            code="checklist_item_unknown",
        )
    checked = uploads.check_upload(upload, allowed=entry.get("accept") or uploads.ALL_KINDS)
    stored = store(upload, folder="dossiers", filename=checked.original_name, content_type=checked.kind.mime)
    try:
        revisions = Document.objects.filter(dossier=dossier, item=item)
        previous = revisions.aggregate(last=Max("revision"))["last"] or 0
        revisions.filter(is_current=True).update(is_current=False)
        document = Document.objects.create(
            dossier=dossier,
            item=item,
            revision=previous + 1,
            is_current=True,
            file=stored.name,
            original_name=checked.original_name,
            content_type=checked.kind.mime,
            size=stored.size,
            file_sha256=stored.sha256,
            uploaded_by=actor,
        )
        touch(dossier)
        dossier.save(update_fields=["version", "updated_at"])
        record_event(
            actor=actor,
            action="dossier.document_upload",
            target=dossier,
            unit=dossier.unit,
            data={
                "item": item,
                "document": document.pk,
                "revision": document.revision,
                "kind": checked.kind.code,
                "size": stored.size,
                "sha256": stored.sha256,
            },
        )
    except Exception:
        uploads.discard(stored.name)
        raise
    return document
