"""PDF files for the upload tests, built by code: clean ones and ones hiding active content (issue 13, item 5).

`pdf_with` uses pikepdf (what a PDF writer produces: object streams, names trees, annotations, forms).
`pdf_file` writes the bytes itself, for the tricks a writer would never produce but a reader still decodes:
object streams behind other filters (ASCIIHex, ASCII85 then Flate), names spelt with `#xx` escapes, and
padding between a stream's `/Filter` and its `/Type`. Its cross-reference stream is exact, so a reader opens
the file without repairing it.
"""

from __future__ import annotations

import base64
import binascii
import io
import zlib
from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

JAVASCRIPT_ACTION = b"<< /S /JavaScript /JS (app.alert\\('pwned'\\)) >>"


def pdf_with(
    build: Callable[[pikepdf.Pdf], None] | None = None, *, object_streams: bool = False, title: str = ""
) -> bytes:
    """A one-page PDF written by pikepdf after `build(pdf)` adds what the test needs."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if title:
        pdf.docinfo["/Title"] = title
    if build is not None:
        build(pdf)
    buffer = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(buffer, deterministic_id=True, object_stream_mode=mode)
    return buffer.getvalue()


def with_open_action_script(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert('pwned')"))


def with_names_tree_script(pdf: pikepdf.Pdf) -> None:
    action = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))
    pdf.Root.Names = Dictionary(JavaScript=pdf.make_indirect(Dictionary(Names=Array([String("mo"), action]))))


def with_launch_annotation(pdf: pikepdf.Pdf) -> None:
    action = Dictionary(S=Name.Launch, F=String("cmd.exe"))
    link = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 100, 100]), A=action)
    )
    pdf.pages[0].Annots = Array([link])


def with_embedded_file(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["hoa-don.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="hoa-don.exe")


def with_xfa_form(pdf: pikepdf.Pdf) -> None:
    xfa = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><script>x</script></xdp:xdp>")
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=xfa)


def with_rich_media(pdf: pikepdf.Pdf) -> None:
    media = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([0, 0, 100, 100]))
    )
    pdf.pages[0].Annots = Array([media])


def with_javascript_uri(pdf: pikepdf.Pdf) -> None:
    action = Dictionary(S=Name.URI, URI=String("javascript:app.alert(1)"))
    link = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 100, 100]), A=action)
    )
    pdf.pages[0].Annots = Array([link])


def ascii_hex(data: bytes) -> bytes:
    return binascii.hexlify(data) + b">"


def ascii85_then_flate(data: bytes) -> bytes:
    """Encoded for `/Filter [/ASCII85Decode /FlateDecode]`: a reader undoes ASCII85 first, then Flate."""
    return base64.a85encode(zlib.compress(data)) + b"~>"


def pdf_file(
    packed: dict[int, bytes],
    *,
    encode: Callable[[bytes], bytes] = zlib.compress,
    stream_dict: bytes = b"/Type /ObjStm /Filter /FlateDecode",
) -> bytes:
    """A PDF 1.5 whose catalog (object 1), page tree (2), page (3) and `packed` objects sit in one object
    stream (object `n + 1`) with the dictionary `stream_dict` and the bytes `encode` gives, found through an
    exact cross-reference stream (object `n + 2`)."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
        **packed,
    }
    numbers = sorted(objects)
    stream_number = numbers[-1] + 1
    xref_number = stream_number + 1
    offsets, body = [], b""
    for number in numbers:
        offsets.append(f"{number} {len(body)}".encode())
        body += objects[number] + b"\n"
    header = b" ".join(offsets) + b"\n"
    data = encode(header + body)
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    stream_offset = len(out)
    out += (
        f"{stream_number} 0 obj\n<< ".encode()
        + stream_dict
        + f" /N {len(numbers)} /First {len(header)} /Length {len(data)} >>\nstream\n".encode()
        + data
        + b"\nendstream\nendobj\n"
    )
    xref_offset = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]  # object 0: free
    for number in range(1, xref_number + 1):
        if number in objects:
            rows.append(b"\x02" + stream_number.to_bytes(4, "big") + numbers.index(number).to_bytes(2, "big"))
        elif number == stream_number:
            rows.append(b"\x01" + stream_offset.to_bytes(4, "big") + b"\x00\x00")
        elif number == xref_number:
            rows.append(b"\x01" + xref_offset.to_bytes(4, "big") + b"\x00\x00")
        else:
            rows.append(b"\x00\x00\x00\x00\x00\x00\x00")
    table = b"".join(rows)
    out += (
        f"{xref_number} 0 obj\n<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] /Root 1 0 R "
        f"/Length {len(table)} >>\nstream\n".encode()
        + table
        + f"\nendstream\nendobj\nstartxref\n{xref_offset}\n%%EOF\n".encode()
    )
    return out


def script_in_object_stream(**options) -> bytes:
    """The catalog opens a JavaScript action kept in the object stream."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
    return pdf_file({1: catalog, 4: JAVASCRIPT_ACTION}, **options)


# The tricks a byte scanner missed and a reader decodes (issue 13, item 5), each hiding the same script.
SCRIPT_BEHIND_ASCII_HEX = script_in_object_stream(
    encode=ascii_hex, stream_dict=b"/Type /ObjStm /Filter /ASCIIHexDecode"
)
SCRIPT_BEHIND_CHAINED_FILTERS = script_in_object_stream(
    encode=ascii85_then_flate, stream_dict=b"/Type /ObjStm /Filter [/ASCII85Decode /FlateDecode]"
)
SCRIPT_IN_ESCAPED_OBJECT_STREAM = script_in_object_stream(
    stream_dict=b"/Type /Obj#53tm /Filter /Fl#61teDecode"
)
SCRIPT_PAST_A_PADDED_FILTER = script_in_object_stream(
    stream_dict=b"/Filter /FlateDecode /Padding (" + b"x" * 2000 + b") /Type /ObjStm"
)
CLEAN_OBJECT_STREAM = pdf_file({})


def pdf_with_password() -> bytes:
    """Opened only with a password: nothing in it can be checked."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(user="mo-khoa", owner="chu-so-huu"))
    return buffer.getvalue()
