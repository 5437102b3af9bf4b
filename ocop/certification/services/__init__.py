"""Every change to decisions, certificates, signing keys and revocation lists: one function per action, each
checking the actor's right (`ocop.certification.policies.refusal_for`), writing an audit event, in one
transaction. One module per lifecycle; callers import the functions from here:

- `keys`: issuing authorities, their signing keys and their signed revocation lists;
- `decisions`: recognition decisions, drafted, approved (issuing the certificates) or returned;
- `changes`: revocation and change of stars of an issued certificate;
- `delivery`: the certificate's PDF, expiry reminders, counted verifications;
- `issuing`: what issuing a certificate takes, shared by decisions and changes.

Maker and checker: a decision, a revocation or a change of stars is prepared by one official
(`decision_create`, `certificate_revoke_request`, `certificate_change_stars_request`) and takes effect only
when another official of the same authority approves it (`decision_approve`, `certificate_revoke_approve`,
`certificate_change_stars_approve`).
"""

from ocop.certification.services.changes import (
    certificate_change_approve,
    certificate_change_reject,
    certificate_change_stars_approve,
    certificate_change_stars_request,
    certificate_revoke_approve,
    certificate_revoke_request,
)
from ocop.certification.services.decisions import (
    MAX_ITEMS,
    decision_approve,
    decision_create,
    decision_draft_from_round,
    decision_reject,
)
from ocop.certification.services.delivery import (
    certificate_pdf_ensure,
    certificate_pdf_request,
    certificate_record_scan,
    expiry_reminder_deliver,
    expiry_reminders_send,
)
from ocop.certification.services.issuing import DECISION_NUMBER
from ocop.certification.services.keys import (
    authority_create,
    authority_ensure,
    revocation_list_publish,
    signing_key_rotate,
)

__all__ = [
    "DECISION_NUMBER",
    "MAX_ITEMS",
    "authority_create",
    "authority_ensure",
    "certificate_change_approve",
    "certificate_change_reject",
    "certificate_change_stars_approve",
    "certificate_change_stars_request",
    "certificate_pdf_ensure",
    "certificate_pdf_request",
    "certificate_record_scan",
    "certificate_revoke_approve",
    "certificate_revoke_request",
    "decision_approve",
    "decision_create",
    "decision_draft_from_round",
    "decision_reject",
    "expiry_reminder_deliver",
    "expiry_reminders_send",
    "revocation_list_publish",
    "signing_key_rotate",
]
