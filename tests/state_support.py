"""What a refusal must leave as it was: every row of the project's own tables.

    with nothing_changes(), pytest.raises(Forbidden):
        services.decision_approve(actor=outsider, decision=decision)

The block runs, then every table is read again and compared row by row (every column), so a refused action that
wrote anything before it refused (a status, a version, an audit event, a notification) fails the test and names
the tables it touched.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps

# The callers' own traces, not the action's: rate-limit and login counters, idempotency replays, and when a
# token or a partner key was last used. Places are reference data no action writes.
SKIPPED_MODELS = {
    "core.RateCounter",
    "accounts.LoginThrottle",
    "accounts.IdempotentResponse",
    "geo.AdminUnit",
    "geo.UnitSuccession",
}
SKIPPED_FIELDS = {
    "accounts.User": {"last_login"},
    "accounts.ApiToken": {"last_used_at", "last_used_from"},
    "catalog.PartnerKey": {"last_used_at"},
}


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every model of the project, column by column, in primary-key order."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label
        if not model.__module__.startswith("ocop.") or label in SKIPPED_MODELS:
            continue
        skipped = SKIPPED_FIELDS.get(label, set())
        columns = [field.attname for field in model._meta.concrete_fields if field.name not in skipped]
        rows[label] = list(model.objects.order_by("pk").values_list(*columns))
    return rows


@contextmanager
def nothing_changes():
    """Assert that the block leaves every table of the project as it found it."""
    before = database_rows()
    yield
    after = database_rows()
    changed = sorted(label for label in before if before[label] != after[label])
    assert not changed, f"the refused action changed {', '.join(changed)}"
