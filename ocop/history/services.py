"""A province's past recognitions as records: upload and preview (`history_upload_create`), the officer's
merge/split choices (`history_upload_choose`), apply in the background (`history_import_start` →
`history_import_run`, one transaction) and undo (`history_import_undo`). A file with any error is refused
whole; nothing is half-written. See docs/history-import.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, has_capability, roles_with, scope_q, scope_unit_ids
from ocop.audit.services import record_event
from ocop.certification import keys as key_store
from ocop.certification import qr
from ocop.certification.models import (
    Certificate,
    CertificateStatus,
    DecisionStatus,
    Origin,
    RecognitionDecision,
    SigningKey,
)
from ocop.certification.services import authority_ensure
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.core.storage import store
from ocop.core.text import nfc
from ocop.cycle.models import Dossier
from ocop.geo.models import AdminUnit, Level
from ocop.producers.models import Producer, ProducerMember, ProducerStatus
from ocop.producers.services import producer_search_text
from ocop.products.models import Product
from ocop.rubrics import models as rubric_models
from ocop.rubrics.history import HistoryPreview
from ocop.rubrics.services import history_import_preview
from ocop.rubrics.tables import MAX_BYTES
from ocop.tasks import enqueue

from . import plan as planning
from .models import HistoryUpload, ImportedRow, UploadStatus
from .plan import fold


@dataclass
class Preview:
    """A file's checked rows with their plans; `ok` when nothing in it is an error."""

    reader: HistoryPreview
    plans: list[planning.RowPlan]

    @property
    def file_issues(self) -> list[dict[str, str]]:
        return [
            {"code": i.code, "severity": i.severity, "vi": i.describe("vi"), "en": i.describe("en")}
            for i in self.reader.issues
        ]

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.plans if p.errors)

    @property
    def flag_count(self) -> int:
        return sum(1 for p in self.plans if p.flags and not p.errors)

    @property
    def ok(self) -> bool:
        return (
            bool(self.plans)
            and self.error_count == 0
            and not any(i.severity == "error" for i in self.reader.issues)
        )


def _require_officer(actor) -> None:
    if not has_capability(actor, Capability.RECOGNISE):
        raise Forbidden(_("Vai trò của bạn không được nhập kết quả công nhận."), code="forbidden")


def _scope_ids(actor) -> set[int] | None:
    ids = scope_unit_ids(actor, Capability.RECOGNISE)
    return None if ids is None else set(ids)


def history_preview(
    *, actor, content: bytes, filename: str = "", mapping: dict[str, str] | None = None, choices=None
) -> Preview:
    """Read, check and match a file; writes nothing. Rows outside the officer's area are errors."""
    _require_officer(actor)
    reader = history_import_preview(actor=actor, content=content, filename=filename, mapping=mapping)
    plans = planning.plan_rows(reader.rows, choices=dict(choices or {}), scope_ids=_scope_ids(actor))
    return Preview(reader, plans)


def _home_unit(actor) -> AdminUnit | None:
    """The province (or country) of the officer's first RECOGNISE role: whose run it is on /tasks/."""
    for role in roles_with(actor, Capability.RECOGNISE):
        unit = role.unit
        if unit.level == Level.COUNTRY:
            return None
        return unit if unit.level == Level.PROVINCE else unit.current_province or unit
    return None


def _save_preview(upload: HistoryUpload, preview: Preview) -> None:
    upload.rows = [p.as_dict() for p in preview.plans]
    upload.file_issues = preview.file_issues
    upload.row_count = len(preview.plans)
    upload.error_count = preview.error_count
    upload.flag_count = preview.flag_count
    upload.updated_at = timezone.now()


