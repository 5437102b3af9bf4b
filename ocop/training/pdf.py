"""The attendance certificate (*giấy chứng nhận hoàn thành khóa tập huấn*) of one attendee as a PDF: WeasyPrint
over a Vietnamese template, fonts named explicitly, nothing fetched from outside (no resource at all)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from ocop.training.topics import topic_name


def _no_fetch():
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint ≥ 66
        return urls.URLFetcher(allowed_protocols=[])

    def fetch(url: str, *args, **kwargs):
        raise ValueError("An attendance certificate loads no external resource.")

    return fetch


def render(attendee) -> bytes:
    from weasyprint import HTML

    course = attendee.course
    html = render_to_string(
        "training/certificate_pdf.html",
        {
            "attendee": attendee,
            "course": course,
            "topic": topic_name(course.topic),
            "today": timezone.localdate(),
        },
    )
    return HTML(string=html, url_fetcher=_no_fetch()).write_pdf()
