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
from django.db.models import CASCADE, PROTECT, RESTRICT, SET_NULL, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, has_capability, roles_with, scope_q, scope_unit_ids
from ocop.audit.services import Target, record_event, record_events
from ocop.certification import keys as key_store
from ocop.certification import qr
from ocop.certification.models import (
    Certificate,
    CertificateStatus,
    DecisionStatus,
    IssuingAuthority,
    Origin,
    RecognitionDecision,
    SigningKey,
)
from ocop.certification.services import authority_ensure
from ocop.core.bulk import collector_paused, delete_in, insert_rows
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.core.storage import store
from ocop.core.text import nfc
from ocop.cycle.models import Dossier
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.models import Producer, ProducerMember, ProducerStatus
from ocop.producers.services import producer_search_text_of
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


@collector_paused()  # every row's plan stays alive to the end: see collector_paused
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
    """Record merge ("gộp": an existing producer's id), split ("tách": "new") or the commune of a new producer
    whose address stops at the district ("commune:<unit id>") per producer group, and preview again with them. A choice naming no producer of the officer's area is an error of the rows it concerns."""
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
        elif (
            value == planning.NEW
            or value.isdigit()
            or (value.startswith(planning.COMMUNE) and value[len(planning.COMMUNE) :].isdigit())
        ):
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


def history_import_run(
    upload_id: int,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    steps: Callable[[str, int, int], None] | None = None,
) -> dict:
    """The background run: read and match the file again (records may have changed since the preview), then
    write everything in one transaction, or nothing when any row has an error. Idempotent: an upload already
    applied is not applied twice. `progress` gets the stages the upload page shows (by default it stores them
    on the upload); `steps` the steps of the writing (`WRITE_STEPS`), inside its transaction."""
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
        batch = write_plan(actor=actor, preview=preview, upload=upload, progress=steps)
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


# The steps of writing, as the upload page and the benchmark name them (`progress(step, done, total)`).
WRITE_STEPS = ("rows", "producers", "products", "decisions", "certificates", "records", "audit")


def _unit_of_its_time(plan: planning.RowPlan) -> int | None:
    """The producer's unit a paper certificate keeps: the commune the row named, when it was a pre-merger commune
    that rolls up into today's (lists then show and find it under "Bắc Giang (cũ)"), else today's commune."""
    unit = plan.row.unit
    if (
        unit is not None
        and unit.era == Era.LEGACY
        and unit.level == Level.COMMUNE
        and unit.current_commune_id == plan.commune_id
    ):
        return unit.pk
    return plan.commune_id


