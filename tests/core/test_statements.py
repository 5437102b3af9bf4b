"""Reads compiled once per process (`ocop.core.statements`): the statement is kept, never the rows; the same
rows as the ORM's on both engines, the columns Django converts (JSON, dates) converted alike; a page's rows
read by id with one statement whatever the ids."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from cycle_support import dossier_story
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.accounts.models import Role
from ocop.core import statements
from ocop.cycle.models import Document, Dossier
from ocop.producers.models import LegalForm, Producer, ProducerStatus

pytestmark = pytest.mark.django_db


def _pending(cast, name: str) -> Producer:
    return Producer.objects.create(
        name=name, legal_form=LegalForm.COOPERATIVE, unit=cast.commune, status=ProducerStatus.PENDING
    )


def test_a_kept_statement_reads_the_rows_of_now(cast):
    built = []

    def build():
        built.append(1)
        return Producer.objects.filter(unit=cast.commune).order_by("name").values_list("id", "name")

    _pending(cast, "HTX Mật ong Vân Hà")
    first = statements.rows(("test", cast.commune.pk), build)
    _pending(cast, "HTX Chè Tân Cương")
    second = statements.rows(("test", cast.commune.pk), build)
    assert [name for _pk, name in first] == ["HTX Mật ong Vân Hà"]
    assert second == list(build())  # the ORM's own rows, in its order
    assert [name for _pk, name in second] == ["HTX Chè Tân Cương", "HTX Mật ong Vân Hà"]
    assert len(built) == 2  # compiled once for the key (the second is the ORM read above)


def test_a_kept_statement_converts_its_columns_as_the_orm_does(cast):
    dossier = dossier_story(cast, until="accepted").dossier
    Dossier.objects.filter(pk=dossier.pk).update(due_on=date(2026, 12, 31))
    columns = ("pk", "route", "checklist", "submitted_at", "due_on", "updated_at")

    def build():
        return Dossier.objects.filter(pk=dossier.pk).values_list(*columns)

    kept = statements.rows(("test", "converted", dossier.pk), build)
    assert kept == list(build())
    (row,) = kept
    assert row[1]["receiver"] == "commune"  # the route's JSON, decoded
    assert isinstance(row[3], datetime) and row[3].tzinfo is not None  # an aware time on both engines
    assert row[4] == date(2026, 12, 31)


def test_a_read_by_ids_is_compiled_once_and_reads_the_ids_it_is_given(cast):
    producers = [_pending(cast, name) for name in ("HTX Mật ong Vân Hà", "HTX Chè Tân Cương", "HTX Gạo")]
    built = []

    def build(where):
        built.append(1)
        return Producer.objects.filter(where).values_list("pk", "name", "unit__name")

    def read(ids):
        return sorted(statements.rows_of_ids(("test", "by ids"), build, "pk", ids))

    first, second, third = (p.pk for p in producers)
    assert read([first, third]) == [
        (first, "HTX Mật ong Vân Hà", cast.commune.name),
        (third, "HTX Gạo", cast.commune.name),
    ]
    assert read([second]) == [(second, "HTX Chè Tân Cương", cast.commune.name)]
    assert read([second, 0]) == [(second, "HTX Chè Tân Cương", cast.commune.name)]  # an id of nothing: no row
    with CaptureQueriesContext(connection) as queries:
        assert read([]) == []
    assert not queries.captured_queries
    assert len(built) == 1


def test_a_kept_count_counts_the_rows_of_now_up_to_its_slice(cast):
    built = []

    def build():
        built.append(1)
        return Producer.objects.filter(unit=cast.commune).values("pk")[:2]

    assert statements.count_of(("test", "count"), build) == 0
    for name in ("HTX Mật ong Vân Hà", "HTX Chè Tân Cương", "HTX Gạo"):
        _pending(cast, name)
    assert statements.count_of(("test", "count"), build) == 2  # the slice caps it
    assert len(built) == 1


def test_a_kept_read_that_matches_nothing_asks_nothing(cast):
    """A filter the ORM knows matches nothing (`pk__in=[]`) compiles to no SQL: no rows, a count of 0."""
    _pending(cast, "HTX Mật ong Vân Hà")
    with CaptureQueriesContext(connection) as queries:
        assert (
            statements.rows(("test", "none"), lambda: Producer.objects.filter(pk__in=[]).values_list("pk"))
            == []
        )
        assert (
            statements.count_of(("test", "none"), lambda: Producer.objects.filter(pk__in=[]).values("pk"))
            == 0
        )
    assert not queries.captured_queries


def test_records_read_by_ids_are_the_orms_objects_in_its_order(cast):
    dossier = dossier_story(cast, until="submitted").dossier

    def build(where):
        return Document.objects.filter(where, is_current=True)

    read = statements.records_of_ids(("test", "documents"), Document, build, "dossier", [dossier.pk, 0])
    orm = list(Document.objects.filter(dossier=dossier, is_current=True))
    assert len(orm) >= 2
    assert [(d.pk, d.dossier_id, d.item, d.uploaded_at, d.file.name) for d in read] == [
        (d.pk, d.dossier_id, d.item, d.uploaded_at, d.file.name) for d in orm
    ]
    assert all(d._state.adding is False and d._state.db == "default" for d in read)


def test_records_read_by_ids_carry_their_joined_records_as_select_related_does(cast):
    def build(where):
        return Role.active.filter(where)

    officer = cast.province_officer
    read = statements.records_of_ids(("test", "roles"), Role, build, "user", [officer.pk], related=("unit",))
    orm = list(Role.active.filter(user=officer).select_related("unit"))
    assert orm and [(r.pk, r.kind, r.unit_id) for r in read] == [(r.pk, r.kind, r.unit_id) for r in orm]
    with CaptureQueriesContext(connection) as queries:  # the units came with the roles
        units = [(r.unit.pk, r.unit.name, r.unit.level, r.unit.current_province_id) for r in read]
    assert not queries.captured_queries
    assert units == [(r.unit.pk, r.unit.name, r.unit.level, r.unit.current_province_id) for r in orm]


def test_a_producer_who_registers_shows_on_the_next_read_of_the_officers_inbox(client, cast):
    client.force_login(cast.commune_officer)

    def pending_list() -> str:
        page = client.get(reverse("cycle:queue")).content.decode()
        return page.split('id="pending-producers"', 1)[1].split("</ul>", 1)[0]

    assert "HTX Nấm Linh Chi" not in pending_list()
    _pending(cast, "HTX Nấm Linh Chi")
    assert "HTX Nấm Linh Chi" in pending_list()
