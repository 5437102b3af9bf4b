"""PDF uploads read as a PDF reader reads them, with qpdf (through pikepdf), before anything is stored.

A search over the file's bytes misses what a reader decodes: objects packed in object streams behind any
filter or chain of filters (`/ASCIIHexDecode`, `[/ASCII85Decode /FlateDecode]`), names spelt with `#xx`
escapes, dictionaries of any length. qpdf parses the file (repairing what a reader would repair) and every
object, including those inside object streams, is walked: the catalog's names trees, pages, annotations,
forms. A file qpdf cannot parse, or one of whose object streams it cannot decode, is refused, since a reader
might still find something in it that we did not see.
"""

from __future__ import annotations

import io

import pikepdf
from django.utils.translation import gettext as _

from ocop.core.upload_refusals import UploadRefused, active_content_refused

# Names that make a reader run or open something: scripts (actions and names trees), program launches,
# attached files, embedded Flash/3D media, XFA forms (which carry scripts of their own).
ACTIVE_NAMES = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
MAX_DECODED_STREAM = 64 * 1024 * 1024  # one decoded stream; a Flate bomb stops here instead of in memory
MAX_WARNINGS = 1000  # a file needing more repairs than this is refused rather than reconstructed at length

# Process-wide qpdf limits, set once at import (before threads use pikepdf), bounding decompression.
pikepdf.settings.set_qpdf_limits(
    flate_max_memory=MAX_DECODED_STREAM,
    run_length_max_memory=MAX_DECODED_STREAM,
    png_max_memory=MAX_DECODED_STREAM,
    tiff_max_memory=MAX_DECODED_STREAM,
    doc_max_warnings=MAX_WARNINGS,
)

# Whatever stops qpdf from reading the file through (damage, an unknown filter, a limit above, a bug met on
# hostile input) means it could not be checked: such a file is refused, never let through.
_PARSE_ERRORS = (Exception,)


def _is_active(key: str, value) -> bool:
    if key in ACTIVE_NAMES:
        return True
    if isinstance(value, pikepdf.Name) and str(value) in ACTIVE_NAMES:  # /S /Launch, /Subtype /RichMedia
        return True
    # A link whose address is a script runs it when clicked.
    return (
        key == "/URI"
        and isinstance(value, pikepdf.String)
        and bytes(value).strip().lower().startswith(b"javascript:")
    )


def _entries(item):
    if isinstance(item, pikepdf.Array):
        return (("", value) for value in item)
    return iter(item.items())


def _find_active(pdf: pikepdf.Pdf) -> bool:
    """Whether any object of the file (indirect ones from the cross-reference, direct ones nested in them)
    carries an active name."""
    pending: list = [pdf.trailer, *pdf.objects]
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Stream):
            if item.stream_dict.get("/Type") == "/ObjStm":
                item.read_bytes()  # raises when qpdf cannot decode it: its objects would be unseen
            item = item.stream_dict
        elif not isinstance(item, (pikepdf.Dictionary, pikepdf.Array)):
            continue
        for key, value in _entries(item):
            if _is_active(key, value):
                return True
            # Indirect objects are in `pdf.objects` already; direct ones are only reachable from here.
            if isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                pending.append(value)
    return False


def refuse_active_pdf(upload, name: str) -> None:
    """Refuse a PDF that a reader would run code from, that carries attached files, or that qpdf cannot read."""
    upload.seek(0)
    data = io.BytesIO(upload.read())
    upload.seek(0)
    try:
        with pikepdf.open(data) as pdf:
            active = _find_active(pdf)
    except pikepdf.PasswordError as exc:
        raise UploadRefused(
            _("Tệp «%(name)s» được đặt mật khẩu; hãy gửi bản không mã hoá.") % {"name": name},
            code="file_encrypted",
        ) from exc
    except _PARSE_ERRORS as exc:
        raise UploadRefused(
            _(
                "Tệp «%(name)s» không phải PDF đọc được (tệp hỏng hoặc cấu trúc bất thường); hãy xuất lại tệp PDF."
            )
            % {"name": name},
            code="file_pdf_unreadable",
        ) from exc
    if active:
        raise active_content_refused(name)
