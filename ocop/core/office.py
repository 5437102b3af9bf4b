"""DOCX/XLSX uploads that reach outside themselves or start programs, refused before anything is stored.

Called by `ocop.core.uploads` once the archive's declared sizes passed (so reading its parts is bounded):
- relationships with `TargetMode="External"` in any `.rels` part (a remote template, a linked image or
  frame fetched on opening, an external workbook), except plain web or mail hyperlinks, which open only on
  a click and are common in real documents;
- OLE objects and ActiveX controls (parts under `embeddings/` or `activeX/`, or relationships of those
  types), and external workbook links (`xl/externalLinks/`, including `ddeLink`); a chart's embedded
  workbook (an `.xlsx` part, Word's own way of keeping chart data) is accepted;
- DDE: `DDE`/`DDEAUTO` fields in Word (their field code may be split over several runs), and formulas of the
  form `program|topic!item` (`cmd|' /C calc'!A0`) in Excel.
XML character references are decoded before matching, as Word and Excel decode them.
"""

from __future__ import annotations

import html
import re
import zipfile

from django.utils.translation import gettext as _

from ocop.core.upload_refusals import UploadRefused

# Relationship types (their last path segment) that embed or link something that runs or is fetched.
_EMBEDDING_TYPES = frozenset(
    {
        "oleObject",
        "control",
        "activeXControl",
        "activeXControlBinary",
        "externalLink",
        "externalLinkPath",
        "attachedTemplate",
        "subDocument",
        "frame",
        "aFChunk",
    }
)
_EMBEDDING_FOLDERS = ("embeddings/", "activex/", "xl/externallinks/")
# A chart keeps its data as an embedded workbook (a "package" part): an OOXML file without macros, opened
# only when someone edits the chart. Other embedded parts (OLE objects, programs) are refused.
_INERT_PACKAGES = (".xlsx", ".docx", ".pptx")
_SAFE_LINK = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)

_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_WORD_FIELD = re.compile(
    rb"<(?:\w+:)?instrText\b[^>]*>([^<]*)<|<(?:\w+:)?fldSimple\b[^>]*?\b(?:\w+:)?instr\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"
)
_DDE_FIELD = re.compile(r"\bDDE(?:AUTO)?\b", re.IGNORECASE)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</")
_DDE_FORMULA = re.compile(r"[A-Za-z0-9_.\-]+\s*\|.*!")


def _text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", "replace"))


def _attributes(raw: bytes) -> dict[str, str]:
    found = {}
    for match in _ATTRIBUTE.finditer(raw):
        name = match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1]
        found[name] = _text(match.group(2) if match.group(2) is not None else match.group(3))
    return found


def _links_outside(rels: bytes) -> bool:
    for match in _RELATIONSHIP.finditer(rels):
        attributes = _attributes(match.group(1))
        kind = attributes.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
        if kind in _EMBEDDING_TYPES:
            return True
        if kind == "package" and not attributes.get("Target", "").lower().endswith(_INERT_PACKAGES):
            return True
        if attributes.get("TargetMode", "").strip().lower() == "external":
            target = attributes.get("Target", "").strip()
            if kind != "hyperlink" or not _SAFE_LINK.match(target):
                return True
    return False


def _word_dde(part: bytes) -> bool:
    code = "".join(
        _text(next(g for g in match.groups() if g is not None)) for match in _WORD_FIELD.finditer(part)
    )
    return _DDE_FIELD.search(code) is not None


def _excel_dde(part: bytes) -> bool:
    return any(_DDE_FORMULA.search(_text(match.group(1))) for match in _FORMULA.finditer(part))


def refuse_active_office(archive: zipfile.ZipFile, name: str) -> None:
    """Raise `UploadRefused` when the document links outside itself, embeds objects, or carries DDE."""
    for entry in archive.infolist():
        part = entry.filename.lower()
        embedded = any(folder in part for folder in _EMBEDDING_FOLDERS)
        if embedded and not ("embeddings/" in part and part.endswith(_INERT_PACKAGES)):
            raise _refused(name)
        reads = part.endswith(".rels") or (
            part.endswith(".xml") and (part.startswith("word/") or part.startswith("xl/worksheets/"))
        )
        if not reads:
            continue
        try:
            data = archive.read(entry)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
            raise UploadRefused(
                _("Tệp «%(name)s» bị hỏng: không đọc được cấu trúc tệp nén.") % {"name": name},
                code="file_corrupt",
            ) from exc
        if part.endswith(".rels"):
            if _links_outside(data):
                raise _refused(name)
            continue
        dde = _word_dde(data) if part.startswith("word/") else _excel_dde(data)
        if dde:
            raise _refused(name, dde=True)


def _refused(name: str, *, dde: bool = False) -> UploadRefused:
    if dde:
        return UploadRefused(
            _("Tệp «%(name)s» chứa lệnh DDE gọi chương trình khác; hãy xoá lệnh đó hoặc gửi bản PDF.")
            % {"name": name},
            code="file_office_dde",
        )
    return UploadRefused(
        _(
            "Tệp «%(name)s» chứa đối tượng nhúng hoặc liên kết ra ngoài tài liệu (mẫu, ảnh, bảng tính, "
            "đối tượng OLE); hãy lưu lại không có các liên kết đó hoặc gửi bản PDF."
        )
        % {"name": name},
        code="file_office_external",
    )
