"""The files of a dossier (*thành phần hồ sơ*): one current upload per checklist item; a new upload supersedes
the current one and keeps it as an earlier revision. A current file may be cited as evidence for criteria of
the dossier's sheet (*viện dẫn*, issue 18)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core import uploads
from ocop.core.errors import Conflict, Invalid, NotFound
from ocop.core.storage import store
from ocop.cycle.models import Document, Dossier, EvidenceTag
from ocop.cycle.policies import can_view_record
from ocop.cycle.services.transitions import lock, require_editable, touch
from ocop.rubrics import engine
from ocop.rubrics.issues import ScoringError
from ocop.rubrics.selectors import engine_version

MAX_TAGS = 40  # more criteria than any sheet has: a longer list is not a person's choice


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


def _sheet_of(dossier: Dossier):
    """The official sheet of the dossier's rubric version and product set, or a clear refusal when the version
    has none for the set (a paper-mode set: the council scores on paper, there is nothing to cite)."""
    version = engine_version(dossier.rubric_version.code)
    try:
        return engine.sheet_for(version, dossier.product.product_set.code)
    except ScoringError as error:
        raise Invalid(
            _(
                "Bộ tiêu chí %(version)s chưa có phiếu điện tử cho bộ sản phẩm %(set)s: chưa gắn được tài liệu với tiêu chí."
            )
            % {"version": version.code, "set": dossier.product.product_set.code},
            code="evidence_sheet_missing",
        ) from error


@transaction.atomic
def document_criteria_set(
    *, actor, document: Document, criteria: Iterable[str], expected_version: int | None = None
) -> list[EvidenceTag]:
    """Tag a current document of a dossier with the criteria of the sheet it is evidence for (*viện dẫn*),
    replacing its earlier tags. Refused as a whole (nothing stored) when a code is not on the product set's
    sheet, the document is an earlier revision, or the dossier is no longer the producer's to edit."""
    dossier = lock(document.dossier, expected_version)
    if not can_view_record(actor, dossier) or document.dossier_id != dossier.pk:
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    require_editable(actor, dossier)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not document.is_current:
        raise Conflict(
            _("Đây là bản cũ của tài liệu; hãy gắn tiêu chí cho bản hiện hành."), code="evidence_document_old"
        )
    codes = list(dict.fromkeys(str(code).strip()[:20] for code in criteria if str(code).strip()))
    if len(codes) > MAX_TAGS:
        raise Invalid(
            _("Một tài liệu gắn với tối đa %(count)s tiêu chí.") % {"count": MAX_TAGS},
            code="evidence_too_many",
        )
    sheet = _sheet_of(dossier)
    unknown = [code for code in codes if sheet.criterion(code) is None]
    if unknown:
        raise Invalid(
            _("Tiêu chí %(codes)s không có trên phiếu đánh giá của bộ sản phẩm %(set)s.")
            % {"codes": ", ".join(unknown), "set": dossier.product.product_set.code},
            code="evidence_criterion_unknown",
        )
    before = sorted(EvidenceTag.objects.filter(document=document).values_list("criterion", flat=True))
    EvidenceTag.objects.filter(document=document).exclude(criterion__in=codes).delete()
    kept = set(EvidenceTag.objects.filter(document=document).values_list("criterion", flat=True))
    EvidenceTag.objects.bulk_create(
        [
            EvidenceTag(document=document, criterion=code, tagged_by=actor)
            for code in codes
            if code not in kept
        ]
    )
    touch(dossier)
    dossier.save(update_fields=["version", "updated_at"])
    record_event(
        actor=actor,
        action="dossier.evidence_tag",
        target=dossier,
        unit=dossier.unit,
        data={"document": document.pk, "item": document.item, "before": before, "criteria": sorted(codes)},
    )
    return list(EvidenceTag.objects.filter(document=document))
