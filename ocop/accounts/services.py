"""Actions on accounts: granting and revoking roles, API tokens, passwords, deactivation, and the login
throttle."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import ApiToken, LoginThrottle, Role, TokenEnd, User
from ocop.accounts.policies import (
    ROLE_UNIT_LEVELS,
    Capability,
    can,
    can_end_token,
    forget_roles,
    why_not_manage_account,
)
from ocop.accounts.usernames import clean_username, normalise_username
from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Unauthenticated
from ocop.core.ratelimit import client_address, spend
from ocop.geo.models import AdminUnit, Era


@transaction.atomic
def role_grant(*, actor, user: User, kind: str, unit: AdminUnit, reason: str = "") -> Role:
    if actor is not None and not can(actor, Capability.MANAGE_ROLES, unit):
        raise Forbidden("Bạn không có quyền phân vai trò cho đơn vị này.", code="role_forbidden")
    if unit.era != Era.CURRENT or unit.level not in ROLE_UNIT_LEVELS.get(kind, ()):
        raise Invalid("Vai trò này không thể giao cho đơn vị cấp này.", code="role_unit_level")
    if Role.active.filter(user=user, kind=kind, unit=unit).exists():
        raise Conflict("Người dùng đã có vai trò này tại đơn vị này.", code="role_exists")
    role = Role.objects.create(user=user, kind=kind, unit=unit, granted_by=actor)
    forget_roles(user)
    record_event(
        actor=actor,
        action="role.grant",
        target=role,
        unit=unit,
        reason=reason,
        data={"user": user.username, "kind": kind, "unit": unit.code},
    )
    return role


@transaction.atomic
def role_revoke(*, actor, role: Role, reason: str = "") -> Role:
    role = Role.objects.select_for_update().get(pk=role.pk)
    if not can(actor, Capability.MANAGE_ROLES, role.unit):
        raise Forbidden("Bạn không có quyền thu hồi vai trò này.", code="role_forbidden")
    if role.revoked_at is not None:
        raise Conflict("Vai trò này đã được thu hồi.", code="role_already_revoked")
    role.revoked_at = timezone.now()
    role.save(update_fields=["revoked_at"])
    forget_roles(role.user)
    # A token carries no rights of its own, but whoever loses a role signs in again, as after a password change.
    ended = _end_tokens(role.user, TokenEnd.ROLE_REVOKED)
    record_event(
        actor=actor,
        action="role.revoke",
        target=role,
        unit=role.unit,
        reason=reason,
        data={
            "user": role.user.username,
            "kind": role.kind,
            "unit": role.unit.code,
            "tokens_ended": ended,
        },
    )
    return role


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def login_check_allowed(username: str) -> None:
    throttle = LoginThrottle.objects.filter(username=username.lower()).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        raise RateLimited(
            "Tài khoản tạm khoá do đăng nhập sai nhiều lần. Vui lòng thử lại sau.", code="login_locked"
        )


@transaction.atomic
def login_record_failure(username: str) -> None:
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(username=username.lower())
    throttle.failures += 1
    if throttle.failures >= settings.LOGIN_MAX_FAILURES:
        throttle.locked_until = timezone.now() + timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
        throttle.failures = 0
        record_event(
            actor=None,
            action="login.locked",
            reason="Đăng nhập sai nhiều lần",
            data={"username": username.lower()},
        )
    throttle.save()


def login_record_success(username: str) -> None:
    LoginThrottle.objects.filter(username=username.lower()).delete()


def _address_failure(request):
    """Count one failure from this address over any names: a lock per name alone lets one machine try a
    common password on every account. Only failures count, so a commune office behind one address is not
    slowed."""
    bucket = f"login-failures:{client_address(request)}"
    return spend(bucket, limit=settings.LOGIN_ADDRESS_FAILURES, window=settings.LOGIN_LOCK_SECONDS)


def authenticate_throttled(request, username: str, password: str) -> User:
    """Check a name and password with lockout; raise a domain error with a message for the person.

    The budget per address counts failures only and never refuses a right password: people of one office
    share an address, and one of them mistyping must not lock out the others (the lock per name stays).
    A failure is counted first and judged on the count it got, so processes failing at once cannot all slip
    under the budget.
    The name is normalised as it was when the account was created (ocop.accounts.usernames)."""
    username = normalise_username(username)
    login_check_allowed(username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_record_failure(username)
        budget = _address_failure(request)
        if budget.used == budget.limit:
            record_event(
                actor=None,
                action="login.address_limited",
                reason="Đăng nhập sai nhiều lần từ một địa chỉ",
                data={"address": client_address(request)},
            )
        if budget.exceeded:
            raise RateLimited(
                _("Có quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng thử lại sau %(minutes)s phút.")
                % {"minutes": max(1, budget.retry_after // 60)},
                code="login_address_limited",
                details={"retry_after": budget.retry_after},
            )
        raise Unauthenticated("Tên đăng nhập hoặc mật khẩu không đúng.", code="bad_credentials")
    login_record_success(username)
    return user


def _end_tokens(user: User, because: str, *, only=None) -> int:
    """End the live tokens of `user` (or those of `only`); the callers record why in their own event."""
    tokens = ApiToken.live.filter(user=user)
    if only is not None:
        tokens = tokens.filter(pk__in=only)
    return tokens.update(revoked_at=timezone.now(), revoked_because=because)


@transaction.atomic
def token_issue(*, user: User, name: str = "", address: str = "") -> str:
    """A new token for `user` (the raw value, shown once). Beyond the per-person cap the oldest live tokens
    end: a script that signs in on every run never piles up tokens that all still open the API."""
    # Locking the person's row makes parallel sign-ins take their turn, so the cap holds under races.
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    # Ended tokens open nothing and their issue and end are in the audit trail: drop them, so a person's rows
    # stay at most the cap (plus those this sign-in ends), however often a script signs in.
    idle = _idle_limit()
    ended_q = (
        Q(revoked_at__isnull=False)
        | Q(expires_at__lte=now)
        | Q(last_used_at__lte=idle)
        | Q(last_used_at__isnull=True, created_at__lte=idle)
    )
    ApiToken.objects.filter(ended_q, user=user).delete()
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(raw),
        name="".join(ch for ch in name if ch.isprintable()).strip()[:100],  # a User-Agent may carry anything
        created_at=now,
        created_from=address[:64],
        expires_at=now + timedelta(seconds=settings.TOKEN_LIFETIME_SECONDS),
    )
    keep = ApiToken.live.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)
    surplus = list(keep[settings.TOKENS_PER_USER :])
    ended = _end_tokens(user, TokenEnd.OVER_CAP, only=surplus) if surplus else 0
    record_event(
        actor=user,
        action="token.issue",
        target=user,
        data={"token": token.pk, "name": token.name, "address": token.created_from, "ended_over_cap": ended},
    )
    return raw


def _idle_limit():
    return timezone.now() - timedelta(seconds=settings.TOKEN_IDLE_SECONDS)


def token_for(raw: str, *, address: str = "") -> ApiToken | None:
    """The live token with this raw value, or None: unknown, revoked, past its lifetime, idle too long, or its
    holder deactivated. Its last use is stamped at most once a minute (the idle clock and "from where")."""
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if (token.last_used_at or token.created_at) <= _idle_limit() or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=address[:64])
        token.last_used_at, token.last_used_from = now, address[:64]
    return token


@transaction.atomic
def token_revoke(*, actor, token: ApiToken, because: str = TokenEnd.REVOKED) -> ApiToken:
    """The holder ends one of their tokens (signing out of the API, or from the list of their tokens)."""
    locked = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
    if locked is None or not can_end_token(actor, locked):
        raise NotFound(_("Không tìm thấy token này."), code="token_not_found")
    token = locked
    if token.revoked_at is not None or token.expires_at <= timezone.now():
        raise Conflict(_("Token này đã hết hiệu lực."), code="token_already_ended")
    token.revoked_at, token.revoked_because = timezone.now(), because
    token.save(update_fields=["revoked_at", "revoked_because"])
    record_event(actor=actor, action="token.revoke", target=token, data={"because": because})
    return token


@transaction.atomic
def token_revoke_all(*, actor) -> int:
    """The holder ends every token of theirs (a lost phone, a leaked script): how many ended."""
    if not getattr(actor, "is_authenticated", False):
        raise Unauthenticated(_("Bạn cần đăng nhập."), code="unauthenticated")
    ended = _end_tokens(actor, TokenEnd.REVOKED)
    record_event(actor=actor, action="token.revoke_all", target=actor, data={"tokens_ended": ended})
    return ended


def password_change(*, actor, old_password: str, new_password: str) -> User:
    """A person changes their own password; every token of theirs ends (other sessions end by Django's
    session hash). A wrong current password counts as a failed sign-in, so this form is no way round the
    lockout."""
    if not getattr(actor, "is_authenticated", False):
        raise Unauthenticated(_("Bạn cần đăng nhập."), code="unauthenticated")
    login_check_allowed(actor.username)
    if not actor.check_password(old_password):
        login_record_failure(actor.username)
        raise Invalid(_("Mật khẩu hiện tại không đúng."), code="password_wrong")
    try:
        validate_password(new_password, user=actor)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), code="password_weak") from exc
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        ended = _end_tokens(user, TokenEnd.PASSWORD_CHANGED)
        record_event(actor=actor, action="user.password_change", target=user, data={"tokens_ended": ended})
    actor.password = user.password
    return user


def _account_for_change(actor, person: User) -> User:
    reason = why_not_manage_account(actor, person)
    if reason is not None:
        raise Forbidden(reason, code="account_forbidden")
    return User.objects.select_for_update().get(pk=person.pk)


@transaction.atomic
def user_deactivate(*, actor, user: User, reason: str) -> User:
    """An administrator closes an account: no sign-in, every session and token ends at once."""
    user = _account_for_change(actor, user)
    if not reason.strip():
        raise Invalid(_("Cần ghi lý do."), code="reason_missing")
    if not user.is_active:
        raise Conflict(_("Tài khoản này đã bị khoá."), code="user_already_inactive")
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _end_tokens(user, TokenEnd.DEACTIVATED)
    record_event(
        actor=actor,
        action="user.deactivate",
        target=user,
        reason=reason,
        data={"username": user.username, "tokens_ended": ended},
    )
    return user


@transaction.atomic
def user_reactivate(*, actor, user: User, reason: str) -> User:
    """An administrator opens a closed account again; its old tokens stay ended."""
    user = _account_for_change(actor, user)
    if not reason.strip():
        raise Invalid(_("Cần ghi lý do."), code="reason_missing")
    if user.is_active:
        raise Conflict(_("Tài khoản này đang hoạt động."), code="user_already_active")
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_event(
        actor=actor, action="user.reactivate", target=user, reason=reason, data={"username": user.username}
    )
    return user


@transaction.atomic
def user_create(*, actor, username: str, password: str, full_name: str = "", email: str = "") -> User:
    """Create a person's account (roles are granted separately, by `role_grant`). The name is normalised and
    must follow the one rule of ocop.accounts.usernames (no look-alike letters of other scripts)."""
    username = clean_username(username)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("Tên đăng nhập đã được dùng.", code="username_taken")
    user = User(username=username, full_name=full_name, email=email)
    user.set_password(password)
    user.save()
    record_event(actor=actor, action="user.create", target=user, data={"username": username})
    return user
