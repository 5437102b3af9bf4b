"""Shared by the producers, products and cycle tests: the honey cooperative of Phường Vân Hà, its product,
and files of every kind the uploads must accept or refuse (built in memory, nothing read from disk)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from ocop.cycle import services as cycle
from ocop.cycle.models import Dossier
from ocop.producers.models import Producer, ProducerStatus
from ocop.producers.services import producer_create
from ocop.products.models import Product
from ocop.products.services import product_create
from ocop.rubrics.models import ProductSet
from ocop.rubrics.selectors import version_in_force

HONEY_SET = "2.2"  # Mật ong, mật khác và nông sản thực phẩm khác (group I) in the 2023 rubric
THIS_YEAR = timezone.localdate().year


def product_set(code: str = HONEY_SET) -> ProductSet:
    return ProductSet.objects.get(version=version_in_force(timezone.localdate()), code=code)


def honey_cooperative(
    cast, *, confirmed: bool = True, tax_code: str | None = "2400123456", owner=None
) -> Producer:
    return producer_create(
        actor=None,
        name="Hợp tác xã Vải thiều và Mật ong Vân Hà",
        legal_form="cooperative",
        unit=cast.commune,
        tax_code=tax_code,
        owner=owner or cast.producer_user,
        status=ProducerStatus.CONFIRMED if confirmed else ProducerStatus.PENDING,
        email="htx.vanha@example.vn",
    )


def tea_company(cast) -> Producer:
    return producer_create(
        actor=None,
        name="Công ty TNHH Chè Ba Đình",
        legal_form="enterprise",
        unit=cast.other_province_commune,
        tax_code="0100109106",
        owner=cast.other_producer_user,
        status=ProducerStatus.CONFIRMED,
    )


def honey(producer: Producer, name: str = "Mật ong hoa vải Vân Hà") -> Product:
    return product_create(
        actor=None,
        producer=producer,
        name=name,
        product_set=product_set(),
        description="Mật ong nguyên chất từ vườn vải ven sông Cầu.",
    )


# -- files ------------------------------------------------------------------------------------------------


def pdf_bytes(text: str = "Phieu dang ky") -> bytes:
    """A valid one-page PDF (uploads are opened with a PDF library), its title `text`."""
    from pdf_samples import pdf_with

    return pdf_with(title=text)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 150, 30)).save(buffer, fmt)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares huge dimensions: refused from the header, never decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _png_chunk(b"IEND", b"")
    )


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx_bytes(*, extra: dict[str, bytes] | None = None, types: str = _DOCX_TYPES, entries: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(
            "word/document.xml", "<w:document><w:body><w:p>Báo cáo tự đánh giá</w:p></w:body></w:document>"
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        for index in range(entries):
            archive.writestr(f"word/media/p{index}.xml", "x")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Chỉ tiêu"
    book.active["B1"] = "Kết quả"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_declaring(uncompressed: int) -> bytes:
    """A DOCX whose central directory declares a huge unpacked size for its document part."""
    data = bytearray(docx_bytes())
    at = data.find(b"PK\x01\x02", data.find(b"word/document.xml") - 200)
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == b"word/document.xml":
            struct.pack_into("<I", data, at + 24, uncompressed)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def zip_bomb_docx() -> bytes:
    """A DOCX-looking archive with a part that inflates about a thousand times."""
    return docx_bytes(extra={"word/bomb.xml": b"\0" * (8 * 1024 * 1024)})


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 120 + b"This program cannot be run in DOS mode."
ELF_BYTES = b"\x7fELF\x02\x01\x01" + b"\0" * 64
SVG_BYTES = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML_BYTES = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


# -- a dossier at any step ---------------------------------------------------------------------------------


@dataclass
class Story:
    producer: Producer
    product: Product
    dossier: Dossier

    def refresh(self) -> Dossier:
        self.dossier = Dossier.objects.get(pk=self.dossier.pk)
        return self.dossier


def fill_required(dossier: Dossier, actor) -> None:
    for row in dossier.checklist:
        if row["required"]:
            cycle.document_upload(
                actor=actor,
                dossier=dossier,
                item=row["item"],
                upload=upload(f"{row['item']}.pdf", pdf_bytes()),
            )


def dossier_story(cast, *, until: str = "draft", complete: bool = True) -> Story:
    """The honey cooperative's dossier for this year, taken by its people up to step `until`:
    draft, submitted, checked, forwarded or accepted."""
    producer = honey_cooperative(cast)
    product = honey(producer)
    dossier = cycle.dossier_create(actor=cast.producer_user, product=product, year=THIS_YEAR)
    if complete:
        fill_required(dossier, cast.producer_user)
    steps = [
        ("submitted", lambda d: cycle.dossier_submit(actor=cast.producer_user, dossier=d)),
        ("checked", lambda d: cycle.dossier_check(actor=cast.commune_officer, dossier=d)),
        ("forwarded", lambda d: cycle.dossier_forward(actor=cast.commune_officer, dossier=d)),
        ("accepted", lambda d: cycle.dossier_accept(actor=cast.province_officer, dossier=d)),
    ]
    for status, step in steps:
        if until == "draft":
            break
        dossier = step(Dossier.objects.get(pk=dossier.pk))
        if status == until:
            break
    return Story(producer, product, Dossier.objects.get(pk=dossier.pk))