@transaction.atomic
@collector_paused()
def write_plan(
    *,
    actor,
    preview: Preview,
    upload: HistoryUpload | None = None,
    filename: str = "",
    progress: Callable[[str, int, int], None] | None = None,
):
    """Write the planned records in one transaction (the caller has checked `preview.ok`).

    Set-based: each kind of record is inserted in a few statements whatever the file's size
    (`ocop.core.bulk.insert_rows`), and what the rows share (authorities, keys, product sets, last certificate
    numbers) is read once. `progress` is told each step as it is done."""
    # Typed loosely: `preview.ok` means every field a record needs is set (no row has an error).
    plans: list[Any] = list(preview.plans)
    filename = upload.filename if upload is not None else filename
    total = len(plans)
    step = progress or (lambda name, done, total: None)
    now = timezone.now()
    batch = rubric_models.HistoryImport.objects.create(
        created_by=actor,
        filename=filename[:200],
        rows=total,
        flagged=sum(1 for p in plans if p.flags),
    )
    insert_rows(
        rubric_models.HistoricalRecognition,
        [
            {
                "batch_id": batch.pk,
                "row_number": p.row.row_number,
                "product_name": p.row.product_name[:300],
                "producer_name": p.row.producer_name[:300],
                "address_as_written": p.row.address[:500],
                "unit_id": p.row.unit.pk,
                "current_province_id": p.province_id,
                "stars": p.row.stars,
                "score": p.row.score,
                "decision_number": p.row.decision_number[:100],
                "decision_date": p.row.decision_date,
                "level": p.row.level,
                "rubric_version_id": p.row.version.pk,
                "product_set_name": p.row.product_set_name[:300],
                "expires_on": p.row.expires_on,
                "flagged": bool(p.flags),
                "flags": [x.as_dict() for x in p.problems],
            }
            for p in plans
        ],
    )
    step("rows", total, total)

    # Authorities and keys of today's provinces: each keeps and signs the certificates of its producers.
    provinces = {p.province_id for p in plans}
    authorities = {a.unit_id: a for a in IssuingAuthority.objects.filter(unit_id__in=provinces)}
    # Set up by the system when missing (a central officer imports for provinces that have not issued yet).
    for pid, unit in AdminUnit.objects.in_bulk(provinces - set(authorities)).items():
        authorities[pid] = authority_ensure(actor=None, unit=unit)
    keys = {
        k.authority_id: k
        for k in SigningKey.objects.filter(authority__in=authorities.values(), retired_at__isnull=True)
    }
    authorities_units = {a.pk: a.unit_id for a in authorities.values()}

    # Producers: the new ones, one per group; unconfirmed, for their owners to claim later.
    new_producers: dict[str, dict[str, Any]] = {}
    for p in plans:
        if p.producer_id is None and p.group not in new_producers:
            name = nfc(p.row.producer_name)[:255]
            new_producers[p.group] = {
                "name": name,
                "legal_form": planning.legal_form_of(p.row.producer_name),
                "tax_code": p.tax_code,
                "unit_id": p.commune_id,
                "address": p.row.address[:300],
                "status": ProducerStatus.PENDING.value,
                "search_text": producer_search_text_of(name=name, tax_code=p.tax_code),
                "created_at": now,
                "updated_at": now,
            }
    groups = list(new_producers)
    producer_ids = dict(zip(groups, insert_rows(Producer, list(new_producers.values())), strict=True))
    producer_names = dict(
        Producer.objects.filter(id__in={p.producer_id for p in plans if p.producer_id}).values_list(
            "id", "name"
        )
    )
    for group, row in new_producers.items():
        producer_names[producer_ids[group]] = row["name"]
    for p in plans:
        if p.producer_id is None:
            p.producer_id = producer_ids[p.group]
    step("producers", len(new_producers), len(new_producers))

    # Products: the new ones, one per producer and folded name.
    new_products: dict[tuple[int, str], dict[str, Any]] = {}
    for p in plans:
        key = (p.producer_id, fold(p.row.product_name))
        if p.product_id is None and key not in new_products:
            name = nfc(p.row.product_name)[:255]
            new_products[key] = {
                "producer_id": p.producer_id,
                "name": name,
                "product_set_id": p.product_set_id,
                "search_text": fold(f"{name} {producer_names[p.producer_id]}")[:500],
                "created_at": now,
                "updated_at": now,
            }
    product_ids = dict(
        zip(list(new_products), insert_rows(Product, list(new_products.values())), strict=True)
    )
    for p in plans:
        if p.product_id is None:
            p.product_id = product_ids[(p.producer_id, fold(p.row.product_name))]
    step("products", len(new_products), len(new_products))

    # Paper decisions: one per issuer, level, number and date; an earlier file's is reused.
    note = _("Ghi nhận từ tệp %(file)s (quyết định giấy).") % {"file": filename[:100]}
    new_decisions: dict[tuple, dict[str, Any]] = {}
    for p in plans:
        if p.decision_id is None and p.decision_key not in new_decisions:
            new_decisions[p.decision_key] = {
                "authority_id": authorities[p.province_id].pk,
                "number": nfc(p.row.decision_number)[:50],
                "date": p.row.decision_date,
                "signer": "",
                "note": note,
                "status": DecisionStatus.APPROVED.value,
                "created_by_id": actor.pk,
                "created_at": now,
                "origin": Origin.PAPER.value,
                "issuing_level": p.row.level,
                "issuer_name": p.issuer_name[:200],
                "issuer_unit_id": p.issuer_unit_id,
            }
    decision_ids = dict(
        zip(
            list(new_decisions),
            insert_rows(RecognitionDecision, list(new_decisions.values())),
            strict=True,
        )
    )
    created_decisions = set(decision_ids.values())
    for p in plans:
        if p.decision_id is None:
            p.decision_id = decision_ids[p.decision_key]
    step("decisions", len(new_decisions), len(new_decisions))

    # Certificates: the number as printed, or the next of `<authority>-P<year>-`; signed with today's key.
    certificates = _certificates(plans, authorities, keys, now)
    # A certificate that follows another of the file names it: written after it, a generation at a time.
    by_row: dict[int, int] = {}
    generation = [p for p in plans if p.replaces_row is None]
    while generation:
        rows = []
        for p in generation:
            row = certificates[p.row.row_number]
            if p.replaces_row is not None:
                row["replaces_id"] = by_row[p.replaces_row]
            rows.append(row)
        for p, pk in zip(generation, insert_rows(Certificate, rows), strict=True):
            by_row[p.row.row_number] = pk
        generation = [p for p in plans if p.replaces_row in by_row and p.row.row_number not in by_row]
    step("certificates", len(by_row), total)

    created_producers = set(producer_ids.values())
    created_products = set(product_ids.values())
    insert_rows(
        ImportedRow,
        [
            {
                "batch_id": batch.pk,
                "row_number": p.row.row_number,
                "producer_id": p.producer_id,
                "producer_created": p.producer_id in created_producers,
                "product_id": p.product_id,
                "product_created": p.product_id in created_products,
                "decision_id": p.decision_id,
                "decision_created": p.decision_id in created_decisions,
                "certificate_id": by_row[p.row.row_number],
            }
            for p in plans
        ],
    )
    step("records", total, total)
    if upload is not None:
        upload.status = UploadStatus.APPLIED
        upload.batch = batch
        upload.error = ""
        upload.save(update_fields=["status", "batch", "error", "updated_at"])
    numbers = [certificates[p.row.row_number]["number"] for p in plans]
    record_event(
        actor=actor,
        action="history_import.apply",
        target=batch,
        unit=authorities[plans[0].province_id].unit if len(authorities) == 1 else None,
        data={
            "file": filename,
            "rows": total,
            "producers_created": len(created_producers),
            "products_created": len(created_products),
            "decisions_created": len(created_decisions),
            "certificates": len(by_row),
            "certificate_numbers": [numbers[0], numbers[-1]],
        },
    )
    # One event per certificate and per paper decision recorded, readable by the officers of its province.
    shared = {"batch": batch.pk, "file": filename[:100]}
    record_events(
        actor=actor,
        action="decision.record_paper",
        data=shared,
        targets=[
            Target(
                RecognitionDecision,
                decision_ids[key],
                f"{row['number']} ({row['date']:%d/%m/%Y})",
                authorities_units[row["authority_id"]],
            )
            for key, row in new_decisions.items()
        ],
    )
    record_events(
        actor=actor,
        action="certificate.record_paper",
        data=shared,
        targets=[
            Target(
                Certificate,
                by_row[p.row.row_number],
                certificates[p.row.row_number]["number"],
                p.province_id,
                {"row": p.row.row_number, "decision": p.decision_id},
            )
            for p in plans
        ],
    )
    step("audit", total, total)
    # After the commit: the public catalogue lists the products with their stars and expiry.
    enqueue(
        "catalog.reindex_products",
        actor=actor,
        product_ids=sorted({p.product_id for p in plans}),
    )
    return batch


