"""Actions of the cycle, one module per lifecycle: `ideas`, `plans`, `dossiers`, `documents` (a dossier's
files), `messages` (a dossier's messages); `transitions` holds the steps they share and `advance`, the one path
every transition of the state tables (data/routing.yaml) takes. Notices to people are `ocop.cycle.notifications`.

Every action is one function that runs in one transaction, locks the record it moves (`select_for_update`),
refuses a stale version (409 "stale"), asks `policies.refusal_for` whether the actor may do it, writes the
change and its audit event, and leaves notices and e-mail to `notifications.notify` (e-mail after commit).
The per-action functions only add what is particular to their step. Callers import the actions from here.
"""

from ocop.cycle.services.documents import document_criteria_set, document_upload
from ocop.cycle.services.dossiers import (
    DOSSIER_ACTIONS,
    dossier_accept,
    dossier_check,
    dossier_create,
    dossier_forward,
    dossier_return,
    dossier_submit,
    dossier_transition,
    dossier_update,
    dossier_withdraw,
    dossiers_forward_bulk,
)
from ocop.cycle.services.ideas import (
    idea_accept,
    idea_register,
    idea_resubmit,
    idea_return,
    idea_update,
    idea_withdraw,
)
from ocop.cycle.services.messages import dossier_message_post
from ocop.cycle.services.plans import plan_attach, plan_create, plan_return, plan_submit, plan_update

__all__ = [
    "DOSSIER_ACTIONS",
    "document_criteria_set",
    "document_upload",
    "dossier_accept",
    "dossier_check",
    "dossier_create",
    "dossier_forward",
    "dossier_message_post",
    "dossier_return",
    "dossier_submit",
    "dossier_transition",
    "dossier_update",
    "dossier_withdraw",
    "dossiers_forward_bulk",
    "idea_accept",
    "idea_register",
    "idea_resubmit",
    "idea_return",
    "idea_update",
    "idea_withdraw",
    "plan_attach",
    "plan_create",
    "plan_return",
    "plan_submit",
    "plan_update",
]
