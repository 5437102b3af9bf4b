"""Who organises training courses and who reads them.

Courses are the province's and the centre's work (DESIGN §2: the province officer runs "training"): organising
a course, importing its attendance sheet, takes RUN_EVALUATION over the course's unit; reading courses and
coverage takes VIEW_WORK over it (commune officers see the courses held in their commune). No new capability:
the programme office that runs evaluation rounds is the one that runs courses.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability, why_not
from ocop.core.errors import Forbidden

ORGANISE = Capability.RUN_EVALUATION
READ = Capability.VIEW_WORK


def may_organise_somewhere(user) -> bool:
    return has_capability(user, ORGANISE)


def why_not_organise(user, unit) -> str | None:
    return why_not(user, ORGANISE, unit)


def may_organise(user, unit) -> bool:
    return can(user, ORGANISE, unit)


def require_organise(user, unit) -> None:
    reason = why_not_organise(user, unit)
    if reason:
        raise Forbidden(_(reason), code="course_forbidden")


def flags(user, course) -> dict[str, bool]:
    """The `may_*` flags a page and the API show for a course."""
    return {"may_import": may_organise(user, course.unit)}
