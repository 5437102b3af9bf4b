"""Council members see what they score (issue 12 item 4): an assigned, non-conflicted member reads the dossier,
its documents and the product from the sheet page while the round is open, is told when assigned, and sees
nothing else of the producer."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ocop.cycle.models import Document, Notification
from ocop.evaluation import services
from ocop.evaluation.models import ConflictReason, RoundStatus

from .conftest import accepted_dossier, answers, submit

pytestmark = pytest.mark.django_db


def _document_links(html: str) -> list[str]:
    aside = re.search(r'<aside class="member-reading".*?</aside>', html, re.S)
    return re.findall(r'href="(/[^"]+/documents/\d+/)"', aside.group(0)) if aside else []


def test_an_assigned_member_is_told_and_reads_the_dossier_beside_the_sheet(scene, login):
    member = scene.cast.council1
    notice = Notification.objects.get(user=member)
    score_url = reverse("evaluation:score", args=[scene.round_dossier.pk])
    assert notice.url == score_url and scene.product.name in notice.title

    client = login(member)
    html = client.get(score_url).content.decode()
    assert 'id="member-reading"' in html and "with-reading" in html
    links = _document_links(html)
    current = scene.dossier.documents.filter(is_current=True)
    assert len(links) == current.count() > 0
    download = client.get(links[0])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_nothing_else_of_the_producer_opens_for_the_member(scene, login, cast):
    client = login(cast.council1)
    document = scene.dossier.documents.filter(is_current=True).first()
    # The dossier's own page (messages, history) and the cycle's API stay closed.
    assert client.get(reverse("cycle:dossier", args=[scene.dossier.pk])).status_code == 404
    other = accepted_dossier(cast, product_name="Mật ong hoa nhãn", producer=scene.producer)
    other_document = other.documents.first()
    assert client.get(reverse("cycle:document", args=[other.pk, other_document.pk])).status_code == 404
    # A document of another dossier named under this dossier's address is not found either.
    assert (
        client.get(reverse("cycle:document", args=[scene.dossier.pk, other_document.pk])).status_code == 404
    )
    # An earlier revision is not part of what is scored.
    Document.objects.filter(pk=document.pk).update(is_current=False)
    assert client.get(reverse("cycle:document", args=[scene.dossier.pk, document.pk])).status_code == 404
    assert client.get(reverse("products:detail", args=[scene.product.pk])).status_code in (403, 404)


def test_a_conflicted_or_unassigned_member_reads_nothing(scene, login, cast):
    document = scene.dossier.documents.filter(is_current=True).first()
    url = reverse("cycle:document", args=[scene.dossier.pk, document.pk])
    services.conflict_declare(
        actor=cast.council3, round_dossier=scene.round_dossier, reason=ConflictReason.DECLARED, note="Họ hàng"
    )
    assert login(cast.council3).get(url).status_code == 404
    assert login(cast.council2).get(url).status_code == 200  # still assigned and not conflicted
    assert login(cast.other_producer_user).get(url).status_code == 404


def test_reading_ends_when_the_council_concludes(scene, login, cast):
    document = scene.dossier.documents.filter(is_current=True).first()
    url = reverse("cycle:document", args=[scene.dossier.pk, document.pk])
    client = login(cast.council1)
    assert client.get(url).status_code == 200
    for user in (cast.council1, cast.council2, cast.council3):
        submit(scene, user, answers())
    result = services.council_result_compute(actor=cast.province_officer, round_dossier=scene.round_dossier)
    services.council_conclude(
        actor=cast.province_officer, round_dossier=result, conclusion="recognise", minutes="Đề nghị 4 sao."
    )
    assert client.get(url).status_code == 404
    html = client.get(reverse("evaluation:score", args=[scene.round_dossier.pk])).content.decode()
    assert 'id="member-reading"' not in html


def test_reading_ends_when_the_round_is_closed(scene, login, cast):
    document = scene.dossier.documents.filter(is_current=True).first()
    url = reverse("cycle:document", args=[scene.dossier.pk, document.pk])
    type(scene.round).objects.filter(pk=scene.round.pk).update(status=RoundStatus.CLOSED)
    assert login(cast.council1).get(url).status_code == 404