def _certificates(plans: list[Any], authorities: dict, keys: dict, now) -> dict[int, dict[str, Any]]:
    """Each row's certificate, by row number: its number (as printed, or generated after the last one of its
    authority and year), its signed QR payload and what it records of the product and producer."""
    product_sets = dict(
        Product.objects.filter(id__in={p.product_id for p in plans}).values_list("id", "product_set_id")
    )
    sets: dict[int, dict[str, Any]] = {
        ps["id"]: dict(ps)
        for ps in rubric_models.ProductSet.objects.filter(id__in=set(product_sets.values())).values(
            "id", "name", "code"
        )
    }
    # The last generated number of each authority and year, read in one query.
    prefixes = {
        f"{authorities[p.province_id].code}-P{p.row.decision_date.year}-" for p in plans if not p.number
    }
    sequences: dict[str, int] = dict.fromkeys(prefixes, 0)
    if prefixes:
        starts = Q()
        for code in {prefix.split("-P")[0] for prefix in prefixes}:
            starts |= Q(number__startswith=f"{code}-P")
        lengths = {len(prefix) for prefix in prefixes}
        taken: dict[str, list[str]] = {}
        for number in Certificate.objects.filter(starts).values_list("number", flat=True):
            for length in lengths:
                if number[:length] in sequences:
                    taken.setdefault(number[:length], []).append(number)
        for prefix, numbers in taken.items():
            sequences[prefix] = planning.last_sequence(numbers)
    out: dict[int, dict[str, Any]] = {}
    for p in plans:
        authority = authorities[p.province_id]
        signing_key = keys[authority.pk]
        number = p.number
        if not number:
            prefix = f"{authority.code}-P{p.row.decision_date.year}-"
            sequences[prefix] += 1
            number = planning.generated_number(prefix, sequences[prefix])
        claim = qr.Claim(signing_key.key_id, number, p.row.stars, p.row.expires_on)
        payload = qr.pack(claim, key_store.sign(signing_key, claim.message()))
        if not qr.fits(qr.qr_text(settings.SITE_URL, payload)):
            raise Invalid(
                _("Địa chỉ trang (OCOP_SITE_URL) quá dài: mã QR sẽ vượt phiên bản 8."), code="qr_too_large"
            )
        product_set: dict[str, Any] = sets.get(product_sets[p.product_id], {})
        out[p.row.row_number] = {
            "number": number,
            "product_id": p.product_id,
            "authority_id": authority.pk,
            "decision_id": p.decision_id,
            "stars": p.row.stars,
            "issued_on": p.row.decision_date,
            "valid_until": p.row.expires_on,
            "status": (CertificateStatus.SUPERSEDED if p.superseded else CertificateStatus.ACTIVE).value,
            "ended_at": now if p.superseded else None,
            "key_id": signing_key.pk,
            "qr_payload": payload,
            "created_at": now,
            "origin": Origin.PAPER.value,
            "product_name": nfc(p.row.product_name)[:255],
            "product_set_code": product_set.get("code", ""),
            "product_set_name": product_set.get("name", "")[:300],
            "producer_name": nfc(p.row.producer_name)[:255],
            "producer_address": p.row.address[:300],
            "producer_place": p.unit_name[:300],
            "producer_unit_id": _unit_of_its_time(p),
            "producer_tax_code": p.tax_code or "",
        }
    return out


