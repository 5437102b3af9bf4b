"""E-commerce platforms as data (`data/platforms.yaml`): their codes, names, and the hosts that name them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

PLATFORMS_FILE = Path(__file__).resolve().parent / "data" / "platforms.yaml"
FALLBACK = "other"


@dataclass(frozen=True)
class Platform:
    code: str
    name: str
    hosts: tuple[str, ...]


@cache
def platforms() -> dict[str, Platform]:
    rows = yaml.safe_load(PLATFORMS_FILE.read_text(encoding="utf-8"))
    table = {row["code"]: Platform(row["code"], row["name"], tuple(row.get("hosts") or ())) for row in rows}
    if FALLBACK not in table:
        raise ValueError(f"{PLATFORMS_FILE.name} must declare the platform {FALLBACK!r}")
    return table


def platform_of(url: str) -> str:
    """The platform a link belongs to by its host (`shopee.vn`, `www.shopee.vn`...), or `other`."""
    host = (urlsplit(url).hostname or "").lower()
    for platform in platforms().values():
        if any(host == known or host.endswith("." + known) for known in platform.hosts):
            return platform.code
    return FALLBACK


def platform_name(code: str) -> str:
    found = platforms().get(code)
    return found.name if found else code
