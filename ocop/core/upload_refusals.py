"""The errors an upload check raises (`ocop.core.uploads`, `.pdf`, `.office`): nothing was stored."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.core.errors import Invalid


class UploadRefused(Invalid):
    """A file that is not accepted; nothing was stored."""

    default_code = "file_refused"


class UploadTooLarge(UploadRefused):
    status = 413
    default_code = "file_too_large"


def active_content_refused(name: str) -> UploadRefused:
    return UploadRefused(
        _(
            "Tệp «%(name)s» chứa mã chạy được (JavaScript, trang web hoặc lệnh mở chương trình); "
            "hãy gửi bản không có mã."
        )
        % {"name": name},
        code="file_active_content",
    )
