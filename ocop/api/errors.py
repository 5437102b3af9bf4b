"""One shape for every API error: `{"code": "...", "message": "..."}` with a 4xx status."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ocop.core.errors import DomainError


def install(api) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        fields = [
            ".".join(
                str(p)
                for p in error.get("loc", [])
                if p not in ("body", "query", "path", "payload", "filters")
            )
            for error in exc.errors
        ]
        message = _("Dữ liệu gửi lên không hợp lệ: %(fields)s.") % {
            "fields": ", ".join(f for f in fields if f) or "?"
        }
        return api.create_response(
            request, {"code": "invalid", "message": message, "details": _plain(exc.errors)}, status=400
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return api.create_response(
            request, {"code": "unauthenticated", "message": _("Cần đăng nhập.")}, status=401
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, {"code": "not_found", "message": _("Không tìm thấy.")}, status=404
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, DomainError):  # raised by our parser while ninja read the body
            return domain_error(request, exc.__cause__)
        if exc.__cause__ is not None and str(exc).startswith("Cannot parse request body"):
            return api.create_response(
                request,
                {
                    "code": "bad_json",
                    "message": _("Không đọc được nội dung gửi lên: cần JSON hợp lệ, mã UTF-8."),
                },
                status=400,
            )
        return api.create_response(
            request, {"code": "http_error", "message": str(exc)}, status=exc.status_code
        )


def _plain(errors) -> list[dict]:
    """Validation details without the raw input echoed back (it may be huge or hostile)."""
    return [
        {"loc": [str(p) for p in e.get("loc", [])], "type": e.get("type", ""), "msg": str(e.get("msg", ""))}
        for e in errors
    ]
