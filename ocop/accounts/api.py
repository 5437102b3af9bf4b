"""API sign-in: exchange a user name and password for a bearer token."""

from __future__ import annotations

from ninja import Router, Schema

from ocop.accounts.services import authenticate_throttled, token_issue

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", response=TokenOut, summary="Đổi tên đăng nhập và mật khẩu lấy token")
def obtain_token(request, payload: TokenIn):
    user = authenticate_throttled(request, payload.username[:150], payload.password[:200])
    return {"token": token_issue(user=user)}
