"""Signed QR codes: a genuine, a forged, an altered, an expired and a revoked code are each recognised as such,
online (API and page) and offline (the command-line verifier with the published key list)."""

from __future__ import annotations

import base64
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from ocop.certification import offline, qr, services
from ocop.certification.models import Certificate
from ocop.certification.selectors import certificate_qr_text, certificate_summary

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def verify(client, code: str):
    return client.post("/api/v1/certificates/verify", {"code": code}, content_type="application/json")


def published(client) -> tuple[dict, dict]:
    keys = client.get("/api/v1/certificates/keys").json()
    revocations = client.get("/api/v1/certificates/revocations").json()
    return keys, revocations


def offline_check(client, code: str, *, with_revocations: bool = True) -> offline.Result:
    keys_json, revocations_json = published(client)
    keys = offline.load_keys(keys_json)
    revocations = offline.load_revocations(revocations_json, keys) if with_revocations else None
    return offline.verify(code, keys, revocations)


def altered(text: str) -> str:
    """The same code with one character of the signed part changed (the stars byte region)."""
    payload = qr.payload_of(text)
    position = 30
    swapped = "A" if payload[position] != "A" else "B"
    return text[: -len(payload)] + payload[:position] + swapped + payload[position + 1 :]


def forged(certificate: Certificate, *, stars: int = 5) -> str:
    """A code claiming the authority's key id, signed with a key the forger made."""
    claim = qr.Claim(certificate.key.key_id, certificate.number, stars, certificate.valid_until)
    return qr.qr_text("https://ocop.gov.vn", qr.sign(claim, Ed25519PrivateKey.generate()))


def test_a_genuine_active_code_is_valid_online_and_offline(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    text = certificate_qr_text(certificate)
    assert text.startswith("https://ocop.gov.vn/certificates/v/")

    body = verify(client, text).json()

    assert body["valid"] is True and body["genuine"] is True and body["status"] == "active"
    assert body["certificate"]["number"] == certificate.number
    assert body["certificate"]["stars"] == 4
    assert body["certificate"]["product"]["name"] == "Mật ong hoa vải Vân Hà"
    assert body["certificate"]["producer"]["name"] == "Hợp tác xã Mật ong Vân Hà"
    assert body["certificate"]["qr"] == text
    result = offline_check(client, text)
    assert result.valid and result.revocation_checked
    assert certificate_summary(certificate) == {
        "number": certificate.number,
        "stars": 4,
        "valid_until": certificate.valid_until.isoformat(),
        "status": "active",
        "qr": text,
    }


def test_the_payload_alone_lowercase_or_with_a_trailing_slash_verifies_too(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    for code in (
        certificate.qr_payload,
        certificate.qr_payload.lower(),
        certificate_qr_text(certificate) + "/",
    ):
        assert verify(client, code).json()["valid"] is True


@pytest.mark.parametrize("kind", ["altered", "forged", "unknown_key", "garbage"])
def test_a_tampered_or_forged_code_is_not_genuine_online_and_offline(client, story, issue, kind):
    (certificate,) = issue([(story.honey, 4, None, None)])
    text = certificate_qr_text(certificate)
    code = {
        "altered": lambda: altered(text),
        "forged": lambda: forged(certificate),
        "unknown_key": lambda: qr.qr_text(
            "https://ocop.gov.vn",
            qr.sign(
                qr.Claim("99-1", certificate.number, 4, certificate.valid_until), Ed25519PrivateKey.generate()
            ),
        ),
        "garbage": lambda: "https://example.com/not-ours?x=1",
    }[kind]()
    expected_problem = {
        "altered": {"bad_signature", "malformed"},
        "forged": {"bad_signature"},
        "unknown_key": {"unknown_key"},
        "garbage": {"malformed"},
    }[kind]
    scans = certificate.scan_count

    response = verify(client, code)

    body = response.json()
    assert response.status_code == 200
    assert body["valid"] is False and body["genuine"] is False and body["status"] == "not_genuine"
    assert body["reason"]["code"] in expected_problem
    assert body["certificate"] is None
    result = offline_check(client, code)
    assert not result.genuine and result.status == "not_genuine" and result.problem in expected_problem
    certificate.refresh_from_db()
    assert certificate.scan_count == scans  # nothing changed


def test_an_expired_code_is_genuine_but_expired(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)], date=TODAY - datetime.timedelta(days=37 * 31))
    text = certificate_qr_text(certificate)

    body = verify(client, text).json()

    assert (body["valid"], body["genuine"], body["status"]) == (False, True, "expired")
    assert body["reason"]["code"] == "expired"
    result = offline_check(client, text)
    assert (result.valid, result.genuine, result.status) == (False, True, "expired")


