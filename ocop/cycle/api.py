"""API of evaluation dossiers: create, read, update, upload documents, and move them along the routing table.

Every answer carries the server-computed `may_*` flags (may_edit, may_upload, may_submit, may_check,
may_forward, may_accept, may_return, may_withdraw, may_message); POSTs honour `Idempotency-Key`.
"""

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ocop.accounts.api_auth import api_user, require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.core.listing import Listed
from ocop.core.paging import PageQuery, check_page, page_of
from ocop.core.storage import download_response
from ocop.core.uploads import refused_upload
from ocop.cycle import certificates, services
from ocop.cycle.models import Document, Dossier
from ocop.cycle.policies import flags, route_of
from ocop.cycle.routes import level_label
from ocop.cycle.selectors import (
    DossierFacts,
    QueueFilters,
    capped_count,
    checklist_status,
    deadline_of,
    document_get,
    dossier_facts,
    dossier_get,
    dossier_queue_listed,
    dossiers_visible_to,
    filtered,
    transitions_of,
)
from ocop.cycle.workflow import workflow
from ocop.products.selectors import product_get

router = Router(tags=["dossiers"])
CREATED = {201: Any}
OK = {200: Any}


class DossierIn(Schema):
    product: int
    year: int
    application_type: str = "first"
    target_stars: int | None = None
    previous_certificate_id: int | None = None
    # The certificate an upgrade or re-evaluation follows, by its printed number (one of the producer's own).
    previous_certificate: str | None = Field(None, max_length=30)


class DossierPatch(Schema):
    version: int | None = None
    application_type: str | None = None
    target_stars: int | None = None
    previous_certificate_id: int | None = None
    previous_certificate: str | None = Field(None, max_length=30)


class StepIn(Schema):
    version: int | None = None
    note: str = ""
    reason: str = ""
    assessment: dict[str, str] | None = None


class BulkIn(Schema):
    ids: list[int]
    note: str = ""


class DossierListQuery(PageQuery):
    status: str = ""
    year: int | None = None
    group: str = ""
    overdue: bool = False
    queue: bool = False


def document_body(document: Document) -> dict:
    return {
        "id": document.pk,
        "item": document.item,
        "name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.file_sha256,
        "revision": document.revision,
        "current": document.is_current,
        "uploaded_at": document.uploaded_at,
        "download": f"/api/v1/dossiers/{document.dossier_id}/documents/{document.pk}/file",
    }


def dossier_body(
    user,
    dossier: Dossier | DossierFacts,
    *,
    label: Callable[[str | None], str] = level_label,
    today: date | None = None,
) -> dict:
    """`label`: a list passes one memo of `level_label` for all its rows (each call reads the loaded rubric
    versions' generation token; fifty dossiers asked it a hundred times), and `today` once. A list passes plain
    facts (`selectors.dossier_facts`); one dossier read as a model is turned into them, so both answer alike."""
    if isinstance(dossier, Dossier):
        dossier = DossierFacts.of(dossier)
    flow = workflow(Dossier.WORKFLOW)
    rows = checklist_status(dossier)
    deadline = deadline_of(dossier, today)
    route = route_of(dossier)
    return {
        "id": dossier.pk,
        "status": dossier.status,
        "status_label": flow.label_of(dossier.status),
        "product": {"id": dossier.product_id, "name": dossier.product_name},
        "producer": {"id": dossier.producer_id, "name": dossier.producer.name},
        "unit": {"code": dossier.unit_code, "name": dossier.unit_name},
        "year": dossier.year,
        "application_type": dossier.application_type,
        "target_stars": dossier.target_stars,
        "previous_certificate_id": dossier.previous_certificate_id,
        "previous_certificate": certificates.number_of(dossier.producer_id, dossier.previous_certificate_id),
        "rubric_version": dossier.rubric_code,
        "checklist_version": dossier.checklist_version,
        "checklist": [
            {
                "item": row["item"],
                "label": row["label"],
                "required": row["required"],
                "done": row["done"],
                "accept": row.get("accept", []),
                "document": document_body(row["document"]) if row["document"] else None,
            }
            for row in rows
        ],
        "missing": [row["item"] for row in rows if row["required"] and not row["done"]],
        "route": {
            "receiver": route.receiver,
            "receiver_label": label(route.receiver),
            "evaluator": route.evaluator,
            "evaluator_label": label(route.evaluator),
            "decision": route.decision,
        },
        "receiver_assessment": dossier.receiver_assessment,
        "return_reason": dossier.return_reason,
        "due_on": dossier.due_on,
        "days_left": deadline.days_left if deadline else None,
        "overdue": deadline.overdue if deadline else False,
        "submitted_at": dossier.submitted_at,
        "accepted_at": dossier.accepted_at,
        "updated_at": dossier.updated_at,
        "version": dossier.version,
        **flags(user, dossier),
    }