@transaction.atomic
def history_upload_create(
    *, actor, content: bytes, filename: str, mapping: dict[str, str] | None = None
) -> HistoryUpload:
    """Keep an uploaded file with its preview, so the officer can page, filter and choose before applying."""
    _require_officer(actor)
    if len(content) > MAX_BYTES:
        raise Invalid(
            _("Tệp lớn hơn %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)},
            code="history_file_too_large",
        )
    preview = history_preview(actor=actor, content=content, filename=filename, mapping=mapping)
    stored = store(content, folder="history", filename=filename)
    upload = HistoryUpload(
        created_by=actor,
        unit=_home_unit(actor),
        filename=nfc(filename)[:200],
        file=stored.name,
        file_sha256=stored.sha256,
        mapping=mapping or {},
    )
    _save_preview(upload, preview)
    upload.save()
    record_event(
        actor=actor,
        action="history_upload.create",
        target=upload,
        unit=upload.unit,
        data={"file": upload.filename, "rows": upload.row_count, "errors": upload.error_count},
    )
    return upload


def _content(upload: HistoryUpload) -> bytes:
    with default_storage.open(str(upload.file.name), "rb") as handle:
        return handle.read()


def _locked(upload: HistoryUpload, actor) -> HistoryUpload:
    upload = HistoryUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.created_by_id != actor.pk:
        raise Forbidden(_("Chỉ người tải tệp lên mới thao tác được trên tệp này."), code="forbidden")
    if upload.status != UploadStatus.PREVIEWED:
        raise Conflict(_("Tệp này đang được ghi hoặc đã được ghi."), code="history_not_previewed")
    return upload


@transaction.atomic
def history_upload_choose(*, actor, upload: HistoryUpload, choices: dict[str, str]) -> HistoryUpload:
    """Record merge ("gộp": an existing producer's id) or split ("tách": "new") per producer group, and preview
    again with them. A choice naming no producer of the officer's area is an error of the rows it concerns."""
    _require_officer(actor)
    upload = _locked(upload, actor)
    cleaned = dict(upload.choices)
    groups = {row["group"] for row in upload.rows}
    for group, value in choices.items():
        value = str(value).strip()
        if group not in groups:
            continue
        if value in ("", "auto"):
            cleaned.pop(group, None)
        elif value == planning.NEW or value.isdigit():
            cleaned[group] = value
        else:
            raise Invalid(
                _("Lựa chọn «%(value)s» không hợp lệ.") % {"value": value[:20]}, code="history_choice_invalid"
            )
    preview = history_preview(
        actor=actor,
        content=_content(upload),
        filename=upload.filename,
        mapping=upload.mapping,
        choices=cleaned,
    )
    upload.choices = cleaned
    _save_preview(upload, preview)
    upload.save()
    record_event(
        actor=actor,
        action="history_upload.choose",
        target=upload,
        unit=upload.unit,
        data={"choices": cleaned, "errors": upload.error_count},
    )
    return upload


@transaction.atomic
def history_import_start(*, actor, upload: HistoryUpload) -> HistoryUpload:
    """Queue the background run that writes the file's records (refused while the preview has errors)."""
    _require_officer(actor)
    upload = _locked(upload, actor)
    if not upload.ok:
        raise Invalid(
            _("Tệp còn %(count)s dòng có lỗi: sửa tệp hoặc chọn gộp/tách rồi xem trước lại; chưa ghi gì.")
            % {"count": upload.error_count},
            code="history_file_refused",
        )
    upload.status = UploadStatus.QUEUED
    upload.stage, upload.done, upload.total = "queued", 0, upload.row_count
    upload.task_run = enqueue(
        "history.apply_import", unit=upload.unit, actor=actor, key=f"upload-{upload.pk}", upload_id=upload.pk
    )
    upload.save()
    record_event(
        actor=actor,
        action="history_import.start",
        target=upload,
        unit=upload.unit,
        data={"rows": upload.row_count},
    )
    return upload


def _progress(upload_id: int, stage: str, done: int, total: int) -> None:
    """Written outside the run's transaction, so the page shows it while the run goes on."""
    HistoryUpload.objects.filter(pk=upload_id).update(
        stage=stage, done=done, total=total, updated_at=timezone.now()
    )


def history_import_run(upload_id: int, *, progress: Callable[[str, int, int], None] | None = None) -> dict:
    """The background run: read and match the file again (records may have changed since the preview), then
    write everything in one transaction, or nothing when any row has an error. Idempotent: an upload already
    applied is not applied twice."""
    upload = HistoryUpload.objects.select_related("created_by").get(pk=upload_id)
    if upload.status == UploadStatus.APPLIED:
        return {"batch": upload.batch_id, "rows": upload.row_count}
    report = progress or (lambda stage, done, total: _progress(upload_id, stage, done, total))
    actor = upload.created_by
    HistoryUpload.objects.filter(pk=upload_id).update(status=UploadStatus.APPLYING)
    report("reading", 0, upload.row_count)
    preview = history_preview(
        actor=actor,
        content=_content(upload),
        filename=upload.filename,
        mapping=upload.mapping,
        choices=upload.choices,
    )
    report("checking", len(preview.plans), len(preview.plans))
    if not preview.ok:
        _save_preview(upload, preview)
        upload.status = UploadStatus.PREVIEWED
        upload.error = _("Dữ liệu đã thay đổi từ lúc xem trước: %(count)s dòng có lỗi; chưa ghi gì.") % {
            "count": preview.error_count
        }
        upload.save()
        return {"refused": preview.error_count}
    report("writing", 0, len(preview.plans))
    try:
        batch = write_plan(actor=actor, preview=preview, upload=upload)
    except Exception:
        # Nothing was written (one transaction): the upload goes back to its preview, the run shows the error.
        HistoryUpload.objects.filter(pk=upload_id).update(
            status=UploadStatus.PREVIEWED,
            stage="",
            error=_("Không ghi được tệp; chưa ghi gì. Xem công việc nền."),
        )
        raise
    report("done", len(preview.plans), len(preview.plans))
    return {"batch": batch.pk, "rows": batch.rows}


@transaction.atomic
def write_plan(*, actor, preview: Preview, upload: HistoryUpload | None = None, filename: str = ""):
    """Write the planned records in one transaction (the caller has checked `preview.ok`)."""
    # Typed loosely: `preview.ok` means every field a record needs is set (no row has an error).
    plans: list[Any] = list(preview.plans)
    filename = upload.filename if upload is not None else filename
    batch = rubric_models.HistoryImport.objects.create(
        created_by=actor,
        filename=filename[:200],
        rows=len(plans),
        flagged=sum(1 for p in plans if p.flags),
    )
    rubric_models.HistoricalRecognition.objects.bulk_create(
        [
            rubric_models.HistoricalRecognition(
                batch=batch,
                row_number=p.row.row_number,
                product_name=p.row.product_name[:300],
                producer_name=p.row.producer_name[:300],
                address_as_written=p.row.address[:500],
                unit=p.row.unit,
                current_province_id=p.province_id,
                stars=p.row.stars,
                score=p.row.score,
                decision_number=p.row.decision_number[:100],
                decision_date=p.row.decision_date,
                level=p.row.level,
                rubric_version=p.row.version,
                product_set_name=p.row.product_set_name[:300],
                expires_on=p.row.expires_on,
                flagged=bool(p.flags),
                flags=[x.as_dict() for x in p.problems],
            )
            for p in plans
        ],
        batch_size=2000,
    )

    # Authorities and keys of today's provinces: each keeps and signs the certificates of its producers.
    provinces = {p.province_id for p in plans}
    # Set up by the system when missing (a central officer imports for provinces that have not issued yet).
    authorities = {
        pid: authority_ensure(actor=None, unit=unit)
        for pid, unit in AdminUnit.objects.in_bulk(provinces).items()
    }
    keys = {
        k.authority_id: k
        for k in SigningKey.objects.filter(authority__in=authorities.values(), retired_at__isnull=True)
    }

    # Producers: the new ones, one per group; unconfirmed, for their owners to claim later.
    now = timezone.now()
    new_producers: dict[str, Producer] = {}
    for p in plans:
        if p.producer_id is None and p.group not in new_producers:
            producer = Producer(
                name=nfc(p.row.producer_name)[:255],
                legal_form=planning.legal_form_of(p.row.producer_name),
                tax_code=p.tax_code,
                unit_id=p.commune_id,
                address=p.row.address[:300],
                status=ProducerStatus.PENDING,
                created_at=now,
                updated_at=now,
            )
            producer.search_text = producer_search_text(producer)
            new_producers[p.group] = producer
    Producer.objects.bulk_create(list(new_producers.values()), batch_size=2000)
    producer_names = dict(
        Producer.objects.filter(id__in={p.producer_id for p in plans if p.producer_id}).values_list(
            "id", "name"
        )
    )
    for producer in new_producers.values():
        producer_names[producer.pk] = producer.name
    for p in plans:
        if p.producer_id is None:
            p.producer_id = new_producers[p.group].pk

    # Products: the new ones, one per producer and folded name.
    new_products: dict[tuple[int, str], Product] = {}
    for p in plans:
        key = (p.producer_id, fold(p.row.product_name))
        if p.product_id is None and key not in new_products:
            product = Product(
                producer_id=p.producer_id,
                name=nfc(p.row.product_name)[:255],
                product_set_id=p.product_set_id,
                created_at=now,
                updated_at=now,
            )
            product.search_text = fold(f"{product.name} {producer_names[p.producer_id]}")[:500]
            new_products[key] = product
    Product.objects.bulk_create(list(new_products.values()), batch_size=2000)
    for p in plans:
        if p.product_id is None:
            p.product_id = new_products[(p.producer_id, fold(p.row.product_name))].pk

    # Paper decisions: one per issuer, level, number and date; an earlier file's is reused.
    new_decisions: dict[tuple, RecognitionDecision] = {}
    for p in plans:
        if p.decision_id is None and p.decision_key not in new_decisions:
            new_decisions[p.decision_key] = RecognitionDecision(
                authority=authorities[p.province_id],
                number=nfc(p.row.decision_number)[:50],
                date=p.row.decision_date,
                signer="",
                note=_("Ghi nhận từ tệp %(file)s (quyết định giấy).") % {"file": filename[:100]},
                status=DecisionStatus.APPROVED,
                created_by=actor,
                created_at=now,
                origin=Origin.PAPER,
                issuing_level=p.row.level,
                issuer_name=p.issuer_name[:200],
                issuer_unit_id=p.issuer_unit_id,
            )
    RecognitionDecision.objects.bulk_create(list(new_decisions.values()), batch_size=2000)
    created_decisions = {d.pk for d in new_decisions.values()}
    for p in plans:
        if p.decision_id is None:
            p.decision_id = new_decisions[p.decision_key].pk

    # Certificates: the number as printed, or the next of `<authority>-P<year>-`; signed with today's key.
    sequences: dict[str, int] = {}
    set_names = dict(
        rubric_models.ProductSet.objects.filter(
            id__in={p.product_set_id for p in plans if p.product_set_id}
        ).values_list("id", "name")
    )
    set_codes = dict(rubric_models.ProductSet.objects.filter(id__in=set_names).values_list("id", "code"))
    product_sets = dict(
        Product.objects.filter(id__in={p.product_id for p in plans}).values_list("id", "product_set_id")
    )
    missing_sets = set(product_sets.values()) - set(set_names)
    for ps in rubric_models.ProductSet.objects.filter(id__in=missing_sets).values("id", "name", "code"):
        set_names[ps["id"]], set_codes[ps["id"]] = ps["name"], ps["code"]
    certificates: list[Certificate] = []
    by_row: dict[int, Certificate] = {}
    for p in plans:
        authority = authorities[p.province_id]
        signing_key = keys[authority.pk]
        number = p.number
        if not number:
            prefix = f"{authority.code}-P{p.row.decision_date.year}-"
            if prefix not in sequences:
                sequences[prefix] = planning.last_sequence(
                    list(
                        Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True)
                    )
                )
            sequences[prefix] += 1
            number = planning.generated_number(prefix, sequences[prefix])
        claim = qr.Claim(signing_key.key_id, number, p.row.stars, p.row.expires_on)
        payload = qr.pack(claim, key_store.sign(signing_key, claim.message()))
        if not qr.fits(qr.qr_text(settings.SITE_URL, payload)):
            raise Invalid(
                _("Địa chỉ trang (OCOP_SITE_URL) quá dài: mã QR sẽ vượt phiên bản 8."), code="qr_too_large"
            )
        product_set_id = product_sets[p.product_id]
        certificate = Certificate(
            number=number,
            product_id=p.product_id,
            authority=authority,
            decision_id=p.decision_id,
            stars=p.row.stars,
            issued_on=p.row.decision_date,
            valid_until=p.row.expires_on,
            status=CertificateStatus.SUPERSEDED if p.superseded else CertificateStatus.ACTIVE,
            ended_at=now if p.superseded else None,
            key=signing_key,
            qr_payload=payload,
            created_at=now,
            origin=Origin.PAPER,
            product_name=nfc(p.row.product_name)[:255],
            product_set_code=set_codes.get(product_set_id, ""),
            product_set_name=set_names.get(product_set_id, "")[:300],
            producer_name=nfc(p.row.producer_name)[:255],
            producer_address=p.row.address[:300],
            producer_place=p.unit_name[:300],
            producer_tax_code=p.tax_code or "",
        )
        certificates.append(certificate)
        by_row[p.row.row_number] = certificate
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    chained = []
    for p in plans:
        if p.replaces_row is not None:
            certificate = by_row[p.row.row_number]
            certificate.replaces = by_row[p.replaces_row]
            chained.append(certificate)
    Certificate.objects.bulk_update(chained, ["replaces"], batch_size=2000)

    created_producers = {pr.pk for pr in new_producers.values()}
    created_products = {pr.pk for pr in new_products.values()}
    ImportedRow.objects.bulk_create(
        [
            ImportedRow(
                batch=batch,
                row_number=p.row.row_number,
                producer_id=p.producer_id,
                producer_created=p.producer_id in created_producers,
                product_id=p.product_id,
                product_created=p.product_id in created_products,
                decision_id=p.decision_id,
                decision_created=p.decision_id in created_decisions,
                certificate=by_row[p.row.row_number],
            )
            for p in plans
        ],
        batch_size=2000,
    )
    if upload is not None:
        upload.status = UploadStatus.APPLIED
        upload.batch = batch
        upload.error = ""
        upload.save(update_fields=["status", "batch", "error", "updated_at"])
    record_event(
        actor=actor,
        action="history_import.apply",
        target=batch,
        unit=authorities[plans[0].province_id].unit if len(authorities) == 1 else None,
        data={
            "file": filename,
            "rows": len(plans),
            "producers_created": len(created_producers),
            "products_created": len(created_products),
            "decisions_created": len(created_decisions),
            "certificates": len(certificates),
            "certificate_numbers": [certificates[0].number, certificates[-1].number],
        },
    )
    # After the commit: the public catalogue lists the products with their stars and expiry.
    enqueue(
        "catalog.reindex_products",
        actor=actor,
        product_ids=sorted({c.product_id for c in certificates}),
    )
    return batch