def _named(obj) -> str:
    return f"{obj._meta.verbose_name} «{obj}»"


def _any(query):
    """One record of `query`, or None, read without an order: `first()` orders (by name, for products), and
    PostgreSQL then walks a whole index to learn there is none, checking the batch's subqueries row by row
    when their table was not analysed since the apply (46 of a 48 s undo at 100k products)."""
    return next(iter(query.order_by()[:1]), None)


def _blocker(certs, products, producers, decisions) -> str:
    """A record used since the import that undoing would lose (of the first check that finds one), named; ""
    when none. The arguments are subqueries of the keys the batch created, so each check is one query whatever
    the batch's size."""
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
        found = _any(query.select_related())
        if found is not None:
            return message % {"obj": str(found)}
    return ""


def _references(model) -> list[Any]:
    """Every foreign key (of any model, named or hidden) that points at `model`."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


@dataclass
class _Removal:
    """What undoing a batch deletes, by model (a filter each, read by subqueries: no ids in Python), in the
    order found: the batch's own records first, then what the database would remove with them (Django's
    `CASCADE`: catalogue entries, a product's photos, a gift set's link)."""

    doomed: dict[Any, Q]
    order: list[Any]

    def keys(self, model) -> Any:
        return model._base_manager.filter(self.doomed[model]).values("pk")


def _removal(rows, kinds: dict[Any, Any]) -> tuple[_Removal, Any | None]:
    """The records to delete and the first reference that forbids it (`PROTECT`/`RESTRICT` from a record that
    stays), as Django's deletion decides, one query per relation instead of one per record."""
    removal = _Removal({model: Q(pk__in=keys) for model, keys in kinds.items()}, list(kinds))
    removal.doomed[ImportedRow] = Q(pk__in=rows.values("pk"))
    queue = list(kinds)
    while queue:  # what `CASCADE` takes along, and what that takes along in turn
        model = queue.pop(0)
        for rel in _references(model):
            if rel.on_delete is not CASCADE or rel.related_model in kinds or rel.related_model is ImportedRow:
                continue
            related = rel.related_model
            taken = Q(**{f"{rel.field.name}__in": removal.keys(model)})
            if related in removal.doomed:
                removal.doomed[related] |= taken
            else:
                removal.doomed[related] = taken
                removal.order.append(related)
                queue.append(related)
    for model in removal.order:
        for rel in _references(model):
            related = rel.related_model
            pointing = related._base_manager.filter(**{f"{rel.field.name}__in": removal.keys(model)})
            if related in removal.doomed:
                pointing = pointing.exclude(removal.doomed[related])
            if rel.on_delete in (PROTECT, RESTRICT):
                found = _any(pointing)
                if found is not None:
                    return removal, found
            elif rel.on_delete is SET_NULL:
                pointing.update(**{rel.field.name: None})
    return removal, None


