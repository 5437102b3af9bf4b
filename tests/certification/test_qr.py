"""The QR payload on its own (no database): round trip, tampering, size within version 8 level M."""

from __future__ import annotations

import datetime

import pytest
import segno
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.certification import qr

KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
SITE = "https://ocop.gov.vn"
tokens = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,15}", fullmatch=True)
claims = st.builds(
    qr.Claim,
    key_id=st.from_regex(r"[A-Z0-9]{2,3}-[0-9]{1,3}", fullmatch=True),
    number=tokens,
    stars=st.integers(3, 5),
    valid_until=st.dates(datetime.date(2020, 1, 1), datetime.date(2150, 12, 31)),
)


@given(claims)
@settings(max_examples=200, deadline=None)
def test_a_signed_claim_reads_back_and_verifies(claim):
    payload = qr.sign(claim, KEY)
    read, signature = qr.unpack(qr.qr_text(SITE, payload))
    assert read == claim
    assert qr.signature_matches(read, signature, PUBLIC)


@given(claims, st.data())
@settings(max_examples=200, deadline=None)
def test_changing_any_character_never_yields_a_genuine_code(claim, data):
    payload = qr.sign(claim, KEY)
    position = data.draw(st.integers(0, len(payload) - 1))
    replacement = data.draw(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").filter(lambda c: c != payload[position])
    )
    tampered = payload[:position] + replacement + payload[position + 1 :]
    try:
        read, signature = qr.unpack(tampered)
    except qr.Malformed:
        return
    assert not qr.signature_matches(read, signature, PUBLIC)


@pytest.mark.parametrize(
    "site", ["http://127.0.0.1:8000", "https://ocop.gov.vn", "https://ocopvietnam.gov.vn"]
)
def test_the_largest_realistic_code_stays_within_version_8_level_m(site):
    # Longest realistic fields: an authority code of 2, a key id of the 999th rotation, a 5-digit sequence.
    claim = qr.Claim("TW-999", "TW-2150-99999", 5, datetime.date(2150, 12, 31))
    text = qr.qr_text(site, qr.sign(claim, KEY))
    code = qr.qr_code(text)
    assert code.version <= 8 and code.error == "M"
    assert qr.fits(text)
    assert text.isascii()


def test_fits_agrees_with_segno_around_the_limit():
    payload = qr.sign(qr.Claim("24-1", "24-2026-00001", 4, datetime.date(2029, 7, 9)), KEY)
    for length in range(10, 80):
        text = "https://" + "a" * length + ".vn" + qr.VERIFY_PATH + payload
        version = segno.make(qr._segments(text), error="m", boost_error=False).version
        assert qr.fits(text) == (version <= 8), length


@pytest.mark.parametrize(
    "text", ["", "   ", "https://ocop.gov.vn/certificates/v/", "abc", "A" * 2000, "Đ" * 10]
)
def test_what_is_not_ours_is_malformed(text):
    with pytest.raises(qr.Malformed):
        qr.unpack(text)


def test_the_signed_message_binds_every_field():
    claim = qr.Claim("24-1", "24-2026-00001", 4, datetime.date(2029, 7, 9))
    assert claim.message() == b"OCOP-CERT-1|24-1|24-2026-00001|4|2029-07-09"
