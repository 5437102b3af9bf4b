"""The offline verifier fails closed (issue 13, item 12): with a revocation file, a genuine code is "valid"
only when the file holds its authority's list, the list is recent, and it is not older than (nor
inconsistent with) a list of the same authority seen before. Otherwise it says it cannot tell (status
`unknown`, exit status 5), never "valid". A list that names the certificate is believed however old it is."""

from __future__ import annotations

import base64
import datetime
import json

import pytest
from django.utils import timezone

from ocop.certification import keys as key_store
from ocop.certification import offline, services
from ocop.certification.models import RevocationList
from ocop.certification.selectors import certificate_qr_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def published(client) -> tuple[dict, dict]:
    return (
        client.get("/api/v1/certificates/keys").json(),
        client.get("/api/v1/certificates/revocations").json(),
    )


def check(client, text: str, revocations: dict | None = None, **options) -> offline.Result:
    keys_json, revocations_json = published(client)
    keys = offline.load_keys(keys_json)
    lists = offline.load_revocations(revocations or revocations_json, keys)
    return offline.verify(text, keys, lists, **options)


def cli(tmp_path, capsys, text: str, keys: dict, revocations: dict, *extra: str) -> tuple[int, str]:
    (tmp_path / "keys.json").write_text(json.dumps(keys), encoding="utf-8")
    (tmp_path / "revocations.json").write_text(json.dumps(revocations), encoding="utf-8")
    status = offline.main(
        [
            text,
            "--keys",
            str(tmp_path / "keys.json"),
            "--revocations",
            str(tmp_path / "revocations.json"),
            *extra,
        ]
    )
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def without(revocations: dict, authority: str) -> dict:
    return {**revocations, "lists": [e for e in revocations["lists"] if e["body"]["authority"] != authority]}


def resigned(authority, **changes) -> dict:
    """The authority's current list with fields changed, signed again with its own key (a genuine list)."""
    current = RevocationList.objects.select_related("key").get(authority=authority)
    body = {**current.body, **changes}
    signature = key_store.sign(current.key, offline.revocation_message(body))
    return {"body": body, "signature": base64.b64encode(signature).decode("ascii")}


def test_a_file_without_the_issuing_authoritys_list_cannot_tell(client, story, issue, tmp_path, capsys):
    (certificate,) = issue([(story.honey, 4, None, None)])
    text = certificate_qr_text(certificate)
    keys_json, revocations_json = published(client)
    assert check(client, text).valid
    central_only = without(revocations_json, story.province_authority.code)

    result = check(client, text, central_only)

    assert (result.valid, result.genuine, result.status) == (False, True, "unknown")
    assert result.problem == "no_revocation_list" and not result.revocation_checked
    assert "không biết giấy chứng nhận đã bị thu hồi hay chưa" in result.message
    status, output = cli(tmp_path, capsys, text, keys_json, central_only)
    assert status == 5 and output.startswith("KHÔNG KẾT LUẬN ĐƯỢC")


def test_a_list_too_old_cannot_tell_but_still_tells_a_revocation(client, story, issue, tmp_path, capsys):
    active, revoked = issue([(story.honey, 4, None, None), (story.lychee, 3, None, None)])
    change = services.certificate_revoke_request(
        actor=story.cast.province_officer,
        certificate=revoked,
        reason="Vi phạm nhãn mác",
        decision_number="46/QĐ-UBND",
        decision_date=TODAY,
    )
    services.certificate_revoke_approve(actor=story.checker, change=change)
    later = TODAY + datetime.timedelta(days=8)

    assert check(client, certificate_qr_text(active), today=TODAY + datetime.timedelta(days=3)).valid
    stale = check(client, certificate_qr_text(active), today=later)
    assert (stale.status, stale.problem, stale.valid) == ("unknown", "revocation_list_stale", False)
    assert check(client, certificate_qr_text(revoked), today=later).status == "revoked"
    keys_json, revocations_json = published(client)
    text = certificate_qr_text(active)
    status, output = cli(tmp_path, capsys, text, keys_json, revocations_json, "--today", later.isoformat())
    assert status == 5 and "quá cũ" in output
    relaxed = ("--today", later.isoformat(), "--max-age-days", "30")
    assert cli(tmp_path, capsys, text, keys_json, revocations_json, *relaxed)[0] == 0


def test_a_list_older_than_one_seen_before_cannot_tell(client, story, issue, tmp_path, capsys):
    (certificate,) = issue([(story.honey, 4, None, None)])
    text = certificate_qr_text(certificate)
    keys_json, older = published(client)
    services.revocation_list_publish(actor=story.cast.province_officer, authority=story.province_authority)
    newer = published(client)[1]
    state = str(tmp_path / "seen.json")

    assert cli(tmp_path, capsys, text, keys_json, newer, "--state", state)[0] == 0
    status, output = cli(tmp_path, capsys, text, keys_json, older, "--state", state)

    assert status == 5 and "cũ hơn danh sách của cùng cơ quan đã kiểm tra trước đây" in output
    seen = json.loads((tmp_path / "seen.json").read_text(encoding="utf-8"))
    code = story.province_authority.code
    assert seen[code]["sequence"] == next(
        e["body"]["sequence"] for e in newer["lists"] if e["body"]["authority"] == code
    )  # the older list did not lower what was seen
    assert cli(tmp_path, capsys, text, keys_json, newer, "--state", state)[0] == 0


def test_a_list_whose_sequence_and_date_disagree_cannot_tell(client, story, issue, tmp_path, capsys):
    (certificate,) = issue([(story.honey, 4, None, None)])
    text = certificate_qr_text(certificate)
    keys_json, revocations_json = published(client)
    state = str(tmp_path / "seen.json")
    assert cli(tmp_path, capsys, text, keys_json, revocations_json, "--state", state)[0] == 0
    current = RevocationList.objects.get(authority=story.province_authority)
    earlier = (current.issued_at - datetime.timedelta(days=2)).isoformat(timespec="seconds")
    backdated = without(revocations_json, story.province_authority.code)
    backdated["lists"].append(
        resigned(story.province_authority, sequence=current.sequence + 1, issued_at=earlier)
    )

    status, output = cli(tmp_path, capsys, text, keys_json, backdated, "--state", state)

    assert status == 5 and "không khớp" in output


@pytest.mark.parametrize(
    "changes",
    [{"sequence": 0}, {"sequence": "7"}, {"issued_at": "hôm qua"}, {"issued_at": "2026-01-01T00:00:00"}],
)
def test_a_list_without_a_usable_sequence_or_date_is_refused(client, story, issue, changes):
    issue([(story.honey, 4, None, None)])
    keys_json, revocations_json = published(client)
    broken = without(revocations_json, story.province_authority.code)
    broken["lists"].append(resigned(story.province_authority, **changes))
    with pytest.raises(offline.UnusableList):
        offline.load_revocations(broken, offline.load_keys(keys_json))
