"""Reads compiled once per process (`ocop.core.statements`): the statement is kept, never the rows; the same
rows as the ORM's on both engines; a read whose columns Django converts is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.core import statements
from ocop.cycle.models import Dossier
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


def test_a_read_with_a_converted_column_is_refused(cast):
    with pytest.raises(ValueError, match="Dossier"):
        statements.rows(("test", "route"), lambda: Dossier.objects.values_list("pk", "route"))


def test_a_producer_who_registers_shows_on_the_next_read_of_the_officers_inbox(client, cast):
    client.force_login(cast.commune_officer)

    def pending_list() -> str:
        page = client.get(reverse("cycle:queue")).content.decode()
        return page.split('id="pending-producers"', 1)[1].split("</ul>", 1)[0]

    assert "HTX Nấm Linh Chi" not in pending_list()
    _pending(cast, "HTX Nấm Linh Chi")
    assert "HTX Nấm Linh Chi" in pending_list()
