"""Pages of producers, products and the cycle: every route is tried by an anonymous visitor and by people of
other units (the list is generated from the URL conf, so a new page without an entry fails); the officers'
queue costs the same number of queries whatever its length; refusals show the reason and store nothing."""

from __future__ import annotations

import pytest
from cycle_support import (
    SVG_BYTES,
    THIS_YEAR,
    dossier_story,
    fill_required,
    image_bytes,
    pdf_bytes,
    product_set,
    stored_files,
    upload,
)
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse

from ocop.cycle import services
from ocop.cycle.models import Document, Dossier, Notification
from ocop.producers.models import RecordChangeRequest
from ocop.producers.services import producer_update
from ocop.products.models import ProductPhoto
from ocop.products.services import product_create, product_photo_add
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db

# url name → (method, which object its arguments come from, whether an anonymous visitor may use it)
ROUTES = {
    "producers:list": ("get", None, False),
    "producers:register": ("get", None, True),
    "producers:portal": ("get", None, False),
    "producers:create": ("get", None, False),
    "producers:detail": ("get", "producer", False),
    "producers:edit": ("get", "producer", False),
    "producers:confirm": ("post", "producer", False),
    "products:create": ("get", None, False),
    "products:detail": ("get", "product", False),
    "products:edit": ("get", "product", False),
    "products:photo_add": ("post", "product", False),
    "products:photo": ("get", "photo", False),
    "cycle:queue": ("get", None, False),
    "cycle:bulk_forward": ("post", None, False),
    "cycle:dossier_create": ("get", "product_query", False),
    "cycle:dossier": ("get", "dossier", False),
    "cycle:dossier_edit": ("post", "dossier", False),
    "cycle:upload": ("post", "dossier", False),
    "cycle:document": ("get", "document", False),
    "cycle:dossier_act": ("post", "dossier_act", False),
    "cycle:message": ("post", "dossier", False),
    "cycle:idea_create": ("get", "product_query", False),
    "cycle:idea": ("get", "idea", False),
    "cycle:idea_act": ("post", "idea_act", False),
    "cycle:plan_create": ("post", "idea", False),
    "cycle:plan": ("get", "plan", False),
    "cycle:plan_act": ("post", "plan_act", False),
    "cycle:plan_attach": ("post", "plan", False),
    "cycle:plan_file": ("get", "plan_file", False),
    "cycle:notifications": ("get", None, False),
    "products:list": ("get", None, False),
    "products:changes": ("get", None, False),
    "products:change": ("get", "change", False),
    "products:change_approve": ("post", "change", False),
    "products:change_reject": ("post", "change", False),
    "cycle:document_criteria": ("post", "document", False),  # issue 18: a document tied to criteria
}


