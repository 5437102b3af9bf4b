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
