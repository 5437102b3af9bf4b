"""The signed QR of a certificate: what is signed, how it is packed into a short URL, and how it is read back.

No Django and no database here: the offline verifier uses this module as it is.

QR text:  <site>/certificates/v/<payload>
payload:  base32 (RFC 4648, upper case, no padding) of
          format (1 byte, = 1) | len + key id (ASCII) | len + certificate number (ASCII) | stars (1 byte)
          | expiry (2 bytes, big-endian days since 2000-01-01) | Ed25519 signature (64 bytes)
signed:   b"OCOP-CERT-1|<key id>|<number>|<stars>|<expiry YYYY-MM-DD>"

The payload is upper-case letters and digits, so the QR packs it in alphanumeric mode (5.5 bits a character)
after the address in byte mode: about 140 characters of payload stay within version 8, level M.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from dataclasses import dataclass

FORMAT = 1
EPOCH = datetime.date(2000, 1, 1)
VERIFY_PATH = "/certificates/v/"
MAX_QR_VERSION = 8
QR_ERROR = "m"
SIGNATURE_BYTES = 64
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$")
_BASE32 = re.compile(r"^[A-Z2-7]+$")
MAX_TEXT = 600  # longer input is not one of ours; refuse it before decoding anything

# Data codewords of a version 8 QR at level M: 2×38 + 2×39 (ISO/IEC 18004, table 9).
_CAPACITY_BITS_8M = 154 * 8


class Malformed(ValueError):  # noqa: N818  (a verification outcome, named as the verifier reports it)
    """The text is not a certificate QR of this system (or it was damaged beyond reading)."""


@dataclass(frozen=True)
class Claim:
    """What a certificate's QR asserts, and what its signature covers."""

    key_id: str
    number: str
    stars: int
    valid_until: datetime.date

    def message(self) -> bytes:
        return f"OCOP-CERT-{FORMAT}|{self.key_id}|{self.number}|{self.stars}|{self.valid_until.isoformat()}".encode(
            "ascii"
        )


def check_token(value: str, what: str) -> str:
    if not _TOKEN.match(value or ""):
        raise ValueError(f"{what} must be 1–32 ASCII letters, digits or . _ / - (got {value!r}).")
    return value


def pack(claim: Claim, signature: bytes) -> str:
    """The base32 payload of a signed claim."""
    key_id = check_token(claim.key_id, "key id").encode("ascii")
    number = check_token(claim.number, "certificate number").encode("ascii")
    days = (claim.valid_until - EPOCH).days
    if not 0 <= days < 65536:
        raise ValueError("expiry out of range")
    if not 1 <= claim.stars <= 5:
        raise ValueError("stars out of range")
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError("an Ed25519 signature has 64 bytes")
    raw = (
        bytes([FORMAT, len(key_id)])
        + key_id
        + bytes([len(number)])
        + number
        + bytes([claim.stars])
        + days.to_bytes(2, "big")
        + signature
    )
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def payload_of(text: str) -> str:
    """The payload inside what a scanner read: a whole URL (any site, with or without a query or a trailing
    slash) or the payload alone."""
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise Malformed("empty or too long")
    text = text.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return text.rsplit("/", 1)[-1].strip().upper()


def unpack(text: str) -> tuple[Claim, bytes]:
    """The claim and signature in a QR text; `Malformed` when it is not one of ours."""
    payload = payload_of(text)
    if not _BASE32.match(payload):
        raise Malformed("not base32")
    try:
        raw = base64.b32decode(payload + "=" * (-len(payload) % 8))
    except (binascii.Error, ValueError) as exc:
        raise Malformed("not base32") from exc
    # The last character carries spare bits: only the one canonical spelling of the bytes is ours, so a
    # code altered in those bits is not reported genuine.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != payload:
        raise Malformed("not canonical base32")
    try:
        if raw[0] != FORMAT:
            raise Malformed(f"unknown format {raw[0]}")
        at = 1
        key_len = raw[at]
        key_id = raw[at + 1 : at + 1 + key_len].decode("ascii")
        at += 1 + key_len
        number_len = raw[at]
        number = raw[at + 1 : at + 1 + number_len].decode("ascii")
        at += 1 + number_len
        stars = raw[at]
        days = int.from_bytes(raw[at + 1 : at + 3], "big")
        signature = raw[at + 3 :]
    except (IndexError, UnicodeDecodeError) as exc:
        raise Malformed("truncated") from exc
    if len(key_id) != key_len or len(number) != number_len or len(signature) != SIGNATURE_BYTES:
        raise Malformed("truncated")
    if not (_TOKEN.match(key_id) and _TOKEN.match(number)) or not 1 <= stars <= 5:
        raise Malformed("bad field")
    return Claim(key_id, number, stars, EPOCH + datetime.timedelta(days=days)), signature


def qr_text(site_url: str, payload: str) -> str:
    return f"{site_url.rstrip('/')}{VERIFY_PATH}{payload}"


def _segments(text: str):
    """The address in byte mode, the base32 payload in alphanumeric mode (much denser)."""
    from segno import consts

    prefix, _, payload = text.rpartition("/")
    if payload and _BASE32.match(payload):
        return [(prefix + "/", consts.MODE_BYTE), (payload, consts.MODE_ALPHANUMERIC)]
    return [(text, consts.MODE_BYTE)]


def fits(text: str) -> bool:
    """Whether the QR of `text` stays within version 8, level M (arithmetic: no matrix is built)."""
    prefix, _, payload = text.rpartition("/")
    prefix += "/"
    if not (payload and _BASE32.match(payload)):
        return 4 + 8 + 8 * len(text.encode("utf-8")) <= _CAPACITY_BITS_8M
    alnum = 11 * (len(payload) // 2) + 6 * (len(payload) % 2)
    bits = (4 + 8 + 8 * len(prefix.encode("utf-8"))) + (4 + 9 + alnum)
    return bits <= _CAPACITY_BITS_8M


def qr_code(text: str):
    """The segno QR of a certificate text: level M, never above version 8."""
    import segno

    code = segno.make(_segments(text), error=QR_ERROR, boost_error=False)
    if code.version > MAX_QR_VERSION:
        raise ValueError(f"QR version {code.version} > {MAX_QR_VERSION}: the site address is too long.")
    return code


def sign(claim: Claim, private_key) -> str:
    """The payload of `claim` signed with an Ed25519 private key (cryptography's Ed25519PrivateKey)."""
    return pack(claim, private_key.sign(claim.message()))


def signature_matches(claim: Claim, signature: bytes, public_key_raw: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key_raw).verify(signature, claim.message())
    except (InvalidSignature, ValueError):
        return False
    return True
