"""Reads for a user, already confined to what that user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from ocop.accounts.models import Role, User
from ocop.accounts.policies import Capability, has_capability, scope_q
from ocop.audit.models import AuditEvent


def roles_visible_to(user) -> QuerySet[Role]:
    return (
        Role.active.filter(scope_q(user, Capability.MANAGE_ROLES, "unit"))
        .select_related("user", "unit")
        .order_by("user__username", "kind")
    )


def users_visible_to(user) -> QuerySet[User]:
    """People a role manager may give roles to (role managers are central officers: the whole country)."""
    if not has_capability(user, Capability.MANAGE_ROLES):
        return User.objects.none()
    return User.objects.filter(is_active=True).order_by("username")


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(scope_q(user, Capability.READ_AUDIT, "unit"))
        .select_related("unit")
        .order_by("-at", "-id")
    )
