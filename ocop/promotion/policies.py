"""Who may record, confirm and read trade-promotion records.

Officers (the capability to manage producers, held over a unit) act within their area: they enter events held
there, open shops there, put gift sets together there, and confirm what the producers of their area report.
A producer's people record their own organisation's participation in events and its e-commerce listings; those
records wait for an officer over the producer's unit, who confirms or refuses them. What an officer records
is confirmed at once (the officer is the one who would have checked it).

`refusal_for(user, action, obj)` is the one place that says why an action is refused; services raise its
refusal and `flags(user, obj)` turns it into the `may_*` flags the pages and the API show.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability
from ocop.certification.policies import Refusal
from ocop.core.errors import Conflict, Forbidden
from ocop.producers.policies import acts_for
from ocop.promotion.models import Confirmation, Listing, Participation, Shop

OFFICER = Capability.MANAGE_PRODUCERS  # writes: officers who manage producers, in their units
READER = Capability.VIEW_WORK  # officers' reads

# The confirmation of what a producer reports: (state, action) → next state. The one table of moves.
CONFIRMATION_MOVES: dict[tuple[str, str], str] = {
    (Confirmation.PENDING, "confirm"): Confirmation.CONFIRMED,
    (Confirmation.PENDING, "reject"): Confirmation.REJECTED,
}

# The `may_*` flags of each kind of record, and the action each stands for.
FLAGS: dict[type, dict[str, str]] = {
    Participation: {"may_confirm": "confirm", "may_reject": "reject"},
    Listing: {"may_confirm": "confirm", "may_reject": "reject"},
    Shop: {"may_add_product": "add_product"},
}


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _outside(message: str) -> Refusal:
    return Refusal(Forbidden, "promotion_forbidden", message)


def is_officer(user) -> bool:
    return _signed_in(user) and has_capability(user, OFFICER)


def officer_refusal(user, unit) -> Refusal | None:
    """An officer over `unit` may record there; anyone else is refused."""
    if not _signed_in(user) or not has_capability(user, OFFICER):
        return _outside(_("Chỉ cán bộ phụ trách OCOP được ghi nhận việc này."))
    if not can(user, OFFICER, unit):
        return _outside(_("Đơn vị này nằm ngoài địa bàn bạn phụ trách."))
    return None


def reporter_refusal(user, product) -> Refusal | None:
    """Who may report a product's participation or listing: its producer's people, or an officer over the
    producer's unit."""
    if acts_for(user, product.producer_id):
        return None
    if is_officer(user) and can(user, OFFICER, product.producer.unit):
        return None
    return _outside(
        _("Bạn chỉ ghi nhận cho sản phẩm của chủ thể mình, hoặc của chủ thể trong địa bàn phụ trách.")
    )


def reported_by_officer(user, product) -> bool:
    """An officer over the producer's unit records it confirmed; a producer's report waits."""
    return (
        not acts_for(user, product.producer_id)
        and is_officer(user)
        and can(user, OFFICER, product.producer.unit)
    )


def refusal_for(user, action: str, obj) -> Refusal | None:
    """Why `user` may not take `action` on `obj` now (None: they may)."""
    if isinstance(obj, Participation | Listing):
        if action not in ("confirm", "reject"):
            raise ValueError(action)
        refused = officer_refusal(user, obj.producer.unit)
        if refused is not None:
            return refused
        if (obj.status, action) not in CONFIRMATION_MOVES:
            return Refusal(Conflict, "promotion_not_pending", _("Bản ghi này không còn chờ xác nhận."))
        return None
    if isinstance(obj, Shop):
        if action != "add_product":
            raise ValueError(action)
        return officer_refusal(user, obj.unit)
    raise TypeError(type(obj).__name__)


def flags(user, obj) -> dict[str, bool]:
    return {flag: refusal_for(user, action, obj) is None for flag, action in FLAGS[type(obj)].items()}


def may_record_events(user) -> bool:
    return is_officer(user)


def may_report(user) -> bool:
    """Sees the forms to report a participation or a listing: a producer's people or an officer."""
    return _signed_in(user) and (has_capability(user, Capability.ACT_AS_PRODUCER) or is_officer(user))
