"""Reads for a user, already confined to what that user may see."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from ocop.accounts.models import ApiToken, Role, User
from ocop.accounts.policies import MANAGE_ACCOUNTS, Capability, has_capability, scope_q
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


def tokens_of(user) -> QuerySet[ApiToken]:
    """The person's own tokens that still open the API (not revoked, not past their lifetime or idle
    limit), newest first. Never anyone else's: an administrator ends them by deactivating the account."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    idle_since = timezone.now() - timedelta(seconds=settings.TOKEN_IDLE_SECONDS)
    recent = Q(last_used_at__gt=idle_since) | Q(last_used_at__isnull=True, created_at__gt=idle_since)
    return ApiToken.live.filter(recent, user=user).order_by("-created_at", "-pk")


def token_of(user, token_id: int) -> ApiToken | None:
    """One of the person's own tokens, live or not; None for anyone else's (it looks missing)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ApiToken.objects.filter(pk=token_id, user=user).first()


def accounts_visible_to(user, query: str = "") -> QuerySet[User]:
    """Every account, active or not, for whoever deactivates accounts (the central officers)."""
    if not has_capability(user, MANAGE_ACCOUNTS):
        return User.objects.none()
    people = User.objects.all()
    query = query.strip()[:150]
    if query:
        people = people.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    return people.order_by("-is_active", "username")