def _fresh(user, dossier_id) -> dict:
    return dossier_body(user, dossier_get(user, dossier_id))


@router.get(
    "", auth=signed_in, summary="Hồ sơ người gọi được xem (chủ thể: của mình; cán bộ: địa bàn, hoặc hàng chờ)"
)
def list_dossiers(request, filters: Query[DossierListQuery]):
    user = require_api_user(request)
    check_page(filters)
    labels = cache(level_label)  # this request's memo: one language, one set of loaded versions
    today = timezone.localdate()
    ids: Listed | QuerySet
    if filters.queue:
        ids = dossier_queue_listed(
            user,
            QueueFilters(
                status=filters.status, year=filters.year, group=filters.group, overdue=filters.overdue
            ),
        )
        count = ids.capped()
    else:
        ids = filtered(
            dossiers_visible_to(user, related=False),
            status=filters.status,
            year=filters.year,
            group=filters.group,
        ).values_list("pk", flat=True)
        count = capped_count(ids)
    # Ids first (an index range), then the page's dossiers by id as plain facts: work follows the page.
    # Capped: `count` stops at COUNT_CAP and `count_capped` says there are more (a national list counted to
    # the end cost more than its page). The queue's count and ids are statements kept per reach and filters.
    return page_of(
        ids,
        filters,
        render_all=lambda page: [
            dossier_body(user, d, label=labels, today=today) for d in dossier_facts(page)
        ],
        count=count.value,
        exact=not count.more,
        count_capped=count.more,
    )


@router.post("", response=CREATED, auth=signed_in, summary="Lập hồ sơ đánh giá cho một sản phẩm của chủ thể")
@idempotent
def create_dossier(request, payload: DossierIn):
    user = require_api_user(request)
    product = product_get(user, payload.product)
    dossier = services.dossier_create(
        actor=user,
        product=product,
        year=payload.year,
        application_type=payload.application_type,
        target_stars=payload.target_stars,
        previous_certificate_id=payload.previous_certificate_id,
        previous_certificate=payload.previous_certificate,
    )
    return Status(201, _fresh(user, dossier.pk))


# Before "/{dossier_id}": a fixed path must be matched before the parameter would take it.
@router.post(
    "/forward",
    response=OK,
    auth=signed_in,
    summary="Chuyển nhiều hồ sơ cùng lúc: tất cả, hoặc không hồ sơ nào",
)
@idempotent
def forward_bulk(request, payload: BulkIn):
    user = require_api_user(request)
    dossiers = [dossier_get(user, pk) for pk in dict.fromkeys(payload.ids)]
    moved = services.dossiers_forward_bulk(actor=user, dossiers=dossiers, note=payload.note)
    return Status(200, {"count": len(moved), "items": [_fresh(user, d.pk) for d in moved]})


@router.get("/{dossier_id}", summary="Một hồ sơ, với danh mục thành phần và các quyền may_*")
def get_dossier(request, dossier_id: int):
    user = api_user(request)
    return dossier_body(user, dossier_get(user, dossier_id))


