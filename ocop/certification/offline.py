"""Check a certificate QR with no network and no database: against the published key list and, when given,
the signed revocation lists. The same rules decide online (selectors.certificate_verify) and offline.

    ocop verify-qr TEXT --keys keys.json [--revocations revocations.json] [--today YYYY-MM-DD] [--json]
    python -m ocop.certification.offline TEXT --keys keys.json ...      (the same, without Django)

keys.json is what GET /api/v1/certificates/keys returns; revocations.json what GET
/api/v1/certificates/revocations returns. Exit status: 0 valid, 2 not genuine, 3 expired, 4 revoked,
1 unusable input (a key list or revocation list that is malformed or not genuine).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocop.certification import qr

REVOCATION_CONTEXT = b"OCOP-REVOCATIONS-1\n"

# Problem codes → message (Vietnamese; the web and API layers translate them through gettext).
MESSAGES = {
    "malformed": "Đây không phải mã QR giấy chứng nhận OCOP, hoặc mã đã bị hỏng.",
    "unknown_key": "Mã QR được ký bằng một khóa không có trong danh sách khóa công bố: không xác thực được.",
    "bad_signature": "Chữ ký không khớp: mã QR này là giả hoặc đã bị sửa.",
    "unknown_certificate": "Không có giấy chứng nhận nào khớp với mã QR này: mã không xác thực.",
    "expired": "Giấy chứng nhận là thật nhưng đã hết hiệu lực.",
    "revoked": "Giấy chứng nhận là thật nhưng đã bị thu hồi.",
    "superseded": "Giấy chứng nhận là thật nhưng đã được thay thế bằng giấy chứng nhận khác.",
    "active": "Giấy chứng nhận là thật và còn hiệu lực.",
    "unknown_number": "Không có giấy chứng nhận OCOP nào mang số này.",
}
# Said beside the answer to a certificate number typed by hand (online only: offline needs the QR's signature).
NUMBER_TYPED_NOTE = (
    "Tra cứu theo số giấy chứng nhận: không kiểm tra chữ ký mã QR; trạng thái lấy từ hồ sơ của cơ quan cấp."
)
EXIT_CODES = {"active": 0, "not_genuine": 2, "expired": 3, "revoked": 4}


class UnusableList(ValueError):  # noqa: N818  (reported to the user as it is named)
    """A key list or revocation list that is malformed, or a revocation list whose signature does not match."""


@dataclass(frozen=True)
class PublishedKey:
    key_id: str
    authority: str
    authority_name: str
    public_key: bytes


@dataclass
class Result:
    """The outcome of one check. `status` is active, expired, revoked or not_genuine; `problem` names why a
    code is not valid (malformed, unknown_key, bad_signature, unknown_certificate, expired, revoked, superseded)."""

    genuine: bool
    status: str
    problem: str | None
    claim: qr.Claim | None = None
    authority: str = ""
    authority_name: str = ""
    revocation: dict[str, Any] | None = None
    revocation_checked: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.genuine and self.status == "active"

    @property
    def message(self) -> str:
        return MESSAGES[self.problem or "active"]

    def as_dict(self) -> dict[str, Any]:
        claim = self.claim
        return {
            "valid": self.valid,
            "genuine": self.genuine,
            "status": self.status,
            "problem": self.problem,
            "message": self.message,
            "certificate": None
            if claim is None or not self.genuine
            else {
                "number": claim.number,
                "stars": claim.stars,
                "valid_until": claim.valid_until.isoformat(),
                "key_id": claim.key_id,
                "authority": {"code": self.authority, "name": self.authority_name},
                "revocation": self.revocation,
            },
            "revocation_checked": self.revocation_checked,
            "notes": self.notes,
        }


def canonical_json(body: Mapping[str, Any]) -> bytes:
    """The exact bytes a revocation list's signature covers: sorted keys, no spaces, ASCII only."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def revocation_message(body: Mapping[str, Any]) -> bytes:
    return REVOCATION_CONTEXT + canonical_json(body)


