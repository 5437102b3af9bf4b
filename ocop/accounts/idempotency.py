"""`Idempotency-Key` for API POSTs: the same key replays the first response; with another body it is refused.

Use as a decorator under a ninja operation whose handler returns `Status(status, body)` or a body:

    @router.post("", response=...)
    @idempotent
    def create(request, payload: ...): ...

The first request claims the key (a row under a unique constraint) before it runs the handler, in the same
transaction, and fills the row with its response. A parallel duplicate meets that row first: PostgreSQL makes
its insert wait on the unique key until the first transaction ends, SQLite (`BEGIN IMMEDIATE`) makes it wait
for the write lock; then it replays the committed answer. So every caller gets the same answer and the handler
runs once: a duplicate never reaches the handler, where it would be refused for another reason ("this dossier
already exists"). When the first request fails, nothing is kept and the duplicate runs as if it were first.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from ninja import Status

from ocop.accounts.api_auth import require_api_user
from ocop.accounts.models import IdempotentResponse
from ocop.core.errors import Conflict, Invalid


def _replay(record: IdempotentResponse, body_hash: str, method_path: str) -> HttpResponse:
    if record.body_hash != body_hash or record.method_path != method_path:
        raise Conflict(
            "Idempotency-Key này đã được dùng cho một yêu cầu khác.", code="idempotency_key_reused"
        )
    response = JsonResponse(record.body, status=record.status, safe=False)
    response["Idempotent-Replayed"] = "true"
    return response


def _body_hash(request) -> str:
    try:
        return hashlib.sha256(request.body).hexdigest()
    except RawPostDataException:
        # A multipart upload was parsed from the stream, so its raw body is gone: hash its fields and files.
        digest = hashlib.sha256()
        for key in sorted(request.POST):
            for value in request.POST.getlist(key):
                digest.update(f"{key}={value}\n".encode())
        for key in sorted(request.FILES):
            for upload in request.FILES.getlist(key):
                digest.update(f"{key}:{upload.name}:{upload.size}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
        return digest.hexdigest()


def idempotent(handler):
    @functools.wraps(handler)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return handler(request, *args, **kwargs)
        if len(key) > 100:
            raise Invalid("Idempotency-Key quá dài (tối đa 100 ký tự).", code="idempotency_key_invalid")
        user = require_api_user(request)
        method_path = f"{request.method} {request.path}"[:300]
        body_hash = _body_hash(request)
        existing = IdempotentResponse.objects.filter(user=user, key=key).first()
        if existing:
            return _replay(existing, body_hash, method_path)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = IdempotentResponse.objects.create(
                        user=user, key=key, method_path=method_path, body_hash=body_hash, status=0, body={}
                    )
            except IntegrityError:
                # Another request with this key got there first and has committed: replay its answer.
                existing = IdempotentResponse.objects.filter(user=user, key=key).first()
                if existing is None:
                    raise
                return _replay(existing, body_hash, method_path)
            result = handler(request, *args, **kwargs)
            status, body = (result.status_code, result.value) if isinstance(result, Status) else (200, result)
            payload = json.loads(json.dumps(body, default=str))
            claim.status, claim.body = status, payload
            claim.save(update_fields=["status", "body"])
        return JsonResponse(payload, status=status, safe=False)

    return wrapper
