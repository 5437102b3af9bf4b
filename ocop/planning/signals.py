"""Changes that move the figures mark the units they touch as stale, and the refresh task runs after the commit.

The apps below planning know nothing of it: planning listens to their models' saves and deletes here. A model
of an app not installed (promotion, training, history import before those apps exist) is skipped. Bulk writes
(`bulk_create`, `update`) send no signal: the periodic `planning.refresh_values` run and `manage.py
planning_refresh` catch up with them.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from ocop.planning import summary

# model label → how to find the units (any generation) of the records it changes, from an instance.
WATCHED = {
    "certification.Certificate": "product__producer__unit",
    "certification.RecognitionDecision": "items__product__producer__unit",
    "certification.DecisionItem": "product__producer__unit",
    "producers.Producer": "unit",
    "products.Product": "producer__unit",
    "evaluation.RoundDossier": "dossier__product__producer__unit",
}
# Models whose change may move figures anywhere (an import of past recognitions, the promotion and training
# records counted by their apps' own indicators): every stored value is dropped and computed again when read.
WATCHED_WIDELY = (
    "rubrics.HistoryImport",
    "promotion.Event",
    "promotion.Participation",
    "promotion.Shop",
    "promotion.ShopProduct",
    "promotion.Listing",
    "training.Course",
    "training.Attendee",
    "supervision.Inspection",
    "supervision.Complaint",
)


def _unit_ids(model, instance, path: str) -> set[int]:
    if path == "unit":
        return {instance.unit_id} if getattr(instance, "unit_id", None) else set()
    rows = model.objects.filter(pk=instance.pk).values_list(f"{path}_id", flat=True)
    return {pk for pk in rows if pk is not None}


def _changed(sender, instance, path: str) -> None:
    unit_ids = _unit_ids(sender, instance, path)
    if not unit_ids:
        return
    # Marked after the commit, one short statement per unit: inside the record's own transaction the marks would
    # lock shared rows in any order, and two members submitting sheets at once deadlocked on them.
    transaction.on_commit(lambda: _mark_then_refresh(unit_ids), robust=True)


def _mark_then_refresh(unit_ids: set[int]) -> None:
    summary.mark_stale(unit_ids)
    _enqueue_refresh()


def _changed_widely(sender, instance, **kwargs) -> None:
    transaction.on_commit(summary.forget_all, robust=True)


def _enqueue_refresh() -> None:
    from ocop.tasks import enqueue

    enqueue("planning.refresh_values", key="stale")


def _deleted(path: str):
    def handler(sender, instance, **kwargs):
        # After a delete the row is gone: its unit is read from the instance where it is a direct field.
        if path == "unit" and getattr(instance, "unit_id", None):
            unit_ids = {instance.unit_id}
            transaction.on_commit(lambda: _mark_then_refresh(unit_ids), robust=True)

    return handler


_HANDLERS: list = []  # strong references: signals keep weak ones


def connect() -> None:
    for label, path in WATCHED.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue

        def saved(sender, instance, path=path, **kwargs):
            _changed(sender, instance, path)

        deleted = _deleted(path)
        _HANDLERS.extend([saved, deleted])
        post_save.connect(saved, sender=model, dispatch_uid=f"planning.saved.{label}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"planning.deleted.{label}")
    for label in WATCHED_WIDELY:
        model = apps.get_model(label)  # a name that is no model stops the start, not silently the figures
        post_save.connect(_changed_widely, sender=model, dispatch_uid=f"planning.widely.{label}")
        post_delete.connect(_changed_widely, sender=model, dispatch_uid=f"planning.widely_deleted.{label}")
