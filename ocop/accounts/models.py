"""People, the roles they hold over administrative units, API tokens and login throttling."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person using the system (*người dùng*)."""

    full_name = models.CharField("Họ và tên", max_length=150, blank=True)
    phone = models.CharField("Điện thoại", max_length=20, blank=True)

    def __str__(self) -> str:
        return self.shown_name(self.full_name, self.username)

    @staticmethod
    def shown_name(full_name: str, username: str) -> str:
        """How pages name a user: the full name, else the user name (lists that read plain values use it)."""
        return full_name or username

    @classmethod
    def normalize_username(cls, username):
        """NFKC, stripped, lower case: the form a name is stored and looked up in (ocop.accounts.usernames)."""
        from ocop.accounts.usernames import normalise_username

        return normalise_username(username)


class RoleKind(models.TextChoices):
    CENTRAL_OFFICER = "central_officer", _("Cán bộ Trung ương")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ cấp tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng đánh giá")
    PRODUCER = "producer", _("Chủ thể OCOP")
    HELP_TEAM = "help_team", _("Tổ giúp việc")


class ActiveRoleManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(revoked_at__isnull=True)


class Role(models.Model):
    """A role (*vai trò*) held over an administrative unit; it grants its capabilities over that unit's subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField("Vai trò", max_length=20, choices=RoleKind.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="Đơn vị"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager()
    active = ActiveRoleManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "unit"],
                condition=models.Q(revoked_at__isnull=True),
                name="accounts_role_one_active_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.unit.name}"


class TokenEnd(models.TextChoices):
    """Why a token stopped working before its time."""

    SIGNED_OUT = "signed_out", "Người dùng đăng xuất"
    REVOKED = "revoked", "Người dùng thu hồi"
    PASSWORD_CHANGED = "password_changed", "Đổi mật khẩu"
    ROLE_REVOKED = "role_revoked", "Bị thu hồi vai trò"
    DEACTIVATED = "deactivated", "Tài khoản bị khoá"
    OVER_CAP = "over_cap", "Vượt số token tối đa"


class LiveTokenManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored, so a database leak reveals no usable token.

    It ends at `expires_at` (absolute), after an idle period without use, or when revoked (`revoked_at`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField("Tên", max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_from = models.CharField("Tạo từ địa chỉ", max_length=64, blank=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.CharField("Dùng lần cuối từ địa chỉ", max_length=64, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(max_length=20, choices=TokenEnd.choices, blank=True)

    objects = models.Manager()
    live = LiveTokenManager()

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_token_user_live")]

    def __str__(self) -> str:
        return self.name or f"token {self.pk}"


class LoginThrottle(models.Model):
    """Failed logins per user name; a name is locked for a while after too many in a row."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)


class IdempotentResponse(models.Model):
    """The first response of an API POST sent with an `Idempotency-Key`, replayed when the caller sends the same
    key again (`ocop.accounts.idempotency`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    method_path = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_unique_key")]
