"""Reference data the catalogue pages read on every request, cached per process.

Provinces (both generations) and the names of groups and product sets change a few times a year, by
import. Each process keeps them for `TTL` seconds; `forget()` drops them at once (the geo and rubric
imports run in other processes, hence the expiry as well).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

TTL = 300.0
_lock = threading.Lock()
_held: dict[str, tuple[float, Any]] = {}


def cached(name: str, load: Callable[[], Any]) -> Any:
    now = time.monotonic()
    found = _held.get(name)
    if found is not None and now - found[0] < TTL:
        return found[1]
    value = load()
    with _lock:
        _held[name] = (now, value)
    return value


def forget() -> None:
    with _lock:
        _held.clear()
