"""The public complaint form's link on the certificate verification page (registered in `apps.ready`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def complaint_link(certificate) -> tuple[str, str]:
    return (
        _("Sản phẩm bạn cầm trên tay không giống sản phẩm được chứng nhận? Báo cho cơ quan quản lý"),
        reverse("supervision:complaint", args=[certificate.pk]),
    )
