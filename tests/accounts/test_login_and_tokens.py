"""Signing in: pages and API tokens, lockout after repeated failures (per name and per address), idle timeout
for staff and an absolute lifetime for everyone."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone

from ocop.accounts.models import User
from ocop.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db


def test_login_page_signs_in_and_logout_signs_out(cast, client):
    response = client.post("/accounts/login/", {"username": "commune", "password": PASSWORD, "next": "/"})
    assert response.status_code == 302
    assert "Lê Văn Xã" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "Lê Văn Xã" not in client.get("/").content.decode()


def test_a_session_past_its_expiry_or_unknown_signs_nobody_in(cast, client):
    """Sessions are read by a plain statement (accounts.sessions): the row of this key, while it has not expired."""
    client.post("/accounts/login/", {"username": "commune", "password": PASSWORD, "next": "/"})
    assert "Lê Văn Xã" in client.get("/").content.decode()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert "Lê Văn Xã" not in client.get("/").content.decode()
    assert client.get("/accounts/audit/").status_code == 302

    client.post("/accounts/login/", {"username": "commune", "password": PASSWORD, "next": "/"})
    assert "Lê Văn Xã" in client.get("/").content.decode()
    client.cookies[settings.SESSION_COOKIE_NAME] = "k" * 32  # a key no session has
    assert "Lê Văn Xã" not in client.get("/").content.decode()


def test_wrong_password_is_told_in_vietnamese(cast, client):
    response = client.post("/accounts/login/", {"username": "commune", "password": "sai-mat-khau"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_a_password_is_checked_once_however_many_backends(cast, client, monkeypatch):
    """Django's own backend stays listed for the sessions it signed in; it never checks a password again."""
    checked = []
    real = User.check_password

    def counted(user, raw):
        checked.append(user.username)
        return real(user, raw)

    monkeypatch.setattr(User, "check_password", counted)
    refused = client.post("/accounts/login/", {"username": "commune", "password": "sai-mat-khau"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in refused.content.decode()
    assert checked == ["commune"]
    client.post("/accounts/login/", {"username": "commune", "password": PASSWORD, "next": "/"})
    assert checked == ["commune", "commune"]
    assert client.session["_auth_user_backend"] == "ocop.accounts.backends.AccountsBackend"
    assert "Lê Văn Xã" in client.get("/").content.decode()


def test_a_session_signed_in_before_this_backend_stays_signed_in(cast, client):
    client.force_login(cast.commune_officer, backend="django.contrib.auth.backends.ModelBackend")
    assert "Lê Văn Xã" in client.get("/").content.decode()
    assert client.get("/accounts/audit/").status_code == 200


@override_settings(LOGIN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_name_even_for_the_right_password(cast, client):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "commune", "password": "sai-mat-khau"})
    response = client.post("/accounts/login/", {"username": "commune", "password": PASSWORD})
    assert "tạm khoá" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_token_from_the_api_authenticates_later_calls(cast, client):
    response = client.post(
        "/api/v1/auth/token", {"username": "province", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    units = client.get("/api/v1/units", {"level": "province"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert units.status_code == 200


def test_token_with_a_wrong_password_is_a_401_with_a_stable_code(cast, client):
    response = client.post(
        "/api/v1/auth/token", {"username": "province", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": "bad_credentials",
        "message": "Tên đăng nhập hoặc mật khẩu không đúng.",
    }


def test_api_errors_follow_the_request_language(cast, client):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "province"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["message"].startswith("Invalid data")


@override_settings(STAFF_IDLE_SECONDS=60)
def test_staff_sessions_end_after_idle_time_producers_do_not(cast, client, login):
    staff = login(cast.commune_officer)
    session = staff.session
    session["ocop_last_seen"] = int(time.time()) - 3600
    session.save()
    response = staff.get("/accounts/audit/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]

    producer = login(cast.producer_user)
    session = producer.session
    session["ocop_last_seen"] = int(time.time()) - 3600
    session.save()
    assert "Ngô Thị Mật" in producer.get("/").content.decode()


@override_settings(SESSION_COOKIE_AGE=3600)
def test_every_session_ends_at_its_absolute_lifetime_however_active(cast, client, login):
    """A producer active all day, and an officer who is never idle, are both asked to sign in again."""
    for person, page in ((cast.producer_user, "/producers/me/"), (cast.commune_officer, "/accounts/audit/")):
        signed_in = login(person)
        assert signed_in.get(page).status_code == 200
        session = signed_in.session
        session["ocop_signed_in_at"] = int(time.time()) - 3601
        session["ocop_last_seen"] = int(time.time())  # active a moment ago
        session.save()
        response = signed_in.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], person
        assert "_auth_user_id" not in signed_in.session
        assert "thời hạn tối đa" in signed_in.get(response["Location"]).content.decode()


@override_settings(LOGIN_ADDRESS_FAILURES=4, LOGIN_MAX_FAILURES=100)
def test_failures_over_many_names_close_sign_in_from_that_address(cast, client):
    """Spraying one password over many accounts: each name stays under its own lock, the address does not."""
    for name in ("commune", "province", "central", "producer"):
        response = client.post(
            "/api/v1/auth/token", {"username": name, "password": "123456"}, content_type="application/json"
        )
        assert response.status_code == 401
    # A wrong password from that address is refused now, with a stable code, in Vietnamese, on both doors.
    response = client.post(
        "/api/v1/auth/token", {"username": "council1", "password": "654321"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "login_address_limited"
    assert "địa chỉ này" in response.json()["message"]
    page = client.post("/accounts/login/", {"username": "council2", "password": "654321"})
    assert "địa chỉ này" in page.content.decode() and "_auth_user_id" not in client.session
    # The right password still goes through: the address budget counts failures, not people (issue 13).
    response = client.post(
        "/api/v1/auth/token", {"username": "council3", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    page = client.post("/accounts/login/", {"username": "council1", "password": PASSWORD})
    assert page.status_code == 302 and "_auth_user_id" in client.session
    assert AuditEvent.objects.filter(action="login.address_limited").count() == 1
    # Another address is not affected.
    other = client.post(
        "/api/v1/auth/token",
        {"username": "council1", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.7",
    )
    assert other.status_code == 200


def test_every_html_page_carries_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    )
    assert "'unsafe-inline'" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_pages_open_in_vietnamese_for_an_english_browser_and_switch_on_request(client):
    assert "Đăng nhập" in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign in" in client.get("/").content.decode()


# --- tokens end (issue 13, item 6) and user names are normalised (item 10) -----------


def _sign_in(client, username: str = "province", name: str = "", **extra) -> dict[str, str]:
    body = {"username": username, "password": PASSWORD, **({"name": name} if name else {})}
    response = client.post("/api/v1/auth/token", body, content_type="application/json", **extra)
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"token"}  # the contract of API.md
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _opens(client, token: dict[str, str]) -> int:
    return client.get("/api/v1/producers", **token).status_code


def test_a_person_lists_their_tokens_without_secrets_and_ends_one_or_all(cast, client):
    laptop = _sign_in(client, name="Máy tính văn phòng", REMOTE_ADDR="10.1.1.1")
    phone = _sign_in(client, name="Điện thoại", REMOTE_ADDR="10.1.1.2")
    script = _sign_in(client, name="Tập lệnh báo cáo")
    theirs = _sign_in(client, "commune")
    listed = client.get("/api/v1/auth/tokens", **laptop)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [item["name"] for item in items] == ["Tập lệnh báo cáo", "Điện thoại", "Máy tính văn phòng"]
    assert [item["current"] for item in items] == [False, False, True]
    assert items[1]["created_from"] == "10.1.1.2" and items[2]["last_used_from"] == "127.0.0.1"
    text = listed.content.decode()
    assert all(auth["HTTP_AUTHORIZATION"].split()[1] not in text for auth in (laptop, phone, script))
    assert not {"token", "key_hash"} & set(items[0])

    # Signing out of the API ends the token used, and only that one.
    assert client.delete("/api/v1/auth/token", **laptop).status_code == 204
    refused = client.get("/api/v1/producers", **laptop)
    assert refused.status_code == 401 and refused.json()["code"] == "bad_token"
    assert _opens(client, phone) == 200

    # Ending one by its id from another; someone else's id looks missing and ends nothing.
    phone_id = items[1]["id"]
    other_id = client.get("/api/v1/auth/tokens", **theirs).json()["items"][0]["id"]
    with nothing_changes():
        assert client.delete(f"/api/v1/auth/tokens/{other_id}", **phone).status_code == 404
    assert _opens(client, theirs) == 200
    assert client.delete(f"/api/v1/auth/tokens/{phone_id}", **script).status_code == 204
    assert _opens(client, phone) == 401 and _opens(client, script) == 200

    # Ending all of one's own: the caller's included, nobody else's.
    _sign_in(client)
    ended = client.post("/api/v1/auth/tokens/revoke-all", **script)
    assert ended.status_code == 200 and ended.json() == {"ended": 2}
    assert _opens(client, script) == 401 and _opens(client, theirs) == 200
    assert AuditEvent.objects.filter(action="token.revoke", actor=cast.province_officer).count() == 2
    assert AuditEvent.objects.filter(action="token.revoke_all", actor=cast.province_officer).count() == 1


def test_the_security_page_shows_my_tokens_and_ends_them(cast, client, login):
    _sign_in(client, name="Tập lệnh đồng bộ", REMOTE_ADDR="192.0.2.44")
    kept = _sign_in(client, name="Điện thoại")
    _sign_in(client, "commune", name="Máy của cán bộ xã")
    page = login(cast.province_officer).get("/accounts/security/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tập lệnh đồng bộ" in text and "192.0.2.44" in text and "Máy của cán bộ xã" not in text
    token = cast.province_officer.api_tokens.get(name="Tập lệnh đồng bộ")
    response = client.post(f"/accounts/security/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert f"/tokens/{token.pk}/revoke/" not in client.get("/accounts/security/").content.decode()
    assert _opens(client, kept) == 200
    client.post("/accounts/security/tokens/revoke-all/")
    assert _opens(client, kept) == 401
    assert "không có token API nào" in client.get("/accounts/security/").content.decode()


def test_changing_the_password_ends_every_token_but_not_this_session(cast, client, login):
    token = _sign_in(client, "producer")
    signed_in = login(cast.producer_user)
    with nothing_changes():
        wrong = signed_in.post(
            "/accounts/password/",
            {
                "old_password": "sai-mat-khau",
                "new_password": "mat-ong-moi-2026",
                "new_password_again": "mat-ong-moi-2026",
            },
        )
    assert wrong.status_code == 400 and "Mật khẩu hiện tại không đúng" in wrong.content.decode()
    assert _opens(client, token) == 200
    response = signed_in.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password": "mat-ong-moi-2026",
            "new_password_again": "mat-ong-moi-2026",
        },
    )
    assert response.status_code == 302
    assert _opens(client, token) == 401
    assert "Ngô Thị Mật" in signed_in.get("/").content.decode()  # this session stays
    assert AuditEvent.objects.filter(action="user.password_change", actor=cast.producer_user).count() == 1
    fresh = client.post(
        "/api/v1/auth/token",
        {"username": "producer", "password": "mat-ong-moi-2026"},
        content_type="application/json",
    )
    assert fresh.status_code == 200


def test_revoking_a_role_ends_the_persons_tokens(cast, client, login):
    token = _sign_in(client, "commune")
    role = cast.commune_officer.roles.get()
    login(cast.central).post(f"/accounts/roles/{role.pk}/revoke/", {"reason": "Chuyển công tác"})
    assert _opens(client, token) == 401


def test_an_administrator_closes_and_reopens_an_account(cast, client, login):
    token = _sign_in(client, "commune")
    from django.test import Client

    their_browser = Client()
    their_browser.force_login(cast.commune_officer)
    assert their_browser.get("/accounts/audit/").status_code == 200
    admin = login(cast.central)
    users_page = admin.get("/accounts/users/", {"q": "commune"}).content.decode()
    assert "Lê Văn Xã" in users_page and "Đang hoạt động" in users_page
    response = admin.post(f"/accounts/users/{cast.commune_officer.pk}/deactivate/", {"reason": "Nghỉ việc"})
    assert response.status_code == 302
    cast.commune_officer.refresh_from_db()
    assert cast.commune_officer.is_active is False
    assert _opens(client, token) == 401
    assert their_browser.get("/accounts/audit/").status_code == 302  # the session ended too
    refused = client.post(
        "/api/v1/auth/token", {"username": "commune", "password": PASSWORD}, content_type="application/json"
    )
    assert refused.status_code == 401
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.actor == cast.central and event.reason == "Nghỉ việc" and event.data["tokens_ended"] == 1

    # Nobody else may, and nobody closes their own account.
    assert login(cast.province_officer).get("/accounts/users/").status_code == 404
    client.post(f"/accounts/users/{cast.central.pk}/deactivate/", {"reason": "Thử"})
    client.force_login(cast.central)
    client.post(f"/accounts/users/{cast.central.pk}/deactivate/", {"reason": "Thử"})
    cast.central.refresh_from_db()
    assert cast.central.is_active is True

    client.post(f"/accounts/users/{cast.commune_officer.pk}/reactivate/", {"reason": "Trở lại làm việc"})
    assert _opens(client, token) == 401  # old tokens stay ended
    assert _opens(client, _sign_in(client, "commune")) == 200
    assert AuditEvent.objects.filter(action="user.reactivate", actor=cast.central).count() == 1


@override_settings(TOKEN_IDLE_SECONDS=3600)
def test_a_token_ends_after_idle_time_and_at_its_absolute_lifetime(cast, client):
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from ocop.accounts.models import ApiToken

    idle, busy = _sign_in(client, name="idle"), _sign_in(client, name="busy")
    assert _opens(client, idle) == 200 and _opens(client, busy) == 200
    tokens = ApiToken.objects.filter(user=cast.province_officer)
    lifetime = tokens.get(name="busy").expires_at - tokens.get(name="busy").created_at
    assert lifetime == timedelta(seconds=settings.TOKEN_LIFETIME_SECONDS) <= timedelta(days=7)
    an_hour_ago = timezone.now() - timedelta(seconds=3601)
    tokens.filter(name="idle").update(last_used_at=an_hour_ago, created_at=an_hour_ago)
    tokens.filter(name="busy").update(last_used_at=timezone.now() - timedelta(minutes=5))
    assert _opens(client, idle) == 401
    assert _opens(client, busy) == 200
    assert tokens.get(name="busy").last_used_at > timezone.now() - timedelta(minutes=1)  # the clock moved
    tokens.filter(name="busy").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _opens(client, busy) == 401


@override_settings(TOKENS_PER_USER=3)
def test_signing_in_again_and_again_keeps_at_most_the_cap_of_tokens(cast, client):
    from ocop.accounts.models import ApiToken

    tokens = [_sign_in(client, name=f"lần {n}") for n in range(6)]
    assert [_opens(client, token) for token in tokens] == [401, 401, 401, 200, 200, 200]
    assert ApiToken.objects.filter(user=cast.province_officer).count() <= 4  # rows do not pile up
    assert AuditEvent.objects.filter(action="token.issue").order_by("id").last().data["ended_over_cap"] == 1


def test_user_names_are_normalised_at_sign_in(cast, client):
    for typed in (" Commune ", "COMMUNE", "ｃｏｍｍｕｎｅ"):
        response = client.post(
            "/api/v1/auth/token", {"username": typed, "password": PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 200, typed
    look_alike = client.post(
        "/api/v1/auth/token", {"username": "cоmmune", "password": PASSWORD}, content_type="application/json"
    )
    assert look_alike.status_code == 401  # a Cyrillic "о": another name, which no one may hold
