"""The restore drill: data made through the services is backed up, restored into a fresh database and a fresh
storage, and checked there: row counts, certificate signatures against the restored keys, file checksums.
Runs on SQLite, and on PostgreSQL when DATABASE_URL points at one."""

from __future__ import annotations

import contextlib
import copy
import datetime
import io
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone
from PIL import Image

from ocop.accounts.models import RoleKind
from ocop.accounts.services import role_grant, user_create
from ocop.certification import offline
from ocop.certification import services as certification
from ocop.certification.models import Certificate, SigningKey
from ocop.certification.selectors import certificate_qr_text
from ocop.core.backup import BackupError, backup, restore
from ocop.core.storage import checksum
from ocop.producers.services import producer_create
from ocop.products.models import Product, ProductPhoto
from ocop.products.services import product_create, product_photo_add
from ocop.rubrics.models import ProductSet
from tests.council_support import council_backs

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.SITE_URL = "https://ocop.gov.vn"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 150, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _make_data(cast) -> Certificate:
    """A cooperative, a product with a photo, and a certificate issued by maker and checker."""
    product_set = ProductSet.objects.select_related("version").first()
    cooperative = producer_create(
        actor=None,
        name="Hợp tác xã Mật ong Vân Hà",
        legal_form="cooperative",
        unit=cast.commune,
        owner=cast.producer_user,
    )
    honey = product_create(
        actor=None, producer=cooperative, name="Mật ong hoa vải Vân Hà", product_set=product_set
    )
    product_photo_add(actor=cast.producer_user, product=honey, upload=SimpleUploadedFile("ong.png", _png()))
    checker = user_create(
        actor=None, username="province2", password="mat-khau-thu-nghiem-2025", full_name="Lý Thị Duyệt"
    )
    role_grant(actor=None, user=checker, kind=RoleKind.PROVINCE_OFFICER, unit=cast.province)
    authority = certification.authority_create(actor=None, unit=cast.province)
    council_backs(
        [(honey, 4, None, None)],
        authority=authority,
        actor=cast.province_officer,
        day=timezone.localdate() - datetime.timedelta(days=3),
    )
    decision = certification.decision_create(
        actor=cast.province_officer,
        authority=authority,
        number="123/QĐ-UBND",
        date=timezone.localdate() - datetime.timedelta(days=3),
        signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        items=[(honey, 4, None, None)],
    )
    certification.decision_approve(actor=checker, decision=decision)
    return Certificate.objects.get(decision=decision)


@contextlib.contextmanager
def _fresh_target(tmp_path: Path):
    """A database that does not exist yet (a file under tmp_path, or a new PostgreSQL database named after
    the test database), yielded as (URL for restore, alias opened on it after the restore); dropped after."""
    default = copy.deepcopy(connections["default"].settings_dict)
    if connections["default"].vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield str(path), {**default, "NAME": str(path), "TEST": {}}
        return
    name = f"{connections['default'].settings_dict['NAME']}_restored"[:63]
    settings_dict = connections["default"].settings_dict
    auth = quote(settings_dict.get("USER") or "")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"])
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    url = f"postgres://{auth}@{host}{port}/{name}"
    try:
        yield url, {**default, "NAME": name, "TEST": {}}
    finally:
        with connections["default"].cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _opened(alias_settings: dict):
    """The restored database as an extra connection alias, for `.using("restored")`. It is set on the handler
    directly (not declared in its settings), which Django's test case allows as a dynamic connection."""
    wrapper = load_backend(alias_settings["ENGINE"]).DatabaseWrapper(alias_settings, alias="restored")
    connections["restored"] = wrapper
    try:
        yield "restored"
    finally:
        wrapper.close()
        del connections["restored"]


def _target_exists(url: str) -> bool:
    if connections["default"].vendor == "sqlite":
        return Path(url).exists()
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [url.rsplit("/", 1)[1]])
        return cursor.fetchone() is not None


def test_restore_drill_counts_signatures_and_files(cast, settings, tmp_path):
    certificate = _make_data(cast)
    photo = ProductPhoto.objects.get()
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=io.StringIO())

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["vendor"] == connections["default"].vendor
    assert manifest["counts"]["certification.Certificate"] == 1
    assert manifest["counts"]["products.Product"] == Product.objects.count()
    assert "products.0001_initial" in manifest["migrations"]
    # The photo, and the certificate's PDF that the render task made after the decision was approved.
    certificate.refresh_from_db()
    files = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert sorted(files) == sorted([photo.file.name, certificate.pdf.name])
    assert files[photo.file.name] == photo.file_sha256

    # The drill restores into an empty storage, as on a new host.
    settings.MEDIA_ROOT = tmp_path / "media-restored"
    assert not default_storage.exists(photo.file.name)
    with _fresh_target(tmp_path) as (url, alias_settings):
        out = io.StringIO()
        call_command("restore", str(folder), "--database-url", url, stdout=out)
        assert "counts and files match the manifest" in out.getvalue()
        assert "files restored: 2" in out.getvalue()

        with _opened(alias_settings) as restored:
            for label, expected in manifest["counts"].items():
                model = apps.get_model(label)
                assert model._base_manager.using(restored).count() == expected, label
            # Signatures: every restored certificate's QR verifies against the restored key list.
            keys = offline.load_keys(
                {
                    "keys": [
                        {
                            "key_id": key.key_id,
                            "authority": {"code": key.authority.code, "name": key.authority.name},
                            "public_key": key.public_key,
                        }
                        for key in SigningKey.objects.using(restored).select_related("authority")
                    ]
                }
            )
            copies = list(Certificate.objects.using(restored).all())
            assert [c.number for c in copies] == [certificate.number]
            for restored_certificate in copies:
                result = offline.verify(certificate_qr_text(restored_certificate), keys)
                assert result.valid, result.as_dict()
                assert result.claim.number == restored_certificate.number
            # Files: every restored file reads back with the checksum recorded in the restored rows.
            for restored_photo in ProductPhoto.objects.using(restored).all():
                assert checksum(restored_photo.file.name) == restored_photo.file_sha256

        # A second restore into the same database is refused unless forced; identical files are skipped.
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(folder), "--database-url", url, stdout=io.StringIO())
        report = restore(folder, url, force=True)
        assert report.ok and report.files_unchanged == 2 and report.files_restored == 0


def test_tampered_backup_is_refused_and_nothing_is_restored(cast, settings, tmp_path):
    _make_data(cast)
    photo = ProductPhoto.objects.get()
    folder = tmp_path / "backup"
    backup(folder)
    stored_copy = folder / "files" / photo.file.name
    data = bytearray(stored_copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    stored_copy.write_bytes(bytes(data))
    (folder / "files" / "extra.txt").write_bytes(b"x")

    settings.MEDIA_ROOT = tmp_path / "media-restored"
    with _fresh_target(tmp_path) as (url, _alias_settings):
        with pytest.raises(BackupError) as refused:
            restore(folder, url)
        assert refused.value.problems == [
            f"checksum differs: files/{photo.file.name}",
            "not in the manifest: files/extra.txt",
        ]
        assert not _target_exists(url)
        assert not default_storage.exists(photo.file.name)


def test_cross_vendor_restore_is_refused(cast, tmp_path):
    folder = tmp_path / "backup"
    backup(folder)
    other = (
        "postgres://nobody@127.0.0.1/none"
        if connections["default"].vendor == "sqlite"
        else str(tmp_path / "x.sqlite3")
    )
    with pytest.raises(BackupError, match="cannot be restored into"):
        restore(folder, other)
    assert not (tmp_path / "x.sqlite3").exists()
