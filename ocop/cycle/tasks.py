"""Background work of the cycle. Notices are e-mailed by the one mail task, `mail.send` (ocop.tasks)."""

from __future__ import annotations

from ocop.tasks import task
from ocop.tasks.tasks import send_mail


@task(name="cycle.send_notice", retries=3, backoff=60.0)
def send_notice(*, subject: str, text: str, addresses: list[str]) -> None:
    """Runs queued under this name before notices went through `mail.send`: delivered the same way."""
    send_mail(to=addresses, subject=f"[OCOP] {subject}"[:200], body=text)
