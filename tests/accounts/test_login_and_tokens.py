"""Signing in: pages and API tokens, lockout after repeated failures (per name and per address), idle timeout
for staff and an absolute lifetime for everyone."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

from ocop.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_signs_in_and_logout_signs_out(cast, client):
    response = client.post("/accounts/login/", {"username": "commune", "password": PASSWORD, "next": "/"})
    assert response.status_code == 302
    assert "Lê Văn Xã" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "Lê Văn Xã" not in client.get("/").content.decode()


def test_wrong_password_is_told_in_vietnamese(cast, client):
    response = client.post("/accounts/login/", {"username": "commune", "password": "sai-mat-khau"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


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
