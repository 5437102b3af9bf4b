"""Uploaded files: decide the type by content and refuse what is dangerous, before anything is stored.

The rules (QUALITY, security): a size limit enforced before the body is buffered (`SizeLimitUploadHandler`,
installed in settings, discards the bytes of an oversize file as they arrive) and again on `UploadedFile.size`
before reading; the type decided by magic bytes from an allowlist (PDF, JPEG, PNG, DOCX, XLSX), and the file's
name must not claim another type; DOCX/XLSX (zip files) refused from their central directory when the
declared uncompressed size, the entry count or a compression ratio is excessive, before anything is
decompressed; images refused past a pixel limit read from the header, before decoding. What passes is then
stored by `ocop.core.storage.store` under a generated name; the person's file name is kept only as data.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ocop.core.office import refuse_active_office
from ocop.core.pdf import refuse_active_pdf
from ocop.core.upload_refusals import UploadRefused, UploadTooLarge, active_content_refused

__all__ = ["UploadRefused", "UploadTooLarge", "check_upload", "discard", "refused_upload"]

MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo; larger is refused before decoding
MAX_ZIP_ENTRIES = 2_000  # a real DOCX/XLSX has tens to a few hundred parts
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024  # declared total once unpacked
MAX_ZIP_RATIO = 200  # XML compresses about 5–20×; a bomb compresses thousands of times
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_HEAD = 8192


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    mime: str
    extensions: tuple[str, ...]

    @property
    def extension(self) -> str:
        return self.extensions[0]


KINDS: dict[str, FileKind] = {
    kind.code: kind
    for kind in (
        FileKind("pdf", "PDF", "application/pdf", (".pdf",)),
        FileKind("jpeg", "ảnh JPEG", "image/jpeg", (".jpg", ".jpeg")),
        FileKind("png", "ảnh PNG", "image/png", (".png",)),
        FileKind(
            "docx",
            "văn bản Word (DOCX)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        FileKind(
            "xlsx",
            "bảng tính Excel (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
    )
}
ALL_KINDS = tuple(KINDS)
IMAGE_KINDS = ("jpeg", "png")

# The main part of each Office document, as [Content_Types].xml declares it, and where it lives.
_OFFICE_MAIN = {
    "docx": (
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/document.xml",
    ),
    "xlsx": (
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xl/workbook.xml",
    ),
}

_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows programs and libraries
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O, Java classes
    b"#!",  # scripts
    b"dex\n",
)
_OTHER_IMAGES = (b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f/\\]")

# Content that runs, searched over the whole of an accepted file: a polyglot carries a web page or a script
# next to a valid image or PDF, which a browser could run if it ever sniffed the file.
_ACTIVE_MARKUP = re.compile(
    rb"<(?:script|html|svg|iframe|object|embed|body)[\s>/]|<\?php|javascript:", re.IGNORECASE
)
_SCAN_CHUNK = 1024 * 1024
_SCAN_OVERLAP = 64


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    size: int
    original_name: str  # the person's file name, with the extension of the kind found
    width: int | None = None
    height: int | None = None


def max_upload_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def clean_filename(name: str) -> str:
    """The user's file name as data: the last path segment, NFC, no control characters, bounded."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _CONTROL.sub("", unicodedata.normalize("NFC", base)).strip().strip(".")
    if len(base) > 150:
        suffix = PurePosixPath(base).suffix[:10]
        base = base[: 150 - len(suffix)] + suffix
    return base or "tep"


