"""Private signing keys: made, kept and read here only.

Each key is a PKCS#8 PEM file, mode 0600, in `settings.SIGNING_KEYS_DIR` (mode 0700; default
`OCOP_DATA_DIR/keys`). The database holds only the public half and the file's name. A file whose mode lets
others read it, or whose public half differs from the database's, is refused. Production points
`OCOP_SIGNING_KEYS_DIR` at a volume mounted only where certificates are signed (docs/certification.md).
"""

from __future__ import annotations

import base64
import os
import secrets
import stat
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils.translation import gettext as _

from ocop.core.errors import Conflict

_loaded: dict[str, Ed25519PrivateKey] = {}
_lock = threading.Lock()


def keys_dir() -> Path:
    folder = Path(settings.SIGNING_KEYS_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def public_b64(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def generate(key_id: str) -> tuple[str, str]:
    """A new key pair: writes the private half to a new 0600 file; returns (file name, public key base64)."""
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # A random suffix: two processes (or test workers) never write the same file.
    name = f"{key_id}-{secrets.token_hex(6)}.pem"
    descriptor = os.open(keys_dir() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    with _lock:
        _loaded[name] = private_key
    return name, public_b64(private_key)


def _unavailable(key) -> Conflict:
    return Conflict(
        _("Khóa ký %(key)s không dùng được trên máy chủ này; liên hệ quản trị hệ thống.")
        % {"key": key.key_id},
        code="signing_key_unavailable",
    )


def private_key(key) -> Ed25519PrivateKey:
    """The private half of a SigningKey, read once per process and checked against its public half."""
    cached = _loaded.get(key.private_key_file)
    if cached is not None and public_b64(cached) == key.public_key:
        return cached
    path = keys_dir() / Path(key.private_key_file).name
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise _unavailable(key)
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise _unavailable(key) from exc
    if not isinstance(loaded, Ed25519PrivateKey) or public_b64(loaded) != key.public_key:
        raise _unavailable(key)
    with _lock:
        _loaded[key.private_key_file] = loaded
    return loaded


def sign(key, message: bytes) -> bytes:
    return private_key(key).sign(message)