def _b64(value: Any, what: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UnusableList(f"{what}: not base64") from exc


def load_keys(data: Any) -> dict[str, PublishedKey]:
    """The published key list (GET /api/v1/certificates/keys) by key id."""
    if not isinstance(data, Mapping) or not isinstance(data.get("keys"), list):
        raise UnusableList("key list: expected an object with a `keys` list")
    keys: dict[str, PublishedKey] = {}
    for entry in data["keys"]:
        try:
            key_id = str(entry["key_id"])
            authority = entry["authority"]
            raw = _b64(entry["public_key"], f"key {key_id}")
        except (KeyError, TypeError) as exc:
            raise UnusableList("key list: each key needs key_id, authority and public_key") from exc
        if len(raw) != 32:
            raise UnusableList(f"key {key_id}: an Ed25519 public key has 32 bytes")
        code = authority.get("code", "") if isinstance(authority, Mapping) else str(authority)
        name = authority.get("name", "") if isinstance(authority, Mapping) else ""
        keys[key_id] = PublishedKey(key_id, str(code), str(name), raw)
    return keys


def load_revocations(data: Any, keys: Mapping[str, PublishedKey]) -> dict[str, dict[str, dict[str, Any]]]:
    """Revocation lists by authority code → {certificate number: entry}, each list checked against a key of its
    own authority. A list that does not verify makes the whole file unusable: it is never half-trusted."""
    if not isinstance(data, Mapping) or not isinstance(data.get("lists"), list):
        raise UnusableList("revocation file: expected an object with a `lists` list")
    lists: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in data["lists"]:
        try:
            body = entry["body"]
            signature = _b64(entry["signature"], "revocation list signature")
            authority = str(body["authority"])
            key = keys.get(str(body["key_id"]))
            revoked = body["revoked"]
        except (KeyError, TypeError) as exc:
            raise UnusableList(
                "revocation list: needs body (authority, key_id, revoked) and signature"
            ) from exc
        if key is None or key.authority != authority:
            raise UnusableList(
                f"revocation list of {authority}: signed by a key that is not this authority's"
            )
        if not _signature_ok(key.public_key, signature, revocation_message(body)):
            raise UnusableList(f"revocation list of {authority}: signature does not match (not genuine)")
        lists[authority] = {str(item["number"]): dict(item) for item in revoked}
    return lists


def _signature_ok(public_key: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify(
    text: str,
    keys: Mapping[str, PublishedKey],
    revocations: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
    *,
    today: datetime.date | None = None,
) -> Result:
    """Check one QR text against published keys (and revocation lists when given)."""
    today = today or datetime.date.today()  # noqa: DTZ011  (the verifier's own calendar day)
    try:
        claim, signature = qr.unpack(text)
    except qr.Malformed:
        return Result(False, "not_genuine", "malformed")
    key = keys.get(claim.key_id)
    if key is None:
        return Result(False, "not_genuine", "unknown_key", claim)
    if not qr.signature_matches(claim, signature, key.public_key):
        return Result(False, "not_genuine", "bad_signature", claim)
    result = Result(True, "active", None, claim, key.authority, key.authority_name)
    if revocations is not None:
        authority_list = revocations.get(key.authority)
        if authority_list is None:
            result.notes.append("no_revocation_list")
        else:
            result.revocation_checked = True
            entry = authority_list.get(claim.number)
            if entry is not None:
                result.status = "revoked"
                result.problem = "superseded" if entry.get("reason") == "superseded" else "revoked"
                result.revocation = dict(entry)
                return result
    if claim.valid_until < today:
        result.status = "expired"
        result.problem = "expired"
    return result


def read_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnusableList(f"{path}: {exc}") from exc


def describe(result: Result) -> str:
    """A few lines for a person at a terminal."""
    lines = [("HỢP LỆ" if result.valid else "KHÔNG HỢP LỆ") + f": {result.message}"]
    if result.claim is not None and result.genuine:
        claim = result.claim
        lines += [
            f"Số giấy chứng nhận: {claim.number}",
            f"Hạng sao: {claim.stars}",
            f"Có giá trị đến hết ngày: {claim.valid_until:%d/%m/%Y}",
            f"Cơ quan cấp: {result.authority_name or result.authority} (khóa {claim.key_id})",
        ]
        if result.revocation:
            lines.append(f"Thu hồi: {json.dumps(result.revocation, ensure_ascii=False)}")
        if not result.revocation_checked:
            lines.append("Chưa đối chiếu danh sách thu hồi (không có danh sách của cơ quan này).")
    return "\n".join(lines)


def run(text: str, keys_path: str, revocations_path: str | None, today: datetime.date | None, as_json: bool):
    """(exit status, output) of one command-line check."""
    keys = load_keys(read_json(keys_path))
    revocations = load_revocations(read_json(revocations_path), keys) if revocations_path else None
    result = verify(text, keys, revocations, today=today)
    output = json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if as_json else describe(result)
    return EXIT_CODES[result.status], output


def parser(prog: str = "verify-qr") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Kiểm tra mã QR giấy chứng nhận OCOP, không cần mạng.")
    add_arguments(p)
    return p


def add_arguments(p) -> None:
    p.add_argument("text", help="Nội dung đọc được từ mã QR (cả địa chỉ hoặc chỉ phần mã)")
    p.add_argument("--keys", required=True, help="Danh sách khóa công bố (keys.json)")
    p.add_argument("--revocations", help="Danh sách thu hồi đã ký (revocations.json)")
    p.add_argument(
        "--today", type=datetime.date.fromisoformat, help="Ngày đối chiếu (YYYY-MM-DD), mặc định hôm nay"
    )
    p.add_argument("--json", action="store_true", help="In kết quả dạng JSON")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status, output = run(args.text, args.keys, args.revocations, args.today, args.json)
    except UnusableList as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    print(output)
    return status


if __name__ == "__main__":
    sys.exit(main())
