"""Files the demo attaches to its dossiers: real documents that pass the upload checks."""

from __future__ import annotations

import io

import pikepdf


def demo_pdf() -> bytes:
    """A one-page PDF, so the demo dossier has real documents to download (uploads are opened as PDFs)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()
