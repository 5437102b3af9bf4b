"""Tasks that exist only for the engines tests, loaded into a test worker with `--include`, on a queue of
their own so the rehearsal's workers never see them."""

from __future__ import annotations

from django.core.cache import cache

from ocop.tasks import task

QUEUE = "engines-test"


@task(name="engines.flaky", retries=2, backoff=1, queue=QUEUE)
def flaky(*, counter: str, fail_times: int) -> dict:
    """Fails `fail_times` times, counting attempts in the shared cache (Redis), then succeeds."""
    cache.add(counter, 0, 600)
    attempt = cache.incr(counter)
    if attempt <= fail_times:
        raise ConnectionError(f"attempt {attempt}: the partner's server did not answer")
    return {"attempts": attempt}