def _refuse_by_head(head: bytes, name: str):
    """Name what a file is when it is something we refuse on sight."""
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(head.startswith(magic) for magic in _EXECUTABLE_MAGIC):
        return UploadRefused(
            _("Tệp «%(name)s» là chương trình hoặc mã chạy được; hệ thống không nhận loại tệp này.")
            % {"name": name},
            code="file_executable",
        )
    if b"<svg" in lowered[:4096] or (lowered.startswith(b"<?xml") and b"svg" in lowered[:4096]):
        return UploadRefused(
            _("Tệp «%(name)s» là ảnh SVG (có thể chứa mã chạy); hãy gửi ảnh JPEG hoặc PNG.") % {"name": name},
            code="file_svg",
        )
    if lowered.startswith((b"<!doctype html", b"<html", b"<script", b"<?xml")):
        return UploadRefused(
            _("Tệp «%(name)s» là trang web hoặc XML; hệ thống không nhận loại tệp này.") % {"name": name},
            code="file_markup",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return UploadRefused(
            _("Tệp «%(name)s» là tài liệu Office đời cũ (.doc, .xls); hãy lưu lại thành DOCX, XLSX hoặc PDF.")
            % {"name": name},
            code="file_legacy_office",
        )
    if head.startswith(_OTHER_IMAGES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return UploadRefused(
            _("Tệp «%(name)s» là ảnh định dạng không được nhận; hãy gửi ảnh JPEG hoặc PNG.") % {"name": name},
            code="file_image_format",
        )
    return None


def sniff(head: bytes) -> str | None:
    """The allowlisted kind a file's first bytes announce (zip files are resolved later), or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _office_kind(upload, name: str) -> str:
    """DOCX or XLSX, decided from the central directory and [Content_Types].xml, before any extraction."""
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(
            _("Tệp «%(name)s» bị hỏng: không đọc được cấu trúc tệp nén.") % {"name": name},
            code="file_corrupt",
        ) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UploadRefused(
                _(
                    "Tệp «%(name)s» chứa quá nhiều thành phần (%(count)s, tối đa %(max)s); có thể là tệp nén độc hại."
                )
                % {"name": name, "count": len(entries), "max": MAX_ZIP_ENTRIES},
                code="file_archive_too_many_entries",
            )
        declared = sum(entry.file_size for entry in entries)
        bomb = any(
            entry.file_size > 1024 * 1024 and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1)
            for entry in entries
        )
        if declared > MAX_ZIP_UNCOMPRESSED or bomb:
            raise UploadRefused(
                _(
                    "Tệp «%(name)s» khi giải nén lớn bất thường (%(size)s MB); có thể là tệp nén độc hại (zip bomb)."
                )
                % {"name": name, "size": _megabytes(declared)},
                code="file_archive_bomb",
            )
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise UploadRefused(
                _("Tệp «%(name)s» được đặt mật khẩu; hãy gửi bản không mã hoá.") % {"name": name},
                code="file_encrypted",
            )
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names:
            raise UploadRefused(
                _("Tệp «%(name)s» là tệp nén thông thường, không phải tài liệu Word hay Excel.")
                % {"name": name},
                code="file_type_not_allowed",
            )
        info = archive.getinfo("[Content_Types].xml")
        if info.file_size > MAX_CONTENT_TYPES_BYTES:
            raise UploadRefused(
                _("Tệp «%(name)s» có cấu trúc bất thường.") % {"name": name}, code="file_corrupt"
            )
        try:
            with archive.open(info) as stream:
                content_types = stream.read(MAX_CONTENT_TYPES_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
            raise UploadRefused(
                _("Tệp «%(name)s» bị hỏng: không đọc được cấu trúc tệp nén.") % {"name": name},
                code="file_corrupt",
            ) from exc
        if b"<!DOCTYPE" in content_types or b"<!ENTITY" in content_types:
            raise UploadRefused(
                _("Tệp «%(name)s» có cấu trúc bất thường.") % {"name": name}, code="file_corrupt"
            )
        if b"macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise UploadRefused(
                _("Tệp «%(name)s» chứa macro; hãy lưu lại thành DOCX/XLSX thông thường hoặc PDF.")
                % {"name": name},
                code="file_macro",
            )
        for kind, (main_type, main_part) in _OFFICE_MAIN.items():
            if main_type in content_types and main_part in names:
                refuse_active_office(archive, name)
                return kind
    raise UploadRefused(
        _("Tệp «%(name)s» là tệp nén hoặc tài liệu Office không được nhận; chỉ nhận DOCX và XLSX.")
        % {"name": name},
        code="file_type_not_allowed",
    )


def _check_image(upload, kind: str, name: str) -> tuple[int, int]:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Our own limit below is lower than Pillow's; its warning would only be noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                found = (image.format or "").lower()
                if width * height > MAX_IMAGE_PIXELS:
                    raise UploadRefused(
                        _(
                            "Ảnh «%(name)s» quá lớn: %(width)s × %(height)s điểm ảnh (tối đa %(max)s triệu điểm ảnh)."
                        )
                        % {
                            "name": name,
                            "width": width,
                            "height": height,
                            "max": MAX_IMAGE_PIXELS // 1_000_000,
                        },
                        code="image_too_large",
                    )
                if found != kind:
                    raise UploadRefused(
                        _("Ảnh «%(name)s» bị hỏng hoặc không đúng định dạng.") % {"name": name},
                        code="image_invalid",
                    )
                image.verify()
    except Image.DecompressionBombError as exc:
        raise UploadRefused(
            _("Ảnh «%(name)s» quá lớn (tối đa %(max)s triệu điểm ảnh).")
            % {"name": name, "max": MAX_IMAGE_PIXELS // 1_000_000},
            code="image_too_large",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRefused(
            _("Ảnh «%(name)s» bị hỏng hoặc không đúng định dạng.") % {"name": name}, code="image_invalid"
        ) from exc
    return width, height


def _refuse_active_markup(upload, name: str) -> None:
    """Refuse a file carrying a web page or a script anywhere in its bytes (a polyglot)."""
    upload.seek(0)
    tail = b""
    found = False
    while chunk := upload.read(_SCAN_CHUNK):
        if _ACTIVE_MARKUP.search(tail + chunk):
            found = True
            break
        tail = chunk[-_SCAN_OVERLAP:]
    upload.seek(0)
    if found:
        raise active_content_refused(name)


def _labels(kinds: Iterable[str]) -> str:
    return ", ".join(KINDS[k].label for k in kinds)


def check_upload(
    upload, *, allowed: Iterable[str] = ALL_KINDS, max_bytes: int | None = None
) -> CheckedUpload:
    """Decide what `upload` is, or raise `UploadRefused` naming the problem. Reads only what it must."""
    allowed = tuple(allowed)
    if upload is None:
        raise UploadRefused(_("Chưa chọn tệp để tải lên."), code="file_missing")
    name = clean_filename(getattr(upload, "name", "") or "")
    limit = max_bytes or max_upload_bytes()
    size = upload.size
    if size is None or size > limit:
        raise UploadTooLarge(
            _("Tệp «%(name)s» quá lớn; giới hạn là %(max)s MB.") % {"name": name, "max": _megabytes(limit)},
            code="file_too_large",
        )
    if size == 0:
        raise UploadRefused(_("Tệp «%(name)s» rỗng.") % {"name": name}, code="file_empty")
    upload.seek(0)
    head = upload.read(_HEAD)
    kind_code = sniff(head)
    if kind_code is None:
        refusal = _refuse_by_head(head, name)
        if refusal is not None:
            raise refusal
    if kind_code == "zip":
        kind_code = _office_kind(upload, name)
    if kind_code is None:
        raise UploadRefused(
            _("Không nhận ra định dạng của tệp «%(name)s»; chỉ nhận: %(kinds)s.")
            % {"name": name, "kinds": _labels(ALL_KINDS)},
            code="file_type_unknown",
        )
    kind = KINDS[kind_code]
    suffix = PurePosixPath(name).suffix.lower()
    if suffix and suffix not in kind.extensions:
        raise UploadRefused(
            _("Tên tệp «%(name)s» ghi đuôi %(suffix)s nhưng nội dung thực là %(kind)s.")
            % {"name": name, "suffix": suffix, "kind": kind.label},
            code="file_name_mismatch",
        )
    if kind_code not in allowed:
        raise UploadRefused(
            _("Tệp «%(name)s» là %(kind)s; mục này chỉ nhận: %(kinds)s.")
            % {"name": name, "kind": kind.label, "kinds": _labels(allowed)},
            code="file_type_not_allowed",
        )
    width = height = None
    if kind_code in IMAGE_KINDS:
        width, height = _check_image(upload, kind_code, name)
    if kind_code in ("pdf", *IMAGE_KINDS):  # DOCX and XLSX are compressed; their parts are checked above
        _refuse_active_markup(upload, name)
    if kind_code == "pdf":
        refuse_active_pdf(upload, name)
    upload.seek(0)
    if not suffix:
        name = f"{name}{kind.extension}"
    return CheckedUpload(kind, size, name, width, height)


def discard(stored_name: str) -> None:
    """Remove a file stored by `ocop.core.storage.store` whose database row was not written."""
    with contextlib.suppress(OSError):  # already gone; nothing else to undo
        default_storage.delete(stored_name)


class SizeLimitUploadHandler(FileUploadHandler):
    """First upload handler: drops a file's bytes once it passes the limit, so an oversize file is never
    buffered in memory or on disk. The form field is then missing and `refused_upload` reports why."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                refused = getattr(self.request, "_ocop_uploads_refused", None)
                if refused is None:
                    refused = {}
                    self.request._ocop_uploads_refused = refused
                refused[self.field_name] = clean_filename(self.file_name or "")
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def refused_upload(request, field: str) -> None:
    """Raise the size error if the handler dropped `field` from this request."""
    refused = getattr(request, "_ocop_uploads_refused", None) or {}
    if field in refused:
        raise UploadTooLarge(
            _("Tệp «%(name)s» quá lớn; giới hạn là %(max)s MB.")
            % {"name": refused[field], "max": _megabytes(max_upload_bytes())},
            code="file_too_large",
        )
