"""Read-only readers of a dossier registered by apps above the cycle (which it may not import).

Besides the producer's people and the officers over its unit, an app may let someone read a dossier's current
documents for a while: the evaluation app lets a council member read the dossiers assigned to them, while
their round is open and they are not conflicted. Each reader is a function `user -> Q over Dossier`; the
download path (`selectors.document_get`) asks them after its own rule.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

Reader = Callable[[object], Q]
_READERS: dict[str, Reader] = {}


def register_reader(name: str, reader: Reader) -> None:
    """Register (or replace, on a second `ready()`) the reader called `name`."""
    _READERS[name] = reader


def readable_q(user) -> Q:
    """The dossiers some registered reader lets `user` read; nothing for an anonymous visitor."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    query = Q(pk__in=[])
    for reader in _READERS.values():
        query |= reader(user)
    return query