def test_a_revoked_code_is_reported_revoked_though_its_signature_holds(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    text = certificate_qr_text(certificate)
    assert offline_check(client, text).valid
    change = services.certificate_revoke_request(
        actor=story.cast.province_officer,
        certificate=certificate,
        reason="Vi phạm an toàn thực phẩm",
        decision_number="45/QĐ-UBND",
        decision_date=TODAY,
    )
    services.certificate_revoke_approve(actor=story.checker, change=change)

    body = verify(client, text).json()

    assert (body["valid"], body["genuine"], body["status"]) == (False, True, "revoked")
    assert body["certificate"]["revocation"]["decision"] == "45/QĐ-UBND"
    assert body["certificate"]["revocation"]["reason"] == "Vi phạm an toàn thực phẩm"
    result = offline_check(client, text)
    assert (result.genuine, result.status, result.problem) == (True, "revoked", "revoked")
    assert result.revocation["decision"] == "45/QĐ-UBND"
    # Without the revocation list an offline verifier cannot know, and says it did not check.
    unchecked = offline_check(client, text, with_revocations=False)
    assert unchecked.status == "active" and not unchecked.revocation_checked


def test_a_tampered_revocation_list_is_refused_not_half_trusted(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    keys_json, revocations_json = published(client)
    province_list = next(item for item in revocations_json["lists"] if item["body"]["authority"] == "24")
    province_list["body"]["revoked"] = []  # someone drops an entry
    province_list["body"]["sequence"] += 1
    keys = offline.load_keys(keys_json)
    with pytest.raises(offline.UnusableList):
        offline.load_revocations(revocations_json, keys)


def test_key_rotation_keeps_older_codes_valid(client, story, issue):
    (old,) = issue([(story.honey, 4, None, None)])
    new_key = services.signing_key_rotate(
        actor=story.cast.province_officer, authority=story.province_authority
    )
    (new,) = issue([(story.lychee, 3, None, None)], number="200/QĐ-UBND")

    assert new.key == new_key and new_key.key_id == "24-2" and old.key.key_id == "24-1"
    keys = {k["key_id"]: k for k in client.get("/api/v1/certificates/keys").json()["keys"]}
    assert keys["24-1"]["status"] == "retired" and keys["24-1"]["valid_until"]
    assert keys["24-2"]["status"] == "active" and keys["24-2"]["valid_until"] is None
    assert len(base64.b64decode(keys["24-2"]["public_key"])) == 32
    for certificate in (old, new):
        text = certificate_qr_text(certificate)
        assert verify(client, text).json()["valid"] is True
        assert offline_check(client, text).valid
    # The revocation list is now signed with the new key and still verifies.
    assert offline.load_revocations(published(client)[1], offline.load_keys(published(client)[0]))


def test_public_verification_page_says_genuine_or_not(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    text = certificate_qr_text(certificate)
    path = text.removeprefix("https://ocop.gov.vn")

    page = client.get(path)

    assert page.status_code == 200
    html = page.content.decode()
    assert "HỢP LỆ" in html and "Mật ong hoa vải Vân Hà" in html and "Hợp tác xã Mật ong Vân Hà" in html
    assert "<script" not in html and "style=" not in html
    fake = client.get(qr.payload_of(forged(certificate)).join(["/certificates/v/", ""])).content.decode()
    assert "KHÔNG XÁC THỰC" in fake and "Mật ong" not in fake
    certificate.refresh_from_db()
    assert certificate.scan_count == 1


def test_public_verification_is_rate_limited(client, story, issue, monkeypatch):
    from ocop.certification import throttle

    monkeypatch.setattr(throttle, "VERIFY_PER_MINUTE", 3)
    (certificate,) = issue([(story.honey, 4, None, None)])
    codes = [verify(client, certificate.qr_payload).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert verify(client, certificate.qr_payload).json()["code"] == "verify_rate_limited"


def test_verify_refuses_an_empty_or_huge_body(client):
    assert verify(client, "").status_code == 400
    assert verify(client, "A" * 5000).status_code == 400


# ---------------------------------------------------------------------------------------------------------
# The command-line verifier: no network, no database


def _write(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run_cli(args: list[str], **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "ocop.cli", "verify-qr", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_command_line_verifier_needs_no_database(client, story, issue, tmp_path):
    (active,) = issue([(story.honey, 4, None, None)])
    (expired,) = issue(
        [(story.lychee, 4, None, None)], date=TODAY - datetime.timedelta(days=37 * 31), number="7/QĐ-UBND"
    )
    change = services.certificate_revoke_request(
        actor=story.cast.province_officer,
        certificate=active,
        reason="Thu hồi thử",
        decision_number="46/QĐ-UBND",
        decision_date=TODAY,
    )
    keys_path = _write(tmp_path, "keys.json", published(client)[0])
    before = run_cli([certificate_qr_text(active), "--keys", keys_path, "--json"])
    services.certificate_revoke_approve(actor=story.checker, change=change)
    keys_json, revocations_json = published(client)
    keys_path = _write(tmp_path, "keys.json", keys_json)
    revocations_path = _write(tmp_path, "revocations.json", revocations_json)
    # A database that does not exist: the verifier must not need one.
    no_database = {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "OCOP_DATA_DIR": str(tmp_path / "data"),
    }

    cases = {
        "active before revocation": (before, 0),
        "revoked": (
            run_cli(
                [
                    certificate_qr_text(active),
                    "--keys",
                    keys_path,
                    "--revocations",
                    revocations_path,
                    "--json",
                ],
                **no_database,
            ),
            4,
        ),
        "expired": (run_cli([certificate_qr_text(expired), "--keys", keys_path, "--json"], **no_database), 3),
        "altered": (
            run_cli([altered(certificate_qr_text(expired)), "--keys", keys_path, "--json"], **no_database),
            2,
        ),
        "forged": (run_cli([forged(active), "--keys", keys_path, "--json"], **no_database), 2),
    }
    for name, (completed, exit_code) in cases.items():
        assert completed.returncode == exit_code, (name, completed.stdout, completed.stderr)
        body = json.loads(completed.stdout)
        assert body["valid"] is (exit_code == 0), name
    assert json.loads(cases["revoked"][0].stdout)["certificate"]["revocation"]["decision"] == "46/QĐ-UBND"

    tampered = json.loads(Path(revocations_path).read_text(encoding="utf-8"))
    tampered["lists"][0]["body"]["revoked"] = []
    bad_list = run_cli(
        [
            certificate_qr_text(active),
            "--keys",
            keys_path,
            "--revocations",
            _write(tmp_path, "bad.json", tampered),
        ],
        **no_database,
    )
    assert bad_list.returncode == 1 and "not genuine" in bad_list.stderr


def test_standalone_verifier_runs_without_django(story, issue, client, tmp_path):
    (certificate,) = issue([(story.honey, 4, None, None)])
    keys_path = _write(tmp_path, "keys.json", published(client)[0])
    completed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import sys, ocop.certification.offline as o; "
            "assert 'django' not in sys.modules; sys.exit(o.main(sys.argv[1:]))",
            certificate_qr_text(certificate),
            "--keys",
            keys_path,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "HỢP LỆ" in completed.stdout and certificate.number in completed.stdout


def test_answers_come_in_english_on_request(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    body = client.post(
        "/api/v1/certificates/verify",
        {"code": forged(certificate)},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert body["reason"]["message"] == "The signature does not match: this QR code is forged or altered."


# --- a certificate number typed by hand ---


def test_a_typed_certificate_number_answers_in_the_same_shape_from_the_record(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    by_qr = verify(client, certificate_qr_text(certificate)).json()
    by_number = verify(client, f"  {certificate.number.lower()} ").json()
    assert set(by_number) == set(by_qr)
    assert by_number["valid"] is True and by_number["status"] == "active"
    assert by_number["certificate"]["number"] == certificate.number
    assert by_qr["signature_checked"] is True and by_number["signature_checked"] is False
    assert "không kiểm tra chữ ký" in by_number["note"] and by_qr["note"] is None
    # The status comes from the record: a revoked certificate's number says so.
    change = services.certificate_revoke_request(
        actor=story.cast.province_officer,
        certificate=certificate,
        reason="Vi phạm",
        decision_number="44/QĐ-UBND",
        decision_date=TODAY,
    )
    services.certificate_change_approve(actor=story.checker, change=change)
    revoked = verify(client, certificate.number).json()
    assert (revoked["valid"], revoked["status"]) == (False, "revoked")


def test_an_unknown_typed_number_is_not_genuine_and_the_page_takes_numbers(client, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    unknown = verify(client, "24-2026-99999").json()
    assert (unknown["valid"], unknown["status"], unknown["reason"]["code"]) == (
        False,
        "not_genuine",
        "unknown_number",
    )
    assert unknown["certificate"] is None and unknown["signature_checked"] is False
    page = client.get("/certificates/verify/", {"code": certificate.number}).content.decode()
    assert "HỢP LỆ" in page and "Mật ong hoa vải Vân Hà" in page and 'id="verify-note"' in page
