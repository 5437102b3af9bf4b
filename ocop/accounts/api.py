"""API sign-in: exchange a user name and password for a bearer token; list and end one's own tokens."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from ocop.accounts import services
from ocop.accounts.api_auth import api_token_used, require_api_user, signed_in
from ocop.accounts.selectors import token_of, tokens_of
from ocop.core.errors import Invalid, NotFound
from ocop.core.ratelimit import client_address

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""  # what the person will recognise it by in their list (a script, a phone)


class TokenOut(Schema):
    token: str


class TokenInfo(Schema):
    """A token as its holder sees it: never its value (only a hash of it is stored)."""

    id: int
    name: str
    created_at: datetime
    created_from: str
    last_used_at: datetime | None
    last_used_from: str
    expires_at: datetime
    current: bool


class TokenList(Schema):
    items: list[TokenInfo]


class Ended(Schema):
    ended: int


@router.post("/token", response=TokenOut, summary="Đổi tên đăng nhập và mật khẩu lấy token")
def obtain_token(request, payload: TokenIn):
    user = services.authenticate_throttled(request, payload.username[:150], payload.password[:200])
    name = payload.name or request.headers.get("User-Agent", "")
    return {"token": services.token_issue(user=user, name=name[:100], address=client_address(request))}


def _used(request):
    token = api_token_used(request)
    if token is None:
        raise Invalid(_("Cần gửi kèm token muốn kết thúc: Authorization: Bearer <token>."), code="no_token")
    return token


@router.delete("/token", response={204: None}, auth=signed_in, summary="Kết thúc token đang dùng (đăng xuất)")
def end_this_token(request):
    user = require_api_user(request)
    services.token_revoke(actor=user, token=_used(request), because="signed_out")
    return Status(204, None)


@router.get("/tokens", response=TokenList, auth=signed_in, summary="Các token còn hiệu lực của tôi")
def my_tokens(request):
    user = require_api_user(request)
    current = api_token_used(request)
    items = [
        {
            "id": token.pk,
            "name": token.name,
            "created_at": token.created_at,
            "created_from": token.created_from,
            "last_used_at": token.last_used_at,
            "last_used_from": token.last_used_from,
            "expires_at": token.expires_at,
            "current": current is not None and current.pk == token.pk,
        }
        for token in tokens_of(user)
    ]
    return {"items": items}


@router.delete(
    "/tokens/{int:token_id}", response={204: None}, auth=signed_in, summary="Kết thúc một token của tôi"
)
def end_token(request, token_id: int):
    user = require_api_user(request)
    token = token_of(user, token_id)
    if token is None:
        raise NotFound(_("Không tìm thấy token này."), code="token_not_found")
    services.token_revoke(actor=user, token=token)
    return Status(204, None)


@router.post("/tokens/revoke-all", response=Ended, auth=signed_in, summary="Kết thúc mọi token của tôi")
def end_all_tokens(request):
    user = require_api_user(request)
    return {"ended": services.token_revoke_all(actor=user)}
