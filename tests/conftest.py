"""The fixed cast of every story (STYLE 7), set up through the services, over units loaded once per run.

Province: Bắc Ninh (24). Commune: Phường Vân Hà (07798), which absorbed the legacy Xã Vân Hà of huyện Việt
Yên, Bắc Giang. Another commune of the same province: Phường Bắc Giang (07210). Another province: Hà Nội (01),
commune Phường Ba Đình (00004).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.management import call_command

from ocop.accounts.models import RoleKind, User
from ocop.accounts.services import role_grant, user_create
from ocop.geo.models import AdminUnit, Era

PASSWORD = "mat-khau-thu-nghiem-2025"


def load_reference_data() -> None:
    call_command("load_units", verbosity=0)
    call_command("load_rubrics", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (units of both generations, rubric versions) is loaded once per test database."""
    with django_db_blocker.unblock():
        load_reference_data()


_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _reference_data_present(request):
    """A transactional test (browser tests, concurrency) ends with a flush that empties every table; the
    next test that needs units or rubrics finds them reloaded here."""
    if not (_DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        if not AdminUnit.objects.filter(level="commune").exists():
            load_reference_data()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit budgets and cached pages live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def isolated_files(settings, tmp_path):
    """Uploaded files, PDFs and signing keys of the test in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    return tmp_path


def unit(code: str, era: str = Era.CURRENT) -> AdminUnit:
    return AdminUnit.objects.get(era=era, code=code)


@dataclass
class Cast:
    country: AdminUnit
    province: AdminUnit
    commune: AdminUnit
    other_commune: AdminUnit
    other_province: AdminUnit
    other_province_commune: AdminUnit
    central: User
    province_officer: User
    commune_officer: User
    other_commune_officer: User
    other_province_officer: User
    council1: User
    council2: User
    council3: User
    producer_user: User
    other_producer_user: User


def _person(username: str, full_name: str, kind: str | None = None, where: AdminUnit | None = None) -> User:
    person = user_create(actor=None, username=username, password=PASSWORD, full_name=full_name)
    if kind is not None:
        role_grant(actor=None, user=person, kind=kind, unit=where)
    return person


@pytest.fixture
def cast(db) -> Cast:
    country = unit("VN")
    province, commune, other_commune = unit("24"), unit("07798"), unit("07210")
    other_province, other_province_commune = unit("01"), unit("00004")
    return Cast(
        country=country,
        province=province,
        commune=commune,
        other_commune=other_commune,
        other_province=other_province,
        other_province_commune=other_province_commune,
        central=_person("central", "Nguyễn Văn Trung", RoleKind.CENTRAL_OFFICER, country),
        province_officer=_person("province", "Trần Thị Tỉnh", RoleKind.PROVINCE_OFFICER, province),
        commune_officer=_person("commune", "Lê Văn Xã", RoleKind.COMMUNE_OFFICER, commune),
        other_commune_officer=_person("commune2", "Phạm Thị Phường", RoleKind.COMMUNE_OFFICER, other_commune),
        other_province_officer=_person("hanoi", "Đỗ Văn Hà", RoleKind.PROVINCE_OFFICER, other_province),
        council1=_person("council1", "Hoàng Văn Một", RoleKind.COUNCIL_MEMBER, province),
        council2=_person("council2", "Vũ Thị Hai", RoleKind.COUNCIL_MEMBER, province),
        council3=_person("council3", "Bùi Văn Ba", RoleKind.COUNCIL_MEMBER, province),
        producer_user=_person("producer", "Ngô Thị Mật", RoleKind.PRODUCER, commune),
        other_producer_user=_person("producer2", "Đinh Văn Chè", RoleKind.PRODUCER, other_province_commune),
    )


@pytest.fixture
def login(client):
    """Sign a cast member in on the test client and return the client."""

    def _login(user: User):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_token(client):
    """A bearer token for a cast member, obtained the way a partner would: POST /api/v1/auth/token."""

    def _token(user: User) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    return _token


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium driven by Playwright (its own browser download does not work on our machines)."""
    import os
    from pathlib import Path

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs an event loop in this thread
    )
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed (make system-deps)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- issue 12: words, demo ---
@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """Each test starts in Vietnamese: a page requested in English leaves its language active in the thread
    (LocaleMiddleware never switches back), and choice labels are translated lazily since issue 12."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