def app_url_names() -> set[str]:
    names = set()
    for namespace in ("producers", "products", "cycle"):
        _, resolver = get_resolver().namespace_dict[namespace]
        names |= {f"{namespace}:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)}
    return names


def test_every_page_has_an_entry_in_the_permission_matrix():
    assert app_url_names() == set(ROUTES)


@pytest.fixture
def world(cast):
    story = dossier_story(cast, until="submitted")
    idea = services.idea_register(
        actor=cast.producer_user, product=story.product, year=THIS_YEAR, summary="Ý tưởng"
    )
    from ocop.producers.services import producer_confirm  # noqa: F401  (the cooperative is already confirmed)

    idea = services.idea_accept(actor=cast.commune_officer, idea=idea)
    plan = services.plan_create(actor=cast.producer_user, idea=idea)
    attachment = services.plan_attach(
        actor=cast.producer_user, plan=plan, upload=upload("du-toan.pdf", pdf_bytes())
    )
    photo = product_photo_add(
        actor=cast.producer_user, product=story.product, upload=upload("a.png", image_bytes())
    )
    document = story.dossier.documents.first()
    # a confirmed producer's new tax code waits for an officer's approval: a change request to look at
    producer_update(actor=cast.producer_user, producer=story.producer, tax_code="2400999999")
    change = RecordChangeRequest.objects.get(producer=story.producer)
    return {
        "change": [change.pk],
        "producer": [story.producer.pk],
        "product": [story.product.pk],
        "photo": [story.product.pk, photo.pk],
        "dossier": [story.dossier.pk],
        "dossier_act": [story.dossier.pk, "check"],
        "document": [story.dossier.pk, document.pk],
        "idea": [idea.pk],
        "idea_act": [idea.pk, "withdraw"],
        "plan": [plan.pk],
        "plan_act": [plan.pk, "submit"],
        "plan_file": [plan.pk, attachment.pk],
        "product_query": [],
        "_product": story.product.pk,
        "_story": story,
    }


def url_of(name: str, world) -> str:
    _, source, _ = ROUTES[name]
    url = reverse(name, args=world[source] if source else [])
    return f"{url}?product={world['_product']}" if source == "product_query" else url


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for name, (method, _, public) in ROUTES.items():
        response = getattr(client, method)(url_of(name, world))
        if public:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize(
    "outsider", ["other_producer_user", "other_province_officer", "other_commune_officer"]
)
def test_people_of_other_units_find_nothing_and_change_nothing(client, cast, world, outsider):
    before = Dossier.objects.values().get(pk=world["dossier"][0])
    client.force_login(getattr(cast, outsider))
    for name, (method, source, _) in ROUTES.items():
        if source is None:
            continue
        response = getattr(client, method)(url_of(name, world), {"reason": "x", "body": "x", "version": 1})
        assert response.status_code == 404, (name, response.status_code)
    assert Dossier.objects.values().get(pk=world["dossier"][0]) == before
    queue = client.get(reverse("cycle:queue"))
    assert queue.status_code in (200, 404)
    assert "Mật ong hoa vải Vân Hà" not in queue.content.decode()


def test_each_person_sees_the_dossier_page_with_their_own_actions(client, cast, world):
    path = reverse("cycle:dossier", args=world["dossier"])
    client.force_login(cast.producer_user)
    page = client.get(path).content.decode()
    assert "Đã nộp, chờ xã kiểm tra" in page and "Rút hồ sơ" in page and "Xác nhận đã kiểm tra" not in page
    client.force_login(cast.commune_officer)
    page = client.get(path).content.decode()
    assert "Xác nhận đã kiểm tra" in page and "Nguồn gốc ý tưởng sản phẩm" in page and "Rút hồ sơ" not in page
    assert "Phiếu đăng ký sản phẩm tham gia đánh giá, phân hạng" in page  # the checklist with its documents
    client.force_login(cast.province_officer)
    page = client.get(path).content.decode()
    assert "Xác nhận đã kiểm tra" not in page and "Tiếp nhận để đánh giá" not in page


def test_producer_portal_says_what_each_dossier_still_needs(client, cast):
    story = dossier_story(cast, until="draft", complete=False)
    client.force_login(cast.producer_user)
    page = client.get(reverse("producers:portal")).content.decode()
    assert story.product.name in page and "Đang chuẩn bị" in page
    assert "Nhãn sản phẩm (ảnh hoặc bản in)" in page  # missing
    fill_required(story.dossier, cast.producer_user)
    page = client.get(reverse("producers:portal")).content.decode()
    assert "Đủ thành phần; có thể nộp." in page


def test_a_refused_upload_on_the_page_says_why_and_stores_nothing(client, cast, media_root):
    story = dossier_story(cast, until="draft", complete=False)
    client.force_login(cast.producer_user)
    response = client.post(
        reverse("cycle:upload", args=[story.dossier.pk]),
        {
            "item": "photos",
            "file": SimpleUploadedFile("anh.png", SVG_BYTES),
            "version": story.dossier.version,
        },
    )
    assert response.status_code == 400
    assert "ảnh SVG" in response.content.decode()
    assert Document.objects.count() == 0 and stored_files(media_root) == []
    ok = client.post(
        reverse("cycle:upload", args=[story.dossier.pk]),
        {
            "item": "photos",
            "file": SimpleUploadedFile("anh.png", image_bytes()),
            "version": story.dossier.version,
        },
    )
    assert ok.status_code == 302 and Document.objects.count() == 1


def test_page_actions_move_the_dossier_and_refusals_show_the_reason(client, cast):
    story = dossier_story(cast, until="submitted")
    client.force_login(cast.commune_officer)
    act = reverse("cycle:dossier_act", args=[story.dossier.pk, "forward"])
    with nothing_changes():
        refused = client.post(act, {"version": story.dossier.version})
    assert refused.status_code == 409 and "Không thể thực hiện" in refused.content.decode()
    checked = client.post(
        reverse("cycle:dossier_act", args=[story.dossier.pk, "check"]),
        {"version": story.dossier.version, "assess-1": "Dùng 12 lao động địa phương"},
    )
    assert checked.status_code == 302 and story.refresh().status == "checked"
    assert story.dossier.receiver_assessment["Sử dụng lao động địa phương"] == "Dùng 12 lao động địa phương"
    with nothing_changes():
        stale = client.post(act, {"version": story.dossier.version - 1})
    assert stale.status_code == 409 and "Người khác vừa thay đổi" in stale.content.decode()
    bulk = client.post(reverse("cycle:bulk_forward"), {"ids": [story.dossier.pk]})
    assert bulk.status_code == 302 and story.refresh().status == "forwarded"


def test_the_queue_costs_the_same_queries_for_one_or_many_dossiers(client, cast):
    story = dossier_story(cast, until="submitted")
    client.force_login(cast.commune_officer)
    client.get(reverse("cycle:queue"))  # warm the per-process caches (routing table, rubric versions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("cycle:queue")).status_code == 200
    for name in ("Mật ong bạc hà", "Mật ong rừng", "Vải thiều sấy"):
        product = product_create(actor=None, producer=story.producer, name=name, product_set=product_set())
        dossier = services.dossier_create(actor=cast.producer_user, product=product, year=THIS_YEAR)
        fill_required(dossier, cast.producer_user)
        services.dossier_submit(actor=cast.producer_user, dossier=Dossier.objects.get(pk=dossier.pk))
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("cycle:queue"))
    assert page.content.decode().count('name="ids"') == 0  # submitted: not yet forwardable
    assert len(four) == len(one)


