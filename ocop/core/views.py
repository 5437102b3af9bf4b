"""The home page, the health (liveness) and readiness checks, and the error pages."""

from __future__ import annotations

import logging
import time
import uuid

import kombu
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ocop.core import work_queue

log = logging.getLogger("ocop.health")


def home(request):
    """The landing page; a signed-in officer finds their work queue on it (`ocop.core.work_queue`)."""
    return render(request, "core/home.html", {"work_items": work_queue.work_items(request.user)})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# A real write, rolled back: one row of Django's own migration table rewritten with its own value. `SELECT 1`
# answers on a read-only database (a replica after failover, a read-only role, a full or read-only disk) while
# every sign-in and every write answers 500; this probe fails there, on SQLite and PostgreSQL alike.
_WRITE_PROBE = "UPDATE django_migrations SET app = app WHERE id = (SELECT MIN(id) FROM django_migrations)"


def _check_database() -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_WRITE_PROBE)
        transaction.set_rollback(True)  # nothing the probe wrote is kept


def _check_cache() -> None:
    key = f"ocop:ready:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


def _check_storage() -> None:
    default_storage.exists("health/ready")  # a HEAD on the bucket: reachable and the credentials work


def _check_broker() -> None:
    with kombu.Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
        broker.ensure_connection(max_retries=1, timeout=2)


def ready(request):
    """Readiness for the load balancer: 200 only when the database (accepting a write), cache, storage (and
    broker, with Celery) answer; otherwise 503 naming what failed, so the process gets no traffic until it recovers."""
    checks = {"database": _check_database, "cache": _check_cache, "storage": _check_storage}
    if settings.TASKS_MODE == "celery":
        checks["broker"] = _check_broker
    results, healthy = {}, True
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:
            healthy = False
            results[name] = {"ok": False, "error": type(error).__name__}
            log.warning("readiness check %s failed: %s", name, error)
        else:
            results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    response = JsonResponse({"status": "ready" if healthy else "not_ready", "checks": results})
    response.status_code = 200 if healthy else 503
    response["Cache-Control"] = "no-store"
    return response


def error_page(request, status: int, title: str, text: str):
    """An error answer: JSON `{"code", "message"}` under /api/, the error page elsewhere."""
    if request.path.startswith("/api/"):
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 500: "server_error"}
        return JsonResponse({"code": codes[status], "message": title}, status=status)
    return render(request, "core/error.html", {"status": status, "title": title, "text": text}, status=status)


def error_400(request, exception=None):
    """A request Django refuses before any view (too many fields, a body too large, a bad multipart)."""
    return error_page(
        request,
        400,
        _("Yêu cầu không hợp lệ"),
        _("Dữ liệu gửi lên quá lớn, có quá nhiều trường hoặc bị hỏng; không có gì được lưu."),
    )


def error_403(request, exception=None):
    return error_page(request, 403, _("Không có quyền truy cập"), _("Bạn không có quyền xem trang này."))


def error_404(request, exception=None):
    return error_page(
        request, 404, _("Không tìm thấy trang"), _("Trang bạn tìm không tồn tại hoặc bạn không có quyền xem.")
    )


def error_500(request):
    return error_page(
        request,
        500,
        _("Lỗi hệ thống"),
        _("Đã có lỗi xảy ra. Dữ liệu của bạn không bị thay đổi; vui lòng thử lại."),
    )
