"""Signing in: pages and API tokens, lockout after repeated failures, idle timeout for staff."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

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