def _named(obj) -> str:
    return f"{obj._meta.verbose_name} «{obj}»"


def _blocker(batch, certs: set[int], products: set[int], producers: set[int], decisions: set[int]) -> str:
    """The first record used since the import that undoing would lose, named; "" when none."""
    checks: list[tuple[Any, str]] = [
        (
            Dossier.objects.filter(previous_certificate_id__in=certs),
            _("hồ sơ %(obj)s đánh giá lại sản phẩm theo giấy chứng nhận do lần nhập ghi nhận"),
        ),
        (
            Certificate.objects.filter(product_id__in=products).exclude(id__in=certs),
            _("giấy chứng nhận %(obj)s đã được cấp cho sản phẩm do lần nhập tạo"),
        ),
        (
            Product.objects.filter(producer_id__in=producers).exclude(id__in=products),
            _("sản phẩm %(obj)s đã được thêm cho chủ thể do lần nhập tạo"),
        ),
        (
            ProducerMember.objects.filter(producer_id__in=producers),
            _("chủ thể đã có người nhận quản lý (%(obj)s)"),
        ),
        (
            Certificate.objects.filter(decision_id__in=decisions).exclude(id__in=certs),
            _("quyết định do lần nhập tạo đã có giấy chứng nhận khác (%(obj)s)"),
        ),
    ]
    for query, message in checks:
        found = query.select_related().first()
        if found is not None:
            return message % {"obj": str(found)}
    return ""


