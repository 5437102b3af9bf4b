"""No lost update: officers racing on one dossier. The transition locks the dossier row, so of eight
simultaneous "check" clicks exactly one moves it and the others are refused; of eight uploads of the same
item each keeps its own revision and exactly one is current. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from cycle_support import dossier_story, fill_required, pdf_bytes, upload
from race_support import THREADS, TRIALS, race

from ocop.core.errors import DomainError
from ocop.cycle import services
from ocop.cycle.models import Document, Dossier, DossierTransition


@pytest.mark.django_db(transaction=True)
def test_racing_officers_and_uploads_lose_no_update(cast):
    """One test pays for one flush of the transactional database (the next test reloads the units)."""
    story = dossier_story(cast, until="draft", complete=False)
    for trial in range(TRIALS):
        dossier = (
            story.dossier
            if trial == 0
            else services.dossier_create(
                actor=cast.producer_user, product=story.product, year=story.dossier.year
            )
        )
        fill_required(dossier, cast.producer_user)
        story.dossier = services.dossier_submit(
            actor=cast.producer_user, dossier=Dossier.objects.get(pk=dossier.pk)
        )
        outcomes = race(
            lambda i, story=story: services.dossier_check(actor=cast.commune_officer, dossier=story.dossier)
        )
        moved = [o for o in outcomes if isinstance(o, Dossier)]
        refused = [o for o in outcomes if isinstance(o, DomainError)]
        assert len(moved) == 1 and len(refused) == THREADS - 1, (trial, outcomes)
        assert {error.code for error in refused} == {"transition_not_allowed"}
        dossier = story.refresh()
        assert dossier.status == "checked" and dossier.version == moved[0].version
        assert DossierTransition.objects.filter(dossier=dossier, action="check").count() == 1
        services.dossier_withdraw(
            actor=cast.producer_user, dossier=dossier
        )  # frees the year for the next trial

    draft = services.dossier_create(actor=cast.producer_user, product=story.product, year=story.dossier.year)
    start = draft.version
    outcomes = race(
        lambda i: services.document_upload(
            actor=cast.producer_user,
            dossier=draft,
            item="label",
            upload=upload(f"nhan-{i}.pdf", pdf_bytes(str(i))),
        )
    )
    assert all(isinstance(o, Document) for o in outcomes), outcomes
    documents = Document.objects.filter(dossier=draft, item="label")
    assert sorted(documents.values_list("revision", flat=True)) == list(range(1, THREADS + 1))
    assert documents.filter(is_current=True).count() == 1
    assert Dossier.objects.get(pk=draft.pk).version == start + THREADS