@router.patch(
    "/{dossier_id}",
    auth=signed_in,
    summary="Sửa loại đăng ký, hạng sao đăng ký (khi hồ sơ đang do chủ thể giữ)",
)
def update_dossier(request, dossier_id: int, payload: DossierPatch):
    user = require_api_user(request)
    dossier = dossier_get(user, dossier_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    services.dossier_update(actor=user, dossier=dossier, expected_version=version, **changes)
    return _fresh(user, dossier_id)


@router.get("/{dossier_id}/documents", summary="Mọi tệp của hồ sơ, kể cả các bản cũ")
def list_documents(request, dossier_id: int):
    user = api_user(request)
    dossier = dossier_get(user, dossier_id)
    documents = dossier.documents.order_by("item", "-revision")
    return {"count": documents.count(), "items": [document_body(d) for d in documents]}


@router.post(
    "/{dossier_id}/documents",
    response=CREATED,
    auth=signed_in,
    summary="Tải lên tệp của một thành phần hồ sơ",
)
@idempotent
def upload_document(
    request,
    dossier_id: int,
    item: Form[str],
    file: File[UploadedFile | None] = None,
    version: Form[int | None] = None,
):
    user = require_api_user(request)
    dossier = dossier_get(user, dossier_id)
    refused_upload(request, "file")
    document = services.document_upload(
        actor=user, dossier=dossier, item=item, upload=file, expected_version=version
    )
    return Status(201, document_body(document))


@router.get(
    "/{dossier_id}/documents/{document_id}/file", summary="Tải tệp về (tệp đính kèm, sau khi kiểm tra quyền)"
)
def download_document(request, dossier_id: int, document_id: int):
    user = api_user(request)
    document = document_get(user, dossier_id, document_id)
    return download_response(
        request, document.file.name, filename=document.original_name, content_type=document.content_type
    )


class EvidenceIn(Schema):
    criteria: list[str] = Field(
        ...,
        max_length=60,
        description="Codes of criteria of the dossier's sheet the document is evidence for",
    )
    version: int | None = Field(None, description="The dossier's version as read")


@router.put(
    "/{dossier_id}/documents/{document_id}/criteria",
    auth=signed_in,
    summary="Gắn tài liệu với các tiêu chí của phiếu mà nó là minh chứng (viện dẫn); thay cho danh sách cũ",
)
def set_document_criteria(request, dossier_id: int, document_id: int, payload: EvidenceIn):
    user = require_api_user(request)
    document = document_get(user, dossier_id, document_id)
    tags = services.document_criteria_set(
        actor=user, document=document, criteria=payload.criteria, expected_version=payload.version
    )
    return {
        "document": document_body(document),
        "criteria": [tag.criterion for tag in tags],
        "dossier_version": Dossier.objects.values_list("version", flat=True).get(pk=dossier_id),
    }


@router.get("/{dossier_id}/history", summary="Lịch sử chuyển trạng thái của hồ sơ")
def history(request, dossier_id: int):
    user = api_user(request)
    dossier = dossier_get(user, dossier_id)
    flow = workflow(Dossier.WORKFLOW)
    return {
        "items": [
            {
                "action": t.action,
                "from": t.from_status,
                "to": t.to_status,
                "to_label": flow.label_of(t.to_status),
                "level": t.level,
                "actor": str(t.actor) if t.actor else None,
                "reason": t.reason,
                "at": t.at,
            }
            for t in transitions_of(dossier)
        ]
    }


def _step(request, dossier_id: int, action: str, payload: StepIn | None):
    user = require_api_user(request)
    dossier = dossier_get(user, dossier_id)
    payload = payload or StepIn()
    arguments: dict[str, Any] = {"actor": user, "dossier": dossier, "expected_version": payload.version}
    if action == "return" or action == "withdraw":
        arguments["reason"] = payload.reason or payload.note
    else:
        arguments["note"] = payload.note or payload.reason
    if action == "check":
        arguments["assessment"] = payload.assessment
    services.DOSSIER_ACTIONS[action](**arguments)
    return Status(200, _fresh(user, dossier_id))


@router.post(
    "/{dossier_id}/submit",
    response=OK,
    auth=signed_in,
    summary="Chủ thể nộp hồ sơ (báo lỗi nêu rõ thành phần còn thiếu)",
)
@idempotent
def submit(request, dossier_id: int, payload: StepIn | None = None):
    return _step(request, dossier_id, "submit", payload)


@router.post(
    "/{dossier_id}/check", response=OK, auth=signed_in, summary="Cấp tiếp nhận xác nhận đã kiểm tra hồ sơ"
)
@idempotent
def check(request, dossier_id: int, payload: StepIn | None = None):
    return _step(request, dossier_id, "check", payload)


@router.post(
    "/{dossier_id}/forward",
    response=OK,
    auth=signed_in,
    summary="Cấp tiếp nhận chuyển hồ sơ lên cấp đánh giá",
)
@idempotent
def forward(request, dossier_id: int, payload: StepIn | None = None):
    return _step(request, dossier_id, "forward", payload)


@router.post(
    "/{dossier_id}/accept", response=OK, auth=signed_in, summary="Cấp đánh giá tiếp nhận hồ sơ để đánh giá"
)
@idempotent
def accept(request, dossier_id: int, payload: StepIn | None = None):
    return _step(request, dossier_id, "accept", payload)


@router.post("/{dossier_id}/return", response=OK, auth=signed_in, summary="Trả hồ sơ cho chủ thể, kèm lý do")
@idempotent
def send_back(request, dossier_id: int, payload: StepIn | None = None):
    return _step(request, dossier_id, "return", payload)


@router.post(
    "/{dossier_id}/withdraw",
    response=OK,
    auth=signed_in,
    summary="Chủ thể rút hồ sơ (trước khi được tiếp nhận để đánh giá)",
)
@idempotent
def withdraw(request, dossier_id: int, payload: StepIn | None = None):
    return _step(request, dossier_id, "withdraw", payload)
