"""A database that cannot be written (a replica after failover, a read-only role, a full disk): readiness says
so, so the load balancer stops sending traffic, and public verification still answers (counting the scan is
best effort).

The test makes a savepoint of its transaction read-only: PostgreSQL `SET TRANSACTION READ ONLY` (allowed
mid-transaction in that direction), SQLite `PRAGMA query_only`. Writes then fail as they would in production.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from ocop.certification.models import Certificate
from ocop.certification.selectors import certificate_qr_text

pytestmark = pytest.mark.django_db


@contextmanager
def read_only_database():
    """Inside a savepoint, so that leaving it makes the database writable again (PostgreSQL reverts the
    setting with the savepoint; SQLite's pragma is switched back by hand)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION READ ONLY")
            else:
                cursor.execute("PRAGMA query_only = ON")
        try:
            yield
        finally:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA query_only = OFF")
            transaction.set_rollback(True)


def test_readiness_probes_a_write(client):
    assert client.get("/health/ready/").status_code == 200
    with read_only_database():
        response = client.get("/health/ready/")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "not_ready"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["cache"]["ok"] is True
    assert client.get("/health/").status_code == 200  # alive, only not ready


def test_public_verification_answers_when_the_database_cannot_be_written(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    text = certificate_qr_text(certificate)
    with read_only_database():
        answer = client.post("/api/v1/certificates/verify", {"code": text}, content_type="application/json")
        page = client.get(text.removeprefix("https://ocop.gov.vn"))
        assert Certificate.objects.get(pk=certificate.pk).scan_count == 0  # not counted, no one failed
    assert answer.status_code == 200, answer.content
    assert answer.json()["valid"] is True and answer.json()["status"] == "active"
    assert page.status_code == 200
    assert "Mật ong hoa vải Vân Hà" in page.content.decode()
    client.post("/api/v1/certificates/verify", {"code": text}, content_type="application/json")
    assert Certificate.objects.get(pk=certificate.pk).scan_count == 1  # counted again once writable