@transaction.atomic
def history_import_undo(
    *, actor, batch: rubric_models.HistoryImport, reason: str
) -> rubric_models.HistoryImport:
    """Remove what the batch created (certificates, paper decisions, products, producers) and nothing it
    matched. A record used since (a dossier, a decision item, a change request, a claim...) blocks the undo and
    is named. Set-based: a fixed number of queries whatever the batch's size (subqueries of the batch's rows,
    one check per kind of reference, one delete per table)."""
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
    for row in rows.values_list(
        "certificate_id",
        "product_id",
        "product_created",
        "producer_id",
        "producer_created",
        "decision_id",
        "decision_created",
    ):
        certificate_id, product_id, product_created, producer_id, producer_created = row[:5]
        certs.add(certificate_id)
        touched.add(product_id)
        if product_created:
            products.add(product_id)
        if producer_created:
            producers.add(producer_id)
        if row[6]:
            decisions.add(row[5])
    kinds = {
        Certificate: rows.values("certificate_id"),
        RecognitionDecision: rows.filter(decision_created=True).values("decision_id"),
        Product: rows.filter(product_created=True).values("product_id"),
        Producer: rows.filter(producer_created=True).values("producer_id"),
    }
    blocked = _blocker(kinds[Certificate], kinds[Product], kinds[Producer], kinds[RecognitionDecision])
    if blocked:
        raise Conflict(
            _("Không hủy được lần nhập: %(what)s.") % {"what": blocked}, code="history_undo_blocked"
        )
    removal, used = _removal(rows, kinds)
    if used is not None:
        raise Conflict(
            _("Không hủy được lần nhập: %(what)s đã được dùng từ sau khi nhập.") % {"what": _named(used)},
            code="history_undo_blocked",
        )
    # One event per certificate and paper decision removed, as each had one when it was recorded.
    removed = {"batch": batch.pk}
    record_events(
        actor=actor,
        action="certificate.remove_paper",
        reason=reason,
        data=removed,
        targets=[
            Target(Certificate, pk, number, unit_id)
            for pk, number, unit_id in Certificate.objects.filter(id__in=kinds[Certificate]).values_list(
                "id", "number", "authority__unit_id"
            )
        ],
    )
    record_events(
        actor=actor,
        action="decision.remove_paper",
        reason=reason,
        data=removed,
        targets=[
            Target(RecognitionDecision, pk, f"{number} ({day:%d/%m/%Y})", unit_id)
            for pk, number, day, unit_id in RecognitionDecision.objects.filter(
                id__in=kinds[RecognitionDecision]
            ).values_list("id", "number", "date", "authority__unit_id")
        ],
    )
    # The deepest first, the batch's rows last: every other filter reads them. Foreign keys are checked at the
    # commit (deferred on both databases), so the order within the transaction does not trip them.
    for model in reversed(removal.order):
        delete_in(model, removal.keys(model))
    rubric_models.HistoricalRecognition.objects.filter(batch=batch).delete()
    delete_in(ImportedRow, rows.values("pk"))
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
