"""Messages on a dossier (*trao đổi*) between the producer and the officers handling it, once it is submitted."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, NotFound
from ocop.cycle.models import Dossier, DossierMessage
from ocop.cycle.notifications import notify
from ocop.cycle.policies import can_view_record
from ocop.cycle.services.transitions import MAX_REASON, clean_text, lock


@transaction.atomic
def dossier_message_post(*, actor, dossier: Dossier, body: str) -> DossierMessage:
    dossier = lock(dossier, None)
    if not can_view_record(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    if dossier.submitted_at is None:
        raise Conflict(_("Hồ sơ chưa nộp nên chưa trao đổi được với cán bộ."), code="dossier_not_submitted")
    text = clean_text(body, _("Nội dung"), limit=MAX_REASON, required=True)
    message = DossierMessage.objects.create(dossier=dossier, author=actor, body=text)
    record_event(
        actor=actor, action="dossier.message", target=dossier, unit=dossier.unit, data={"message": message.pk}
    )
    notify(
        record=dossier,
        actor=actor,
        title=_("Tin nhắn mới về hồ sơ «%(product)s» năm %(year)s")
        % {"product": dossier.product.name, "year": dossier.year},
        body=text,
    )
    return message
