"""Check a certificate QR with no network and no database: against the published key list and, when given,
the signed revocation lists. The same rules decide online (selectors.certificate_verify) and offline.

    ocop verify-qr TEXT --keys keys.json [--revocations revocations.json] [--state seen.json]
                   [--max-age-days 7] [--today YYYY-MM-DD] [--json]
    python -m ocop.certification.offline TEXT --keys keys.json ...      (the same, without Django)

keys.json is what GET /api/v1/certificates/keys returns; revocations.json what GET
/api/v1/certificates/revocations returns. Exit status: 0 valid, 2 not genuine, 3 expired, 4 revoked,
5 cannot tell, 1 unusable input (a key list or revocation list that is malformed or not genuine).

With a revocation file the verifier fails closed: a genuine code whose authority has no list in the file, whose
list is older than `--max-age-days` (lists are re-signed daily), older than a list of the same authority seen
before (`--state` keeps the highest sequence seen), or whose sequence and date disagree with one seen before,
is reported "cannot tell" (status `unknown`), never "valid". A certificate a list names as revoked is revoked
whatever the list's age.
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
    "no_revocation_list": (
        "Chữ ký đúng, nhưng tệp danh sách thu hồi không có danh sách của cơ quan cấp: không biết giấy chứng "
        "nhận đã bị thu hồi hay chưa. Hãy tải lại danh sách thu hồi."
    ),
    "revocation_list_stale": (
        "Chữ ký đúng, nhưng danh sách thu hồi của cơ quan cấp đã quá cũ: không biết giấy chứng nhận có bị thu "
        "hồi sau ngày ký danh sách hay không. Hãy tải danh sách mới."
    ),
    "revocation_list_rolled_back": (
        "Chữ ký đúng, nhưng danh sách thu hồi cũ hơn danh sách của cùng cơ quan đã kiểm tra trước đây (có thể "
        "đã bị tráo): không kết luận được. Hãy tải danh sách mới."
    ),
    "revocation_list_inconsistent": (
        "Chữ ký đúng, nhưng số thứ tự và ngày ký của danh sách thu hồi không khớp nhau hoặc không khớp danh "
        "sách đã thấy trước đây: không kết luận được."
    ),
    "unknown_number": "Không có giấy chứng nhận OCOP nào mang số này.",
}
# Said beside the answer to a certificate number typed by hand (online only: offline needs the QR's signature).
NUMBER_TYPED_NOTE = (
    "Tra cứu theo số giấy chứng nhận: không kiểm tra chữ ký mã QR; trạng thái lấy từ hồ sơ của cơ quan cấp."
)
EXIT_CODES = {"active": 0, "not_genuine": 2, "expired": 3, "revoked": 4, "unknown": 5}
# Lists are re-signed daily (`ocop signing_keys publish-revocations`); a week's margin covers a missed run.
DEFAULT_MAX_AGE = datetime.timedelta(days=7)
# A list dated later than this past the verifier's day is not believed (a wrong clock or a wrong list).
_CLOCK_SKEW = datetime.timedelta(days=1)


class UnusableList(ValueError):  # noqa: N818  (reported to the user as it is named)
    """A key list or revocation list that is malformed, or a revocation list whose signature does not match."""


@dataclass(frozen=True)
class PublishedKey:
    key_id: str
    authority: str
    authority_name: str
    public_key: bytes


class SignedList(dict):
    """One authority's verified revocation list: {certificate number: entry}, with the list's `sequence` and
    `issued_at` (aware datetime) and, once compared with what was seen before, `problem`."""

    def __init__(self, entries: Mapping[str, Any], *, sequence: int, issued_at: datetime.datetime) -> None:
        super().__init__(entries)
        self.sequence = sequence
        self.issued_at = issued_at
        self.problem: str | None = None


@dataclass
class Result:
    """The outcome of one check. `status` is active, expired, revoked, not_genuine or unknown (cannot tell);
    `problem` names why a code is not valid (malformed, unknown_key, bad_signature, unknown_certificate,
    expired, revoked, superseded, no_revocation_list, revocation_list_stale, revocation_list_rolled_back,
    revocation_list_inconsistent)."""

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
        sequence, issued_at = _sequence_and_date(body, authority)
        if authority in lists:
            raise UnusableList(f"revocation file: two lists of {authority}")
        entries = {str(item["number"]): dict(item) for item in revoked}
        lists[authority] = SignedList(entries, sequence=sequence, issued_at=issued_at)
    return lists


def _sequence_and_date(body: Mapping[str, Any], authority: str) -> tuple[int, datetime.datetime]:
    """A signed list carries a whole sequence number from 1 and the moment it was signed, with its zone."""
    sequence, issued = body.get("sequence"), body.get("issued_at")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise UnusableList(f"revocation list of {authority}: `sequence` must be a whole number from 1")
    try:
        issued_at = datetime.datetime.fromisoformat(str(issued))
    except ValueError as exc:
        raise UnusableList(f"revocation list of {authority}: `issued_at` is not a date and time") from exc
    if issued_at.tzinfo is None:
        raise UnusableList(f"revocation list of {authority}: `issued_at` has no time zone")
    return sequence, issued_at


def remember_lists(lists: Mapping[str, SignedList], seen: dict[str, Any]) -> dict[str, Any]:
    """Compare each list with the newest of its authority seen before (`seen`: authority → {"sequence",
    "issued_at"}, the verifier's state file) and mark a list that goes back (`revocation_list_rolled_back`) or
    whose sequence and date disagree with it (`revocation_list_inconsistent`). Returns the state to keep:
    the newest consistent list of each authority."""
    kept = dict(seen)
    for authority, signed in lists.items():
        before = seen.get(authority)
        if not isinstance(before, Mapping):
            kept[authority] = {"sequence": signed.sequence, "issued_at": signed.issued_at.isoformat()}
            continue
        try:
            seen_sequence = int(before["sequence"])
            seen_at = datetime.datetime.fromisoformat(str(before["issued_at"]))
        except (KeyError, TypeError, ValueError):
            signed.problem = "revocation_list_inconsistent"  # a damaged state file: do not vouch
            continue
        if signed.sequence < seen_sequence:
            signed.problem = "revocation_list_rolled_back"
        elif (signed.sequence == seen_sequence and signed.issued_at != seen_at) or (
            signed.sequence > seen_sequence and signed.issued_at < seen_at
        ):
            signed.problem = "revocation_list_inconsistent"
        else:
            kept[authority] = {"sequence": signed.sequence, "issued_at": signed.issued_at.isoformat()}
    return kept


def _list_problem(signed: Mapping[str, Any], today: datetime.date, max_age: datetime.timedelta) -> str | None:
    """Why a list cannot vouch that a certificate it does not name is not revoked, or None."""
    problem = getattr(signed, "problem", None)
    if problem:
        return problem
    issued_at = getattr(signed, "issued_at", None)
    if issued_at is None:  # a bare mapping: its age is unknown
        return "revocation_list_stale"
    signed_on = issued_at.date()
    if signed_on > today + _CLOCK_SKEW:
        return "revocation_list_inconsistent"
    if today - signed_on > max_age:
        return "revocation_list_stale"
    return None


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
    max_age: datetime.timedelta = DEFAULT_MAX_AGE,
) -> Result:
    """Check one QR text against published keys (and revocation lists when given: then it fails closed, see
    the module)."""
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
    cannot_tell = None
    if revocations is not None:
        authority_list = revocations.get(key.authority)
        if authority_list is None:
            cannot_tell = "no_revocation_list"
        else:
            entry = authority_list.get(claim.number)
            if entry is not None:  # a genuine list naming it: revoked, however old the list
                result.revocation_checked = True
                result.status = "revoked"
                result.problem = "superseded" if entry.get("reason") == "superseded" else "revoked"
                result.revocation = dict(entry)
                return result
            cannot_tell = _list_problem(authority_list, today, max_age)
            result.revocation_checked = cannot_tell is None
            issued_at = getattr(authority_list, "issued_at", None)
            if issued_at is not None:
                result.notes.append(
                    f"revocation_list: sequence {authority_list.sequence}, {issued_at.isoformat()}"
                )
    if claim.valid_until < today:
        result.status = "expired"
        result.problem = "expired"
    elif cannot_tell is not None:
        result.status = "unknown"
        result.problem = cannot_tell
        result.notes.append(cannot_tell)
    return result


def read_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnusableList(f"{path}: {exc}") from exc


def describe(result: Result) -> str:
    """A few lines for a person at a terminal."""
    verdict = "HỢP LỆ" if result.valid else "KHÔNG HỢP LỆ"
    if result.status == "unknown":
        verdict = "KHÔNG KẾT LUẬN ĐƯỢC"
    lines = [f"{verdict}: {result.message}"]
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


def run(
    text: str,
    keys_path: str,
    revocations_path: str | None,
    today: datetime.date | None,
    as_json: bool,
    *,
    state_path: str | None = None,
    max_age_days: int | None = None,
):
    """(exit status, output) of one command-line check."""
    keys = load_keys(read_json(keys_path))
    revocations = load_revocations(read_json(revocations_path), keys) if revocations_path else None
    if revocations is not None and state_path:
        state = Path(state_path)
        seen = read_json(state) if state.exists() else {}
        if not isinstance(seen, dict):
            raise UnusableList(f"{state_path}: expected an object")
        kept = remember_lists(revocations, seen)
        state.write_text(json.dumps(kept, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    max_age = DEFAULT_MAX_AGE if max_age_days is None else datetime.timedelta(days=max_age_days)
    result = verify(text, keys, revocations, today=today, max_age=max_age)
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
    p.add_argument(
        "--state",
        help="Tệp ghi số thứ tự danh sách thu hồi mới nhất đã thấy của từng cơ quan (phát hiện danh sách bị tráo)",
    )
    p.add_argument(
        "--max-age-days",
        type=int,
        default=DEFAULT_MAX_AGE.days,
        help="Danh sách thu hồi ký quá số ngày này thì không kết luận được (mặc định 7)",
    )
    p.add_argument("--json", action="store_true", help="In kết quả dạng JSON")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status, output = run(
            args.text,
            args.keys,
            args.revocations,
            args.today,
            args.json,
            state_path=args.state,
            max_age_days=args.max_age_days,
        )
    except UnusableList as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    print(output)
    return status


if __name__ == "__main__":
    sys.exit(main())
