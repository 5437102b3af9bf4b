"""Named conditions a transition may require (`guards:` in data/routing.yaml).

A guard looks at the record and returns None when it holds, or a `Refusal` naming what is missing. Other apps
register their own with `register_guard` (e.g. the evaluation app for the steps it adds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ocop.core.errors import DomainError, Invalid
from ocop.producers.models import ProducerStatus


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: the error to raise, its stable code, a message for people, details."""

    error: type[DomainError]
    code: str
    message: str
    details: dict | None = field(default=None)

    def raise_it(self):
        raise self.error(self.message, code=self.code, details=self.details)


Guard = Callable[[object], Refusal | None]
GUARDS: dict[str, Guard] = {}


def register_guard(name: str) -> Callable[[Guard], Guard]:
    def register(function: Guard) -> Guard:
        GUARDS[name] = function
        return function

    return register


@register_guard("producer_confirmed")
def producer_confirmed(record) -> Refusal | None:
    if record.producer.status != ProducerStatus.CONFIRMED:
        return Refusal(
            Invalid,
            "producer_not_confirmed",
            _("Chủ thể «%(name)s» chưa được cán bộ xã xác nhận.") % {"name": record.producer.name},
        )
    return None


@register_guard("checklist_complete")
def checklist_complete(dossier) -> Refusal | None:
    from ocop.cycle.selectors import checklist_status

    missing = [row for row in checklist_status(dossier) if row["required"] and not row["done"]]
    if missing:
        return Refusal(
            Invalid,
            "checklist_incomplete",
            _("Hồ sơ còn thiếu: %(items)s.") % {"items": "; ".join(row["label"] for row in missing)},
            {"missing": [row["item"] for row in missing]},
        )
    return None


PLAN_REQUIRED_FIELDS = (
    "target_market",
    "production_capacity",
    "raw_material_plan",
    "marketing_plan",
    "timeline",
)


@register_guard("plan_complete")
def plan_complete(plan) -> Refusal | None:
    missing = [name for name in PLAN_REQUIRED_FIELDS if not getattr(plan, name)]
    if missing:
        labels = [str(type(plan)._meta.get_field(name).verbose_name) for name in missing]
        return Refusal(
            Invalid,
            "plan_incomplete",
            _("Phương án còn thiếu: %(fields)s.") % {"fields": "; ".join(labels)},
            {"missing": missing},
        )
    return None
