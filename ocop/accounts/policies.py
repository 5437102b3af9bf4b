"""Who may do what, and where: capabilities granted by roles, scoped to the role's unit subtree.

Every app asks here (or in its own `policies.py`, built on these functions); views and API handlers never
re-derive rules. A scope is the set of units a role covers: the whole country, one province (both
generations of units that roll up into it), or one commune (and the legacy communes it absorbed).
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, RoleKind
from ocop.core import statements
from ocop.core.expressions import IdIn
from ocop.geo import places
from ocop.geo.models import AdminUnit, Level


class Capability(StrEnum):
    VIEW_WORK = "view_work"  # see officer pages and records of the scope
    MANAGE_ROLES = "manage_roles"
    READ_AUDIT = "read_audit"
    MANAGE_PRODUCERS = "manage_producers"
    CHECK_DOSSIERS = "check_dossiers"
    RUN_EVALUATION = "run_evaluation"
    RECOGNISE = "recognise"
    SCORE = "score"
    MANAGE_RUBRICS = "manage_rubrics"
    ACT_AS_PRODUCER = "act_as_producer"
    PRECHECK = "precheck"  # the help team (*tổ giúp việc*) checks a dossier's evidence against its claims


_OFFICER = {Capability.VIEW_WORK, Capability.READ_AUDIT, Capability.MANAGE_PRODUCERS}
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    RoleKind.CENTRAL_OFFICER: frozenset(
        _OFFICER
        | {
            Capability.MANAGE_ROLES,
            Capability.RUN_EVALUATION,
            Capability.RECOGNISE,
            Capability.MANAGE_RUBRICS,
            Capability.CHECK_DOSSIERS,
        }
    ),
    RoleKind.PROVINCE_OFFICER: frozenset(
        _OFFICER | {Capability.RUN_EVALUATION, Capability.RECOGNISE, Capability.CHECK_DOSSIERS}
    ),
    RoleKind.COMMUNE_OFFICER: frozenset(_OFFICER | {Capability.CHECK_DOSSIERS}),
    RoleKind.COUNCIL_MEMBER: frozenset({Capability.SCORE}),
    RoleKind.PRODUCER: frozenset({Capability.ACT_AS_PRODUCER}),
    RoleKind.HELP_TEAM: frozenset({Capability.PRECHECK}),
}

# Which unit levels each role may be held over.
ROLE_UNIT_LEVELS: dict[str, frozenset[str]] = {
    RoleKind.CENTRAL_OFFICER: frozenset({Level.COUNTRY}),
    RoleKind.PROVINCE_OFFICER: frozenset({Level.PROVINCE}),
    RoleKind.COMMUNE_OFFICER: frozenset({Level.COMMUNE}),
    RoleKind.COUNCIL_MEMBER: frozenset({Level.COUNTRY, Level.PROVINCE}),
    RoleKind.PRODUCER: frozenset({Level.COMMUNE}),
    RoleKind.HELP_TEAM: frozenset({Level.COUNTRY, Level.PROVINCE}),
}

STAFF_ROLES = frozenset(
    {RoleKind.CENTRAL_OFFICER, RoleKind.PROVINCE_OFFICER, RoleKind.COMMUNE_OFFICER, RoleKind.COUNCIL_MEMBER}
    | {RoleKind.HELP_TEAM}
)


def active_roles(user) -> list[Role]:
    """The user's active roles, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_ocop_roles", None)
    if cached is None:
        # Read on every signed-in request: compiled once per process (0.5 ms of Python through the ORM).
        cached = statements.records_of_ids(
            ("accounts.active_roles",),
            Role,
            lambda where: Role.active.filter(where),
            "user",
            [user.pk],
            related=("unit",),
        )
        user._ocop_roles = cached
    return cached


def forget_roles(user) -> None:
    for cached in ("_ocop_roles", "_ocop_scope_units"):
        if hasattr(user, cached):
            delattr(user, cached)


def is_staff_officer(user) -> bool:
    return any(role.kind in STAFF_ROLES for role in active_roles(user))


def covers(scope: AdminUnit, unit: AdminUnit | None) -> bool:
    """Does a role held over `scope` reach `unit`?"""
    if scope.level == Level.COUNTRY:
        return True
    if unit is None:
        return False
    if scope.level == Level.PROVINCE:
        return unit.current_province_id == scope.id
    if scope.level == Level.COMMUNE:
        return unit.id == scope.id or unit.current_commune_id == scope.id
    return False


def _scope_filter(scope: AdminUnit, field: str) -> Q:
    if scope.level == Level.COUNTRY:
        return Q()
    if scope.level == Level.PROVINCE:
        return Q(**{f"{field}__current_province": scope})
    if scope.level == Level.COMMUNE:
        return Q(**{field: scope}) | Q(**{f"{field}__current_commune": scope})
    return Q(pk__in=[])


