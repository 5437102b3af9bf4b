"""Links on the public verification page offered by apps above certification (which it may not import).

An app registers, in its `ready()`, a function `certificate -> (label, url) | None`; the verification page shows
every link a function returns for the certificate it found (supervision's "report a product that does not
look like the certified one"). With no app registered, the page shows none.
"""

from __future__ import annotations

from collections.abc import Callable

Link = tuple[str, str]
LinkFor = Callable[[object], Link | None]
_LINKS: dict[str, LinkFor] = {}


def register_verify_link(name: str, link_for: LinkFor) -> None:
    """Register (or replace, on a second `ready()`) the link called `name`."""
    _LINKS[name] = link_for


def links_for(certificate) -> list[Link]:
    if certificate is None:
        return []
    return [link for link_for in _LINKS.values() if (link := link_for(certificate)) is not None]
