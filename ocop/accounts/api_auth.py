"""Who is calling the API.

A bearer token (`Authorization: Bearer <token>`, from `POST /api/v1/auth/token`) works for every method.
A browser session counts only for safe methods: a cross-site form cannot post with it, so API writes need
no CSRF token.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from ocop.accounts.services import token_for
from ocop.core.errors import Unauthenticated
from ocop.core.ratelimit import client_address

_SAFE = {"GET", "HEAD", "OPTIONS"}


def api_user(request):
    cached = getattr(request, "_ocop_api_user", None)
    if cached is not None:
        return cached
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        token = (
            token_for(raw.strip(), address=client_address(request)) if scheme.lower() == "bearer" else None
        )
        if token is None:
            raise Unauthenticated("Mã truy cập (token) không hợp lệ hoặc đã hết hạn.", code="bad_token")
        request._ocop_api_token = token
        user = token.user
    elif request.method in _SAFE and request.user.is_authenticated:
        user = request.user
    else:
        user = AnonymousUser()
    request._ocop_api_user = user
    return user


def api_token_used(request):
    """The token this request came with, or None (a browser session, or anonymous)."""
    api_user(request)
    return getattr(request, "_ocop_api_token", None)


def require_api_user(request):
    user = api_user(request)
    if not user.is_authenticated:
        raise Unauthenticated("Cần đăng nhập: gửi kèm Authorization: Bearer <token>.", code="unauthenticated")
    return user


class BearerToken:
    """Operation or router auth: checked before the body is read, so an anonymous write is a 401, never a 400
    that describes the expected input. The OpenAPI document declares it (django-ninja reads
    `openapi_security_schema` and names the scheme by the class), so clients know to send the token."""

    openapi_security_schema = {
        "type": "http",
        "scheme": "bearer",
        "description": "Token from POST /api/v1/auth/token (a browser session also counts for GET).",
    }

    def __call__(self, request):
        user = api_user(request)
        return user if user.is_authenticated else None


signed_in = BearerToken()


def any_caller(request):
    """Global API auth: anonymous callers pass (public endpoints), a bad token never does."""
    user = api_user(request)
    return user if user.is_authenticated else True
