"""Files through Django's storage API (local folder or S3 bucket): stored under generated names with a
SHA-256 checksum, served only after the caller's permission check, as attachments.

    stored = store(upload, folder="dossiers", filename=upload.name)       # in a service
    record.document, record.document_sha256 = stored.name, stored.sha256  # FileField + `<field>_sha256`
    return download_response(request, record.document.name, filename=record.original_name)  # in a view

On S3 the download is a redirect to a link signed for OCOP_SIGNED_URL_SECONDS; locally the web process
streams the file. `manage.py files_verify` checks every `<field>_sha256` against the stored bytes.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.http import content_disposition_header

CHUNK = 1024 * 1024
_SAFE_FOLDER = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


@dataclass(frozen=True)
class StoredFile:
    name: str  # the storage name (the key in the bucket); store it in a FileField
    size: int
    sha256: str
    filename: str  # the name shown to whoever downloads it
    content_type: str = "application/octet-stream"


def _hash_stream(handle: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def store(
    content: bytes | IO[bytes] | File,
    *,
    folder: str,
    filename: str,
    content_type: str = "application/octet-stream",
    storage: Storage | None = None,
) -> StoredFile:
    """Save bytes under a generated name `folder/YYYY/MM/<random>.<ext>`; the person's file name is never
    part of the key. Validate the content (type, size) before calling this."""
    if not _SAFE_FOLDER.match(folder):
        raise ValueError(f"Unsafe storage folder {folder!r}.")
    storage = storage or default_storage
    if isinstance(content, bytes):
        content = ContentFile(content)
    elif not isinstance(content, File):
        content = File(content)
    content.seek(0)
    sha256, size = _hash_stream(content)
    content.seek(0)
    match = _EXTENSION.search(filename or "")
    extension = f".{match.group(1).lower()}" if match else ""
    now = timezone.now()
    name = storage.save(f"{folder}/{now:%Y/%m}/{uuid.uuid4().hex}{extension}", content)
    return StoredFile(
        name=name, size=size, sha256=sha256, filename=filename or name, content_type=content_type
    )


def checksum(name: str, *, storage: Storage | None = None) -> str:
    """SHA-256 of a stored file, read back from the storage (the bucket, after a restore)."""
    with (storage or default_storage).open(name, "rb") as handle:
        return _hash_stream(handle)[0]


def is_signed_url_storage(storage: Storage | None = None) -> bool:
    storage = storage or default_storage
    return bool(getattr(storage, "querystring_auth", False)) and hasattr(storage, "bucket_name")


def download_response(
    request,
    name: str,
    *,
    filename: str,
    content_type: str = "application/octet-stream",
    storage: Storage | None = None,
) -> HttpResponseBase:
    """The response that hands a stored file to someone who may have it. Call it only after the permission
    check: on S3 it issues a short-lived signed link (a redirect); locally it streams the file. Always an
    attachment, so a user-supplied type is never shown inline."""
    storage = storage or default_storage
    disposition = content_disposition_header(True, filename)
    response: HttpResponseBase
    if is_signed_url_storage(storage):
        url = storage.url(  # type: ignore[call-arg]
            name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
            expire=settings.SIGNED_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
        response["Referrer-Policy"] = "no-referrer"
    else:
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response