def test_state_changes_notify_in_the_app_and_by_e_mail(client, cast, django_capture_on_commit_callbacks):
    cast.commune_officer.email = "xa.vanha@example.vn"
    cast.commune_officer.save()
    story = dossier_story(cast, until="draft")
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_submit(actor=cast.producer_user, dossier=story.dossier)
    assert [m.to for m in mail.outbox] == [["xa.vanha@example.vn"]]
    assert (
        "Mật ong hoa vải Vân Hà" in mail.outbox[0].subject
        and "Đã nộp, chờ xã kiểm tra" in mail.outbox[0].subject
    )
    assert f"/dossiers/{story.dossier.pk}/" in mail.outbox[0].body
    client.force_login(cast.commune_officer)
    page = client.get(reverse("cycle:notifications")).content.decode()
    assert "Mật ong hoa vải Vân Hà" in page and "mới" in page
    client.post(reverse("cycle:notifications"))
    assert not Notification.objects.filter(user=cast.commune_officer, read_at__isnull=True).exists()


def test_product_pages_take_photos_checked_by_content(client, cast, media_root):
    story = dossier_story(cast, until="draft", complete=False)
    client.force_login(cast.producer_user)
    path = reverse("products:photo_add", args=[story.product.pk])
    refused = client.post(path, {"kind": "photo", "file": SimpleUploadedFile("a.svg", SVG_BYTES)})
    assert refused.status_code == 400 and "SVG" in refused.content.decode()
    ok = client.post(path, {"kind": "label", "file": SimpleUploadedFile("nhan.jpg", image_bytes("JPEG"))})
    assert ok.status_code == 302 and ProductPhoto.objects.count() == 1
    assert len(stored_files(media_root)) == 1
