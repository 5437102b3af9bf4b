"""What the browser walks share: a page in Vietnamese on the live server, screenshots, signing in and out,
and small real files (a one-page PDF, a JPEG photo) generated on the spot."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "walks"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert page.locator(".account .who").count() == 1, f"{username} could not sign in"


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def heading(page) -> str:
    return page.locator("main h1").first.inner_text()


def flash(page) -> str:
    """The messages the last action left at the top of the page."""
    return page.locator("main .messages").inner_text() if page.locator("main .messages").count() else ""


def pdf_bytes(title: str) -> bytes:
    """A real one-page PDF (A4, one line of Helvetica text) with a correct cross-reference table."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (320, 240)) -> bytes:
    """A small real JPEG: a honey-coloured jar on a light background."""
    image = Image.new("RGB", size, (250, 244, 228))
    jar = Image.new("RGB", (size[0] // 3, size[1] // 2), (214, 150, 30))
    image.paste(jar, (size[0] // 3, size[1] // 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