@transaction.atomic
def history_import_undo(
    *, actor, batch: rubric_models.HistoryImport, reason: str
) -> rubric_models.HistoryImport:
    """Remove what the batch created (certificates, paper decisions, products, producers) and nothing it
    matched. A record used since (a dossier, a decision item, a change request, a claim...) blocks the undo and
    is named."""
    _require_officer(actor)
    batch = rubric_models.HistoryImport.objects.select_for_update().get(pk=batch.pk)
    if batch.undone_at is not None:
        raise Conflict(_("Lần nhập này đã được hủy."), code="already_undone")
    rows = ImportedRow.objects.filter(batch=batch)
    if (
        rubric_models.HistoricalRecognition.objects.filter(batch=batch)
        .exclude(scope_q(actor, Capability.RECOGNISE, "unit"))
        .exists()
    ):
        raise Forbidden(_("Lần nhập có dòng ngoài địa bàn bạn phụ trách."), code="forbidden")
    certs, products, producers, decisions = set(), set(), set(), set()
    touched: set[int] = set()
    for row in rows.values(
        "certificate_id",
        "product_id",
        "product_created",
        "producer_id",
        "producer_created",
        "decision_id",
        "decision_created",
    ):
        certs.add(row["certificate_id"])
        touched.add(row["product_id"])
        if row["product_created"]:
            products.add(row["product_id"])
        if row["producer_created"]:
            producers.add(row["producer_id"])
        if row["decision_created"]:
            decisions.add(row["decision_id"])
    blocked = _blocker(batch, certs, products, producers, decisions)
    if blocked:
        raise Conflict(
            _("Không hủy được lần nhập: %(what)s.") % {"what": blocked}, code="history_undo_blocked"
        )
    try:
        with transaction.atomic():
            rows.delete()
            Certificate.objects.filter(id__in=certs).update(replaces=None)
            Certificate.objects.filter(id__in=certs).delete()
            RecognitionDecision.objects.filter(id__in=decisions).delete()
            Product.objects.filter(id__in=products).delete()
            Producer.objects.filter(id__in=producers).delete()
    except ProtectedError as error:
        used = next(iter(error.protected_objects))
        raise Conflict(
            _("Không hủy được lần nhập: %(what)s đã được dùng từ sau khi nhập.") % {"what": _named(used)},
            code="history_undo_blocked",
        ) from error
    rubric_models.HistoricalRecognition.objects.filter(batch=batch).delete()
    batch.undone_at = timezone.now()
    batch.save(update_fields=["undone_at"])
    HistoryUpload.objects.filter(batch=batch).update(status=UploadStatus.UNDONE, updated_at=timezone.now())
    record_event(
        actor=actor,
        action="history_import.undo",
        target=batch,
        reason=reason,
        data={
            "certificates": len(certs),
            "products": len(products),
            "producers": len(producers),
            "decisions": len(decisions),
        },
    )
    enqueue("catalog.reindex_products", actor=actor, product_ids=sorted(touched))
    return batch


__all__ = [
    "Preview",
    "history_import_run",
    "history_import_start",
    "history_import_undo",
    "history_preview",
    "history_upload_choose",
    "history_upload_create",
    "write_plan",
]
