"""Officers' queues read by index (issue 19): the route's levels live in columns that follow every step, the
officer's units are resolved before the dossiers are read, a queue costs a fixed number of queries whatever its
length, and its count stops at "hơn 1.000"."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from cycle_support import THIS_YEAR, dossier_story, fill_required, honey, honey_cooperative
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.models import RoleKind
from ocop.accounts.services import role_grant
from ocop.cycle import services
from ocop.cycle.models import Dossier, ProductIdea
from ocop.cycle.selectors import COUNT_CAP, QueueFilters, dossier_queue_for
from ocop.geo.models import AdminUnit, Era
from ocop.producers.models import Producer, ProducerStatus
from ocop.producers.services import producer_create
from ocop.products.models import Product

pytestmark = pytest.mark.django_db


def _levels(record) -> tuple[str, str]:
    record.refresh_from_db()
    return record.receiver_level, record.evaluator_level


def _copies(dossier: Dossier, how_many: int) -> None:
    """`how_many` more dossiers like `dossier` (same unit, state and route), one per earlier year: fast."""
    copies = []
    for offset in range(1, how_many + 1):
        copy = Dossier.objects.get(pk=dossier.pk)
        copy.pk, copy.year = None, THIS_YEAR - offset
        copies.append(copy)
    Dossier.objects.bulk_create(copies)


def _queue_ids(user) -> list[int]:
    return list(dossier_queue_for(user, QueueFilters()).values_list("pk", flat=True))


def test_the_route_columns_follow_each_step_of_a_dossier(cast):
    story = dossier_story(cast, until="draft")
    assert _levels(story.dossier) == ("", "")  # a draft has no route yet: today's is shown, none is kept
    steps = [
        (cast.producer_user, services.dossier_submit),
        (cast.commune_officer, services.dossier_check),
        (cast.commune_officer, services.dossier_forward),
        (cast.province_officer, services.dossier_accept),
    ]
    for actor, step in steps:
        dossier = step(actor=actor, dossier=story.refresh())
        assert _levels(dossier) == (dossier.route["receiver"], dossier.route["evaluator"])
        assert _levels(dossier) == ("commune", "province")
    assert story.refresh().status == "accepted"


def test_an_idea_takes_its_route_columns_when_registered(cast):
    product = honey(honey_cooperative(cast))
    idea = services.idea_register(
        actor=cast.producer_user, product=product, year=THIS_YEAR, summary="Mật ong hoa vải"
    )
    assert _levels(ProductIdea.objects.get(pk=idea.pk)) == ("commune", "province")


def test_an_idea_waits_on_the_officers_of_its_unit_not_on_an_officer_who_made_it(client, cast):
    # An officer of another commune who is also a member of a producer here registers its idea: it waits on
    # this commune's officers, and not on that officer, whose queue lists what waits in their own units.
    officer = cast.other_commune_officer
    role_grant(actor=None, user=officer, kind=RoleKind.PRODUCER, unit=cast.commune)
    producer = honey_cooperative(cast, owner=officer)
    services.idea_register(actor=officer, product=honey(producer), year=THIS_YEAR, summary="Mật ong hoa vải")

    def waiting_ideas(user) -> str:
        client.force_login(user)
        page = client.get(reverse("cycle:queue")).content.decode()
        return page.split('id="waiting-ideas"', 1)[1].split("</ul>", 1)[0]

    assert "Mật ong hoa vải Vân Hà" in waiting_ideas(cast.commune_officer)
    assert "Mật ong hoa vải Vân Hà" not in waiting_ideas(officer)


@pytest.mark.parametrize("search", ["?all=1", f"?year={THIS_YEAR}", "?status=submitted", "?overdue=1"])
def test_the_inbox_lists_the_other_work_and_a_search_of_the_dossiers_links_to_it(client, cast, search):
    # Producers, ideas and plans waiting are listed beside the first page of what waits on the officer; a
    # filtered or "show all" page searches the dossiers only, says where the rest is, and skips their reads.
    producer = honey_cooperative(cast)
    services.idea_register(
        actor=cast.producer_user, product=honey(producer), year=THIS_YEAR, summary="Mật ong hoa vải"
    )
    client.force_login(cast.commune_officer)
    inbox_address = reverse("cycle:queue")
    client.get(inbox_address)  # warm the per-process caches
    with CaptureQueriesContext(connection) as inbox_reads:
        inbox = client.get(inbox_address).content.decode()
    with CaptureQueriesContext(connection) as search_reads:
        searched = client.get(inbox_address + search).content.decode()
    other_work = inbox.split('id="waiting-ideas"', 1)[1].split("</ul>", 1)[0]
    assert "Mật ong hoa vải Vân Hà" in other_work
    assert 'id="waiting-ideas"' not in searched and 'id="pending-producers"' not in searched
    note = searched.split('id="other-work"', 1)[1].split("</p>", 1)[0]
    assert "ý tưởng và phương án kinh doanh đang chờ" in note and f'href="{inbox_address}"' in note
    assert len(search_reads) == len(inbox_reads) - 3, [q["sql"][:120] for q in search_reads.captured_queries]


def test_the_migration_fills_the_columns_from_the_stored_route(cast):
    story = dossier_story(cast, until="forwarded")
    Dossier.objects.filter(pk=story.dossier.pk).update(receiver_level="", evaluator_level="")
    migration = importlib.import_module("ocop.cycle.migrations.0003_queue_route_levels")
    migration.copy_route_levels(apps, None)
    assert _levels(story.dossier) == ("commune", "province")


def _set_evaluator_level(dossier: Dossier, level: str) -> None:
    dossier = Dossier.objects.get(pk=dossier.pk)
    dossier.evaluator_level = level
    dossier.save()  # `held_by` follows the levels and the status


def test_the_queue_reads_columns_not_the_json(cast):
    """Who a dossier waits on is read from the indexed columns: a dossier whose columns name the district
    (a legacy route) waits on the province officer, who acts for the former district level."""
    story = dossier_story(cast, until="forwarded")
    assert _queue_ids(cast.province_officer) == [story.dossier.pk]
    _set_evaluator_level(story.dossier, "commune")
    assert _queue_ids(cast.province_officer) == []
    assert _queue_ids(cast.commune_officer) == [story.dossier.pk]
    _set_evaluator_level(story.dossier, "district")
    assert _queue_ids(cast.province_officer) == [story.dossier.pk]
    assert _queue_ids(cast.commune_officer) == []


def test_who_holds_a_dossier_follows_each_step(cast):
    """`held_by` names the level whose officers hold the dossier now: none while the producer prepares it, the
    commune once submitted and checked, the province once forwarded and accepted, none once returned."""
    story = dossier_story(cast, until="draft")

    def held_by() -> str:
        return Dossier.objects.values_list("held_by", flat=True).get(pk=story.dossier.pk)

    assert held_by() == ""
    services.dossier_submit(actor=cast.producer_user, dossier=story.refresh())
    assert held_by() == "commune"
    services.dossier_check(actor=cast.commune_officer, dossier=story.refresh())
    assert held_by() == "commune"
    services.dossier_forward(actor=cast.commune_officer, dossier=story.refresh())
    assert held_by() == "province"
    assert _queue_ids(cast.commune_officer) == []
    assert _queue_ids(cast.province_officer) == [story.dossier.pk]
    services.dossier_return(actor=cast.province_officer, dossier=story.refresh(), reason="Thiếu giấy tờ")
    assert held_by() == ""
    assert _queue_ids(cast.province_officer) == []


def test_the_migration_fills_who_holds_each_record(cast):
    story = dossier_story(cast, until="forwarded")
    Dossier.objects.filter(pk=story.dossier.pk).update(held_by="")
    migration = importlib.import_module("ocop.cycle.migrations.0005_queue_held_by")
    migration.fill_held_by(apps, None)
    assert Dossier.objects.values_list("held_by", flat=True).get(pk=story.dossier.pk) == "province"


def test_the_queue_reaches_the_former_commune_through_its_current_unit(cast):
    legacy_commune = AdminUnit.objects.get(era=Era.LEGACY, code="07804")  # Xã Vân Hà, now in Phường Vân Hà
    household = producer_create(
        actor=None,
        name="Tổ hợp tác Ong mật Việt Yên",
        legal_form="cooperative_group",
        unit=legacy_commune,
        owner=cast.producer_user,
        status=ProducerStatus.CONFIRMED,
    )
    dossier = services.dossier_create(
        actor=cast.producer_user, product=honey(household, "Mật ong Việt Yên"), year=THIS_YEAR
    )
    fill_required(dossier, cast.producer_user)
    services.dossier_submit(actor=cast.producer_user, dossier=Dossier.objects.get(pk=dossier.pk))
    assert _queue_ids(cast.commune_officer) == [dossier.pk]
    assert _queue_ids(cast.other_commune_officer) == []
    assert _queue_ids(cast.other_province_officer) == []


def _officer_for(cast, who: str):
    return {"commune": cast.commune_officer, "province": cast.province_officer, "central": cast.central}[who]


@pytest.mark.parametrize(
    ("who", "until"), [("commune", "submitted"), ("province", "forwarded"), ("central", "forwarded")]
)
def test_the_queue_page_costs_the_same_queries_for_one_or_sixty_dossiers(client, cast, who, until):
    story = dossier_story(cast, until=until)
    client.force_login(_officer_for(cast, who))
    address = reverse("cycle:queue") + ("?all=1" if who == "central" else "")
    client.get(address)  # warm the per-process caches (routing table, rubric versions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(address).status_code == 200
    _copies(story.dossier, 60)  # more than a page of 50
    with CaptureQueriesContext(connection) as many:
        page = client.get(address)
    assert page.content.decode().count("<tr><td>") == 50  # the page's rows, as the officer sees them
    assert len(many) == len(one), [q["sql"][:150] for q in many.captured_queries]


def test_the_queue_page_prints_what_producers_typed_as_text(client, cast):
    # The rows are written without the template engine (views._queue_row): every value must still be escaped.
    story = dossier_story(cast, until="submitted")
    Product.objects.filter(pk=story.dossier.product_id).update(name='Mật ong <script>alert("x")</script>')
    Producer.objects.filter(pk=story.dossier.producer_id).update(name='HTX <b>Vân Hà</b> & "bạn"')
    client.force_login(cast.commune_officer)
    page = client.get(reverse("cycle:queue")).content.decode()
    assert "<script>" not in page and "<b>" not in page
    assert "Mật ong &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "HTX &lt;b&gt;Vân Hà&lt;/b&gt; &amp; &quot;bạn&quot;" in page


@pytest.mark.parametrize(
    ("who", "until"), [("commune", "submitted"), ("province", "forwarded"), ("central", "forwarded")]
)
def test_the_queue_api_costs_the_same_queries_for_one_or_sixty_dossiers(client, cast, api_token, who, until):
    story = dossier_story(cast, until=until)
    token = api_token(_officer_for(cast, who))
    query = {"queue": "1", "page_size": "50", "status": until}
    client.get("/api/v1/dossiers", query, **token)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/dossiers", query, **token).json()["count"] == 1
    _copies(story.dossier, 60)
    with CaptureQueriesContext(connection) as many:
        answer = client.get("/api/v1/dossiers", query, **token).json()
    assert (answer["count"], len(answer["items"]), answer["count_capped"]) == (61, 50, False)
    assert len(many) == len(one), [q["sql"][:200] for q in many.captured_queries][-3:]


def test_the_queue_kept_as_statements_follows_each_officer_and_each_step(client, cast, api_token):
    """The queue's count and page ids are statements kept per process for the officer's units, the levels
    they act for and the filters (`listing.Listed`), never rows: in one process, each officer reads their own
    queue on the page, the API and the home page's count, and a step moves the dossier on at once."""
    story = dossier_story(cast, until="submitted")
    dossier = story.dossier

    def queue(user, **query) -> tuple[list[int], list[int], int]:
        client.force_login(user)
        page = client.get(reverse("cycle:queue"), query).context["page"]
        answer = client.get("/api/v1/dossiers", {"queue": "1", **query}, **api_token(user)).json()
        home = client.get("/").context["work_items"]
        waiting = next(item.count for item in home if item.key == "dossiers")
        return list(page.object_list), [item["id"] for item in answer["items"]], waiting

    assert queue(cast.commune_officer) == ([dossier.pk], [dossier.pk], 1)
    assert queue(cast.province_officer) == ([], [], 0)  # not the province's turn yet
    assert queue(cast.commune_officer, overdue="1")[:2] == ([], [])  # due in ten days

    Dossier.objects.filter(pk=dossier.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert queue(cast.commune_officer, overdue="1")[:2] == ([dossier.pk], [dossier.pk])

    services.dossier_check(actor=cast.commune_officer, dossier=story.refresh())
    services.dossier_forward(actor=cast.commune_officer, dossier=story.refresh())
    assert queue(cast.commune_officer) == ([], [], 0)
    assert queue(cast.province_officer) == ([dossier.pk], [dossier.pk], 1)
    assert queue(cast.other_province_officer) == ([], [], 0)  # Hà Nội's officer, same queries, other units


def test_a_long_queue_counts_to_a_thousand_and_says_more(client, cast):
    story = dossier_story(cast, until="submitted")
    _copies(story.dossier, COUNT_CAP + 5)
    client.force_login(cast.commune_officer)
    page = client.get(reverse("cycle:queue")).content.decode()
    assert "hơn 1.000 hồ sơ" in page
    assert f"1 / {COUNT_CAP // 50}" in page


def test_a_renamed_unit_shows_its_new_name_in_the_queue(client, cast):
    """The queue names places from a per-process cache of unit names: a unit saved again is named again."""
    story = dossier_story(cast, until="submitted")
    client.force_login(cast.commune_officer)
    before = client.get(reverse("cycle:queue")).content.decode()
    assert cast.commune.name in before
    commune = AdminUnit.objects.get(pk=cast.commune.pk)
    commune.name = "Phường Vân Hà Mới"
    commune.save()
    after = client.get(reverse("cycle:queue")).content.decode()
    assert "Phường Vân Hà Mới" in after
    assert story.dossier.product.name in after


def test_a_commune_moved_to_another_province_moves_its_dossiers_queue_at_once(cast):
    # An officer's reach (the ids of their units) is kept per process between requests: saving a unit must
    # drop it, so the next request of every officer reads the reach the new map gives.
    story = dossier_story(cast, until="forwarded")

    def queue(officer):  # a fresh user per request, as the site has: nothing kept on the object
        return _queue_ids(type(officer).objects.get(pk=officer.pk))

    assert (queue(cast.province_officer), queue(cast.other_province_officer)) == ([story.dossier.pk], [])
    commune = AdminUnit.objects.get(pk=story.dossier.unit_id)
    commune.current_province = cast.other_province
    commune.save()
    assert (queue(cast.province_officer), queue(cast.other_province_officer)) == ([], [story.dossier.pk])
