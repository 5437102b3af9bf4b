"""Background work of the cycle: e-mail about records that changed state (through ocop.tasks)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from ocop.tasks import task


@task(name="cycle.send_notice", retries=3, backoff=60.0)
def send_notice(*, subject: str, text: str, addresses: list[str]) -> None:
    """One e-mail to the people a notification went to (Django's mail backend; console by default)."""
    send_mail(f"[OCOP] {subject}"[:200], text, settings.DEFAULT_FROM_EMAIL, addresses)
