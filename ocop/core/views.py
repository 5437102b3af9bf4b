"""The home page, the health check and the error pages."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def home(request):
    return render(request, "core/home.html")


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request, status: int, title: str, text: str):
    if request.path.startswith("/api/"):
        codes = {403: "forbidden", 404: "not_found", 500: "server_error"}
        return JsonResponse({"code": codes[status], "message": title}, status=status)
    return render(request, "core/error.html", {"status": status, "title": title, "text": text}, status=status)


def error_403(request, exception=None):
    return _error(request, 403, "Không có quyền truy cập", "Bạn không có quyền xem trang này.")


def error_404(request, exception=None):
    return _error(
        request, 404, "Không tìm thấy trang", "Trang bạn tìm không tồn tại hoặc bạn không có quyền xem."
    )


def error_500(request):
    return _error(
        request, 500, "Lỗi hệ thống", "Đã có lỗi xảy ra. Dữ liệu của bạn không bị thay đổi; vui lòng thử lại."
    )
