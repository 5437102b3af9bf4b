"""Headers on every page, and the production settings (QUALITY "Security"): a Content-Security-Policy without
inline script, nosniff, a referrer policy and no framing on every page reachable without parameters, for an
anonymous visitor and for a central officer; `manage.py check --deploy` clean under production settings; and
production refuses to start without its secret key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from routes_support import pages

from ocop.core.middleware import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {"accounts:logout", "set_language"}  # POST only; nothing to render


def _script_sources(policy: str) -> str:
    for directive in policy.split(";"):
        name, _, value = directive.strip().partition(" ")
        if name == "script-src":
            return value
    return ""


def test_the_policy_forbids_inline_script_and_framing():
    scripts = _script_sources(CONTENT_SECURITY_POLICY)
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "object-src 'none'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "central"])
def test_every_page_without_parameters_carries_the_security_headers(client, cast, who):
    if who == "central":
        client.force_login(cast.central)
    html = []
    for name, page in pages().items():
        if page.params or name in SKIPPED:
            continue
        response = client.get(page.url())
        where = (name, response.status_code)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, where
        assert response["X-Content-Type-Options"] == "nosniff", where
        assert response.get("Referrer-Policy"), where
        assert response["X-Frame-Options"] == "DENY", where
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html.append(name)
    assert len(html) >= (10 if who == "central" else 5), html


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OCOP_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ocop.settings",
        OCOP_ENV="production",
        OCOP_ALLOWED_HOSTS="ocop.example.vn",
        OCOP_DATA_DIR=str(tmp_path / "data"),
        **extra,
    )
    return env


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = _production_env(tmp_path, OCOP_SECRET_KEY=secrets.token_urlsafe(60))
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "no issues" in output, output


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "OCOP_SECRET_KEY must be set" in done.stderr, done.stderr
