"""Who may move an idea, a plan or a dossier, and who may see and change it.

The acting level of each transition comes from the record's route (the duty table) and the role kinds that
act for a level from data/routing.yaml; the scope is the unit the record belongs to. `refusal_for` is the one
place that says why an action is not allowed; `*_flags` turn it into the `may_*` flags pages and the API show.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, active_roles, can, covers, grants
from ocop.core.errors import Conflict, Forbidden
from ocop.cycle.guards import GUARDS, Refusal
from ocop.cycle.routes import Route, level_label, route_on
from ocop.cycle.workflow import PRODUCER, Transition, Workflow, workflow
from ocop.producers.policies import acts_for


def route_of(record) -> Route:
    """The record's route: the one it took when it entered the cycle, or today's for a draft."""
    if record.route:
        return Route.from_data(record.route)
    return route_on(timezone.localdate())


def officer_acts_at(user, level: str | None, unit) -> bool:
    """Does `user` hold a role that acts for `level` (routing.yaml acting_roles) over `unit`?"""
    from ocop.cycle.workflow import routing

    if level is None:
        return False
    kinds = routing().acting_roles.get(level, ())
    return any(
        role.kind in kinds and grants(role.kind, Capability.CHECK_DOSSIERS) and covers(role.unit, unit)
        for role in active_roles(user)
    )


def can_view_record(user, record) -> bool:
    """Members of the producer see their records; officers over the unit see them once submitted."""
    if acts_for(user, record.producer_id):
        return True
    return record.submitted_at is not None and can(user, Capability.VIEW_WORK, record.unit)


def _actor_may(user, record, transition: Transition) -> bool:
    """Who acts for a transition: the producer's members for the producer's moves; for the others, an officer
    who acts for the level that the record's route gives that duty, over the record's unit."""
    if transition.by == PRODUCER:
        return acts_for(user, record.producer_id)
    return officer_acts_at(user, route_of(record).level_for(transition.by), record.unit)


def _actor_refusal(user, record, transition: Transition) -> Refusal | None:
    if _actor_may(user, record, transition):
        return None
    if transition.by == PRODUCER:
        return Refusal(Forbidden, "forbidden_action", _("Chỉ chủ thể sở hữu hồ sơ mới làm được việc này."))
    return Refusal(
        Forbidden,
        "forbidden_action",
        _("Bước «%(action)s» do %(level)s phụ trách địa bàn thực hiện.")
        % {
            "action": workflow(record.WORKFLOW).action_label(transition.action),
            "level": level_label(route_of(record).level_for(transition.by)).lower(),
        },
    )


def _guard_refusal(record, transition: Transition) -> Refusal | None:
    for name in transition.guards:
        guard = GUARDS.get(name)
        if guard is None:
            raise ImproperlyConfigured(f"routing.yaml names the guard «{name}», which no app registered")
        refusal = guard(record)
        if refusal is not None:
            return refusal
    return None


def refusal_for(user, record, action: str, *, guards: bool = True) -> Refusal | None:
    """Why `user` may not do `action` on `record` now, or None when allowed."""
    flow = workflow(record.WORKFLOW)
    transition = flow.find(action, record.status)
    if transition is None:
        if not flow.knows(action):
            return Refusal(
                Conflict, "unknown_action", _("Thao tác «%(action)s» không tồn tại.") % {"action": action}
            )
        return Refusal(
            Conflict,
            "transition_not_allowed",
            _("Không thể thực hiện «%(action)s» khi %(record)s đang ở trạng thái «%(status)s».")
            % {
                "action": flow.action_label(action),
                "record": flow.title.lower(),
                "status": flow.label_of(record.status),
            },
        )
    refusal = _actor_refusal(user, record, transition)
    if refusal is not None or not guards:
        return refusal
    return _guard_refusal(record, transition)


def why_not(user, record, action: str) -> str | None:
    refusal = refusal_for(user, record, action)
    return refusal.message if refusal else None


def may(user, record, action: str, flow: Workflow | None = None) -> bool:
    """What `refusal_for` allows, without writing out why not: a list of 50 records asks a dozen flags of each,
    and most are refused (a move its state does not have, or another level's)."""
    transition = (flow or workflow(record.WORKFLOW)).find(action, record.status)
    if transition is None or not _actor_may(user, record, transition):
        return False
    return _guard_refusal(record, transition) is None


def _held_by_producer(record) -> bool:
    state = workflow(record.WORKFLOW).state(record.status)
    return state is not None and state.holder == PRODUCER


def may_edit(user, record) -> bool:
    """Producers edit (and upload to) their records while they hold them: a draft, or one sent back."""
    return acts_for(user, record.producer_id) and _held_by_producer(record)


def why_not_edit(user, record) -> str | None:
    """Why `may_edit` refuses, or None."""
    if not acts_for(user, record.producer_id):
        return _("Chỉ chủ thể sở hữu mới sửa được.")
    if not _held_by_producer(record):
        return _("Không sửa được khi đang ở trạng thái «%(status)s».") % {
            "status": workflow(record.WORKFLOW).label_of(record.status)
        }
    return None


def flags(user, record) -> dict[str, bool]:
    """Every `may_*` flag of a record for `user`: may_edit, may_upload, then one per action of its table."""
    editable = may_edit(user, record)
    result = {"may_edit": editable, "may_upload": editable}
    flow = workflow(record.WORKFLOW)  # once a record, not once a flag
    for action, name in flow.flag_names:
        result[name] = may(user, record, action, flow)
    result["may_message"] = (
        record.WORKFLOW == "dossier" and record.submitted_at is not None and can_view_record(user, record)
    )
    return result


def can_create_for(user, product) -> bool:
    return acts_for(user, product.producer_id)
