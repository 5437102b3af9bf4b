"""Request bodies bounded before any of it is read, and upload temporaries that never outlive their process.

`RequestBodyLimitMiddleware` refuses, with a 413 in Vietnamese (a page, or JSON under /api/):
- a body whose declared length (Content-Length) is over `REQUEST_MAX_BYTES`, before reading a byte of it:
  twenty 19 MB files sent anonymously are refused before Django's CSRF check would parse them into
  temporary files;
- a body sent in chunks without a length, once what arrives passes the limit (it is read here, into a spooled
  file bounded by the limit, because Django's WSGI request would otherwise read nothing of it);
- a multipart body with more than `REQUEST_MAX_FILES` files: `FileCountUploadHandler`, first of the upload
  handlers, stops the parser at the first file too many and closes (deletes) those already received.
The middleware parses a multipart body itself (the CSRF check would do it a moment later) so both refusals
are answered here. Deployments set the proxy's limit to the same figure (docs/deploy.md).

`remove_stale_upload_temporaries` runs when a process starts (`CoreConfig.ready`): a worker killed in the
middle of an upload leaves its temporary file in `FILE_UPLOAD_TEMP_DIR`, a folder of our own.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("ocop.security")

_READ_CHUNK = 64 * 1024
_SPOOL_IN_MEMORY = 2_621_440  # as Django's FILE_UPLOAD_MAX_MEMORY_SIZE: larger chunked bodies go to disk


class FileCountUploadHandler(FileUploadHandler):
    """Stops the multipart parser at the first file past `REQUEST_MAX_FILES`, before its bytes are stored."""

    def new_file(self, *args, **kwargs):
        count = getattr(self.request, "_ocop_files_seen", 0) + 1
        self.request._ocop_files_seen = count
        if count > settings.REQUEST_MAX_FILES:
            self.request._ocop_too_many_files = True
            raise StopUpload(connection_reset=True)  # the parser closes the files it has: temporaries go

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def too_large_response(request: HttpRequest, *, files: bool = False) -> HttpResponse:
    if files:
        code = "too_many_files"
        title = _("Quá nhiều tệp trong một lần gửi")
        text = _("Mỗi lần gửi tối đa %(max)s tệp; không có gì được lưu. Hãy gửi từng tệp một.") % {
            "max": settings.REQUEST_MAX_FILES
        }
    else:
        code = "request_too_large"
        title = _("Dữ liệu gửi lên quá lớn")
        text = _("Mỗi lần gửi tối đa %(max)s MB (cả tệp và các trường); không có gì được lưu.") % {
            "max": _megabytes(settings.REQUEST_MAX_BYTES)
        }
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"code": code, "message": f"{title}. {text}"}, status=413)
    else:
        response = render(
            request, "core/error.html", {"status": 413, "title": title, "text": text}, status=413
        )
    # No `Connection: close` here: WSGI forbids hop-by-hop headers to applications; the server closes or
    # drains a connection whose body was not read.
    return response


def _declared_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _is_chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


def _read_chunked(request: HttpRequest, limit: int) -> bool:
    """Read a body of unknown length up to `limit`; give it to Django as a body of known length, or say
    it is too large (having read at most `limit + 1` bytes)."""
    source = request.META["wsgi.input"]
    # Closed when too large, otherwise when the response is sent (RequestBodyLimitMiddleware).
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=_SPOOL_IN_MEMORY, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    size = 0
    while chunk := source.read(min(_READ_CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            spool.close()
            return False
        spool.write(chunk)
    spool.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(spool, size)  # type: ignore[assignment, arg-type]
    setattr(request, "_ocop_spool", spool)  # noqa: B010
    return True


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_MAX_BYTES
        declared = _declared_length(request)
        if declared is not None and declared > limit:
            log.warning("request body refused: declared %s bytes over %s", declared, limit)
            return too_large_response(request)
        if declared is None and _is_chunked(request) and not _read_chunked(request, limit):
            log.warning("chunked request body refused past %s bytes", limit)
            return too_large_response(request)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.POST  # noqa: B018 - parse now, under the file count limit, before anything else reads it
            if getattr(request, "_ocop_too_many_files", False):
                request.close()  # closes (deletes) what the parser kept
                return too_large_response(request, files=True)
        try:
            return self.get_response(request)
        finally:
            spool = getattr(request, "_ocop_spool", None)
            if spool is not None:
                spool.close()


def remove_stale_upload_temporaries(folder: Path, *, older_than_seconds: int) -> int:
    """Remove the files in `folder` older than the given age (left by killed processes); say how many."""
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:  # another process removed it first, or it is not ours to remove
            continue
    if removed:
        log.warning("removed %s stale upload temporaries from %s", removed, folder)
    return removed
