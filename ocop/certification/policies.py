"""Who may recognise, approve, revoke and read certificates.

An authority's decisions are made by its own officers: a province officer acts for the province's People's
Committee, a central officer for the ministry (RECOGNISE held over exactly the authority's unit). Which stars
each may recognise comes from the rubric duty table (rules.recognisable_stars). Every issuing, revoking or
change of stars needs a second official: the checker is never the maker.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, roles_with
from ocop.certification import council
from ocop.producers.models import ProducerMember


def can_act_for(user, authority) -> bool:
    return any(role.unit_id == authority.unit_id for role in roles_with(user, Capability.RECOGNISE))


def why_not_act_for(user, authority) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return _("Bạn cần đăng nhập.")
    if not roles_with(user, Capability.RECOGNISE):
        return _("Vai trò của bạn không có quyền công nhận sản phẩm OCOP.")
    if not can_act_for(user, authority):
        return _("Bạn không phải cán bộ của %(authority)s.") % {"authority": authority.name}
    return None


def why_not_check(user, authority, maker) -> str | None:
    """Why `user` may not approve what `maker` prepared for `authority` (None: they may)."""
    reason = why_not_act_for(user, authority)
    if reason:
        return reason
    if maker is not None and maker.pk == user.pk:
        return _("Người duyệt phải là một cán bộ khác với người lập (nguyên tắc hai người).")
    return None


def can_check(user, authority, maker) -> bool:
    return why_not_check(user, authority, maker) is None


def is_producer_member(user, producer_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return ProducerMember.objects.filter(producer_id=producer_id, user=user).exists()


def can_view_certificate(user, certificate) -> bool:
    """Officers of the producer's units, officers of the issuing authority, and the producer's own people."""
    producer = certificate.product.producer
    if can(user, Capability.VIEW_WORK, producer.unit) or can_act_for(user, certificate.authority):
        return True
    return is_producer_member(user, producer.pk)


def why_not_approve(user, decision) -> str | None:
    """Why `user` may not approve this draft: not a checker of its authority, its maker, a member of a listed
    product's producer, or one who scored a listed product in its round (None: they may)."""
    reason = why_not_check(user, decision.authority, decision.created_by)
    if reason:
        return reason
    for item in decision.items.select_related("product"):
        backing, _problem = council.supporting(decision.authority, item.product, item.stars, item.dossier_id)
        problem = council.checker_problem(user, item, backing)
        if problem:
            return problem[1]
    return None
