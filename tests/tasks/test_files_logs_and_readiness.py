"""Stored files with checksums, request ids in structured logs, and the readiness check."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from ocop.core.requestlog import JsonFormatter, RequestIdFilter, request_id_bound
from ocop.core.storage import checksum, store
from ocop.tasks.models import TaskRun

pytestmark = pytest.mark.django_db


def test_a_stored_file_gets_a_generated_name_and_its_checksum():
    stored = store(b"%PDF-1.7 ...", folder="certificates", filename="../../Giấy chứng nhận.PDF")
    assert stored.name.startswith("certificates/") and stored.name.endswith(".pdf")
    assert ".." not in stored.name and "Giấy" not in stored.name
    assert stored.size == 12 and checksum(stored.name) == stored.sha256
    with pytest.raises(ValueError):
        store(b"x", folder="../etc", filename="x")


def test_files_verify_finds_a_changed_or_missing_file(capsys):
    stored = store(b"bao cao", folder="reports", filename="r.txt")
    run = TaskRun.objects.create(name="tasks.probe", output=stored.name, output_sha256=stored.sha256)
    call_command("files_verify")
    assert "files checked: 1, missing: 0, changed: 0" in capsys.readouterr().out

    with open(default_storage.path(stored.name), "wb") as tampered:
        tampered.write(b"bao cao da sua")
    assert TaskRun.objects.filter(pk=run.pk).exists()
    with pytest.raises(CommandError):
        call_command("files_verify")
    assert "checksum differs" in capsys.readouterr().err

    default_storage.delete(stored.name)
    with pytest.raises(CommandError):
        call_command("files_verify", "--exists-only")
    assert "missing" in capsys.readouterr().err


def test_every_response_names_its_request_and_keeps_a_good_incoming_id(client):
    made = client.get("/health/")
    assert len(made["X-Request-ID"]) == 32
    kept = client.get("/health/", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c21-0001"
    refused = client.get("/health/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert refused["X-Request-ID"] != "<script>alert(1)</script>"


def test_json_log_lines_carry_the_request_id_and_extras():
    record = logging.LogRecord("ocop.request", logging.INFO, __file__, 1, "GET %s", ("/",), None)
    record.status = 200
    with request_id_bound("abcdef0123456789"):
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abcdef0123456789"
    assert (line["message"], line["status"], line["level"]) == ("GET /", 200, "INFO")


def test_the_access_log_has_one_line_a_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="ocop.request"):
        response = client.get("/health/")
    [line] = [r for r in caplog.records if r.name == "ocop.request"]
    assert (line.status, line.path, line.request_id) == (200, "/health/", response["X-Request-ID"])


def test_the_access_log_names_the_signed_in_user_and_reads_nobody_for_a_visitor(
    client, caplog, django_assert_num_queries
):
    from ocop.accounts.models import User

    member = User.objects.create_user("logged", password="a-long-password-1")
    with caplog.at_level(logging.INFO, logger="ocop.request"), django_assert_num_queries(1):
        client.get("/health/")  # its own `SELECT 1`: the log line reads no user
    client.force_login(member)
    with caplog.at_level(logging.INFO, logger="ocop.request"):
        client.get("/health/")
    visitor, signed_in = [r.user_id for r in caplog.records if r.name == "ocop.request"]
    assert (visitor, signed_in) == (None, member.pk)


def test_readiness_checks_database_cache_and_storage(client, settings):
    body = client.get("/health/ready/").json()
    assert body["status"] == "ready" and set(body["checks"]) == {"database", "cache", "storage"}


def test_readiness_fails_when_the_broker_is_unreachable(client, settings):
    settings.TASKS_MODE = "celery"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "error": "OperationalError"}
