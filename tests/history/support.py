"""Files of past recognitions for the history import's tests."""

from __future__ import annotations

from ocop.history import services

HEADER = (
    "Tên sản phẩm,Chủ thể,Địa chỉ,Hạng sao,Số quyết định,Ngày quyết định,Cấp công nhận,Bộ sản phẩm,"
    "Mã số thuế,Số giấy chứng nhận"
)


def csv(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines]).encode("utf-8")


def row(
    product: str,
    producer: str,
    address: str,
    stars: int = 4,
    decision: str = "1234/QĐ-UBND",
    day: str = "21/08/2021",
    level: str = "tỉnh",
    product_set: str = "Rau, củ, quả, hạt tươi",
    tax_code: str = "",
    number: str = "",
) -> str:
    return ",".join(
        f'"{v}"' if "," in str(v) else str(v)
        for v in (product, producer, address, stars, decision, day, level, product_set, tax_code, number)
    )


def apply_file(actor, content: bytes, filename: str = "qd.csv", choices=None):
    """Upload, then apply as the background run does (inline), returning the upload read again."""
    upload = services.history_upload_create(actor=actor, content=content, filename=filename)
    if choices:
        upload = services.history_upload_choose(actor=actor, upload=upload, choices=choices)
    assert upload.ok, [p["vi"] for r in upload.rows for p in r["problems"]] + [
        i["vi"] for i in upload.file_issues
    ]
    services.history_import_start(actor=actor, upload=upload)
    upload.refresh_from_db()
    return upload


def checker(cast):
    """The province's second officer, who approves the decisions the first one drafts."""
    from evaluation.conftest import person

    from ocop.accounts.models import RoleKind

    return person("province2", "Lý Thị Duyệt", RoleKind.PROVINCE_OFFICER, cast.province)


def recognise_again(cast, product, stars: int = 4):
    """The council backs `product` (its re-evaluation dossier open) two days ago; the province's decision is
    drafted and approved by the second officer. Returns the decision's item for the product."""
    import datetime

    from django.utils import timezone

    from ocop.certification.models import DecisionItem
    from ocop.certification.services import authority_ensure, decision_approve, decision_create
    from tests.council_support import council_backs

    authority = authority_ensure(actor=None, unit=cast.province)
    day = timezone.localdate() - datetime.timedelta(days=2)
    council_backs([(product, stars)], authority=authority, actor=cast.province_officer, day=day)
    decision = decision_create(
        actor=cast.province_officer,
        authority=authority,
        number="500/QĐ-UBND",
        date=day,
        signer="Chủ tịch UBND tỉnh",
        items=[(product, stars)],
    )
    decision_approve(actor=checker(cast), decision=decision)
    return DecisionItem.objects.get(decision=decision)