def grants(kind: str, capability: Capability) -> bool:
    """Does a role of this kind carry `capability` (ROLE_CAPABILITIES)?"""
    return capability in ROLE_CAPABILITIES.get(kind, ())


def roles_with(user, capability: Capability) -> list[Role]:
    return [role for role in active_roles(user) if grants(role.kind, capability)]


def has_capability(user, capability: Capability) -> bool:
    return bool(roles_with(user, capability))


def can(user, capability: Capability, unit: AdminUnit | None) -> bool:
    return any(covers(role.unit, unit) for role in roles_with(user, capability))


def why_not(user, capability: Capability, unit: AdminUnit | None) -> str | None:
    """The reason a button is missing, in the user's words; None when the action is allowed."""
    if not getattr(user, "is_authenticated", False):
        return "Bạn cần đăng nhập."
    if not roles_with(user, capability):
        return "Vai trò của bạn không có quyền này."
    if not can(user, capability, unit):
        return "Đối tượng này nằm ngoài địa bàn bạn phụ trách."
    return None


def scope_q(user, capability: Capability, field: str) -> Q:
    """A filter on `field` (a path to an AdminUnit) that keeps only what the user's roles reach.

    The whole country is a condition that is always true rather than an empty `Q()`: an empty Q vanishes when
    OR-ed with another (`Q() | Q(x)` is `Q(x)`), which once hid every provincial round from central officers."""
    roles = roles_with(user, capability)
    if not roles:
        return Q(pk__in=[])
    combined = Q(pk__in=[])
    for role in roles:
        condition = _scope_filter(role.unit, field)
        if not condition:  # the whole country
            return Q(pk__isnull=False)
        combined |= condition
    return combined


def scope_unit_ids(user, capability: Capability) -> list[int] | None:
    """The ids of every unit the user's roles reach, of both generations (the reach of `scope_q` and `covers`),
    read in one query; None when a role covers the whole country. Lists filter on `unit_id IN (...)` with it,
    so the database never joins the units table for every record (what made officers' queues slow)."""
    roles = roles_with(user, capability)
    key = tuple(sorted(role.pk for role in roles))  # the same roles reach the same units: read once a request
    cached = getattr(user, "_ocop_scope_units", {})
    if key in cached:
        return cached[key]
    ids = _unit_ids_of(roles)
    if getattr(user, "is_authenticated", False):
        user._ocop_scope_units = {**cached, key: ids}
    return ids


def _unit_ids_of(roles: list[Role]) -> list[int] | None:
    if not roles:
        return []
    scopes = sorted({(role.unit.level, role.unit.pk) for role in roles})
    if any(level == Level.COUNTRY for level, _pk in scopes):
        return None
    # Units change a few times a year: a reach is read once per process and generation of the units, not
    # once per page (a province's 400-odd ids, on every officer's page).
    return places.remembered(("reach", *scopes), lambda: _read_unit_ids(scopes))


def _read_unit_ids(scopes: list[tuple[str, int]]) -> list[int]:
    units = Q(pk__in=[])
    for level, pk in scopes:
        if level == Level.PROVINCE:
            units |= Q(current_province_id=pk)
        elif level == Level.COMMUNE:
            units |= Q(pk=pk) | Q(current_commune_id=pk)
    return sorted(AdminUnit.objects.filter(units).order_by().values_list("pk", flat=True))


def scope_ids_q(user, capability: Capability, field: str) -> Q:
    """`scope_q` with the units resolved first: `field IN (ids)`, or always true for the whole country."""
    ids = scope_unit_ids(user, capability)
    if ids is None:
        return Q(pk__isnull=False)
    return Q(IdIn(field, ids))  # `field__in=ids`, compiled without per-id work (a province reaches 400-odd)


# -- accounts and tokens -------------------------------------------------------------------------------------
# Who manages roles (the central officers) also deactivates and reactivates accounts: one desk for access.
MANAGE_ACCOUNTS = Capability.MANAGE_ROLES


def why_not_manage_account(actor, person) -> str | None:
    """Why `actor` may not deactivate or reactivate `person`'s account; None when they may."""
    if not getattr(actor, "is_authenticated", False):
        return _("Bạn cần đăng nhập.")
    if not has_capability(actor, MANAGE_ACCOUNTS):
        return _("Vai trò của bạn không có quyền này.")
    if person.pk == actor.pk:
        return _("Bạn không thể tự khoá hoặc mở lại tài khoản của chính mình.")
    return None


def can_manage_account(actor, person) -> bool:
    return why_not_manage_account(actor, person) is None


def can_end_token(actor, token) -> bool:
    """A token is ended by its holder only (an administrator ends them all by deactivating the account)."""
    return getattr(actor, "is_authenticated", False) and token.user_id == actor.pk
