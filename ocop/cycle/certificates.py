"""The producer's OCOP certificates as the cycle sees them: an upgrade or re-evaluation dossier names the
certificate it follows by its printed number (`24-2026-00001`), chosen from the producer's own certificates.

The certification app sits above the cycle (it may not be imported here): it registers the source from its
`ready()`. Without it, a producer has no certificate to name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ocop.core.errors import Invalid


@dataclass(frozen=True)
class CertificateRef:
    id: int
    number: str
    product: str
    stars: int


Source = Callable[[int], list[CertificateRef]]
_SOURCES: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    _SOURCES[name] = source


def of_producer(producer_id: int) -> list[CertificateRef]:
    """The producer's certificates, newest first."""
    return [ref for source in _SOURCES.values() for ref in source(producer_id)]


def choices(producer_id: int) -> list[tuple[str, str]]:
    """(number, label) for a select: the number as printed, the product and its stars."""
    return [(ref.number, f"{ref.number} – {ref.product} ({ref.stars}★)") for ref in of_producer(producer_id)]


def resolve(producer_id: int, *, number: str | None = None, certificate_id: int | None = None) -> int | None:
    """The id of the producer's certificate named by its number (or id); refused when it is not theirs."""
    if not number and certificate_id is None:
        return None
    own = of_producer(producer_id)
    wanted = (number or "").strip().upper()
    found = next((r for r in own if (wanted and r.number == wanted) or r.id == certificate_id), None)
    if found is None:
        raise Invalid(
            _("Giấy chứng nhận trước đó phải là một giấy chứng nhận của chính chủ thể này (chọn theo số)."),
            code="previous_certificate_not_own",
        )
    return found.id


def number_of(producer_id: int, certificate_id: int | None) -> str | None:
    if certificate_id is None:
        return None
    return next((r.number for r in of_producer(producer_id) if r.id == certificate_id), None)
