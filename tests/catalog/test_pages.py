"""The public catalogue pages, for an anonymous visitor, with certificates issued by the certification app."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.catalog.models import CatalogEntry
from ocop.certification.selectors import certificate_qr_text

pytestmark = pytest.mark.django_db


def test_issuing_a_certificate_puts_the_product_in_the_catalogue(client, bac_ninh_shelf):
    page = client.get(reverse("catalog:search"), {"q": "mat ong"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mật ong hoa vải Vân Hà" in text
    assert "Mật ong bạc hà chưa chứng nhận" not in text


def test_an_upgrade_shows_the_new_certificate(bac_ninh_shelf):
    entry = CatalogEntry.objects.get(product=bac_ninh_shelf["sauce"])
    five = bac_ninh_shelf["certificates"][-1]
    assert (entry.stars, entry.certificate_number, entry.listed) == (5, five.number, True)
    assert entry.certificate_qr == certificate_qr_text(five)


def test_the_product_page_shows_what_a_buyer_needs(
    client, bac_ninh_shelf, django_assert_max_num_queries, uncached
):
    honey = bac_ninh_shelf["honey"]
    certificate = bac_ninh_shelf["certificates"][0]
    # The entry, its photos, its certificate's paper note, and which of trade promotion's four reads (shops and
    # listings for "where to buy", fairs and gift sets for its panel) have anything: this product has none, so
    # none of them runs. A product with all four costs eight: a fixed number whatever the product has.
    with django_assert_max_num_queries(4):
        page = client.get(reverse("catalog:product", args=[honey.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    for shown in (
        "Mật ong hoa vải Vân Hà",
        "Hợp tác xã Vải thiều và Mật ong Vân Hà",
        "Đàn ong được nuôi giữa vườn vải thiều",
        certificate.number,
        "Còn hiệu lực",
        certificate.valid_until.strftime("%d/%m/%Y"),
        "Tỉnh Bắc Ninh",
        "Tỉnh Bắc Giang",  # where it was before 1 July 2025
        certificate_qr_text(certificate),
        reverse("catalog:producer", args=[honey.producer_id]),
    ):
        assert shown in text, shown


def test_a_product_never_certified_has_no_public_page(client, bac_ninh_shelf):
    assert client.get(reverse("catalog:product", args=[bac_ninh_shelf["draft"].pk])).status_code == 404
    assert client.get(reverse("catalog:product", args=[999_999])).status_code == 404


def test_a_revoked_certificate_leaves_the_list_but_the_page_says_so(client, cast, bac_ninh_shelf, revoke):
    from ocop.catalog.services import refresh_index

    honey, certificate = bac_ninh_shelf["honey"], bac_ninh_shelf["certificates"][0]
    revoke(certificate)
    refresh_index()
    assert (
        "Mật ong hoa vải Vân Hà"
        not in client.get(reverse("catalog:search"), {"q": "mat ong"}).content.decode()
    )
    page = client.get(reverse("catalog:product", args=[honey.pk]))
    assert page.status_code == 200 and "Đã thu hồi" in page.content.decode()


def test_search_page_costs_a_fixed_number_of_queries(
    client, bac_ninh_shelf, django_assert_max_num_queries, uncached
):
    # The catalogue's version (its cached facet counts say whether the query is known broad), the matches'
    # facts (capped: count and facets), the page's ids (a statement per tier still needed, at most four), the
    # page's rows; provinces and group names are reference data, read once per process. Whatever the number
    # of results.
    client.get(reverse("catalog:search"), {"q": "mat ong"})
    with django_assert_max_num_queries(7):
        assert client.get(reverse("catalog:search"), {"q": "mat ong"}).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("catalog:search")).status_code == 200
    with django_assert_max_num_queries(7):
        client.get(reverse("catalog:search"), {"q": "tuong", "province": "24", "stars": "5"})


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": '"'},
        {"q": "*"},
        {"q": "NEAR(mat ong)"},
        {"q": "name_text: mat"},
        {"q": "' OR 1=1 --"},
        {"q": "x" * 5000},
        {"page": "1000000000"},
        {"page": "-3"},
        {"page": "abc"},
        {"stars": "9"},
        {"stars": "năm"},
        {"year": "1800"},
        {"province": "999"},
        {"legacy_province": "xx"},
        {"group": "<script>"},
        {"colour": "red"},
        {"page_size": "100000"},
    ],
)
def test_bad_input_gives_a_normal_page_with_a_clear_message(client, bac_ninh_shelf, params):
    page = client.get(reverse("catalog:search"), params)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<script>" not in text
    if set(params) - {"q"} or len(params.get("q", "")) > 200:
        assert 'class="messages notices"' in text


def test_a_page_past_the_end_shows_the_last_page_and_says_so(client, bac_ninh_shelf):
    text = client.get(reverse("catalog:search"), {"page": "1000000000"}).content.decode()
    assert "Trang 1000000000 không có" in text
    assert "Mật ong hoa vải Vân Hà" in text


def test_a_typo_is_corrected_and_said(client, bac_ninh_shelf):
    text = client.get(reverse("catalog:search"), {"q": "tuong dinh to"}).content.decode()
    assert "Tương Đình Tổ" in text
    text = client.get(reverse("catalog:search"), {"q": "tuong dinh tp"}).content.decode()
    assert "Kết quả gần đúng" in text and "Tương Đình Tổ" in text


def test_facets_filter_and_unfilter(client, bac_ninh_shelf):
    page = client.get(reverse("catalog:search"), {"q": "van ha"})
    facets = {block["name"]: block for block in page.context["facets"]}
    three = next(option for option in facets["stars"]["options"] if option["label"] == "★★★")
    assert three["count"] == 1
    narrowed = client.get(three["url"])
    assert [entry.name for entry in narrowed.context["result"].entries] == ["Vải thiều sấy khô Vân Hà"]
    assert narrowed.context["chosen"][0]["url"].endswith("?q=van+ha")


def test_the_producer_page_lists_its_certified_products(
    client, bac_ninh_shelf, django_assert_max_num_queries, uncached
):
    honey = bac_ninh_shelf["honey"]
    with django_assert_max_num_queries(2):
        page = client.get(reverse("catalog:producer", args=[honey.producer_id]))
    text = page.content.decode()
    assert "Mật ong hoa vải Vân Hà" in text and "Vải thiều sấy khô Vân Hà" in text
    draft_maker = bac_ninh_shelf["draft"].producer_id
    assert client.get(reverse("catalog:producer", args=[draft_maker])).status_code == 404


def test_the_province_page_counts_by_stars_and_group(
    client, bac_ninh_shelf, django_assert_max_num_queries, uncached
):
    with django_assert_max_num_queries(7):  # with the catalogue's version, read once by the search
        page = client.get(reverse("catalog:province", args=["24"]))
    summary = page.context["summary"]
    assert summary["total"] == 3
    assert summary["stars"] == [(5, 1), (4, 1), (3, 1)]
    assert [(g["group_code"], g["n"]) for g in summary["groups"]] == [("I", 3)]
    assert client.get(reverse("catalog:province", args=["99"])).status_code == 404


def test_the_map_places_provinces_from_unit_coordinates(
    client, bac_ninh_shelf, django_assert_max_num_queries, uncached
):
    # the provinces, the catalogue's version and its counts (kept per version), promotion's layer of shops
    with django_assert_max_num_queries(4):
        page = client.get(reverse("catalog:map"))
    points = {point.province.code: point for point in page.context["points"]}
    assert len(points) == 34
    assert points["24"].count == 3 and points["01"].count == 0
    assert points["24"].radius > points["01"].radius
    text = page.content.decode()
    assert "<svg" in text
    # Each province links to its page, in the circle and in the table, its code's zero kept.
    for code in ("01", "24"):
        assert text.count(f'href="{reverse("catalog:province", args=[code])}"') == 2, code
    # North is up: Hà Giang's successor (Tuyên Quang) is above Cà Mau.
    assert points["08"].y < points["96"].y


def test_home_invites_search(client, bac_ninh_shelf, django_assert_max_num_queries, uncached):
    with django_assert_max_num_queries(
        5
    ):  # provinces, the catalogue's version, count, the page's ids and rows
        page = client.get(reverse("catalog:home"))
    text = page.content.decode()
    assert 'name="q"' in text and "Tương Đình Tổ" in text


def test_catalog_pages_need_no_login_and_carry_no_inline_script(client, bac_ninh_shelf):
    honey = bac_ninh_shelf["honey"]
    for url in (
        reverse("catalog:home"),
        reverse("catalog:search"),
        reverse("catalog:product", args=[honey.pk]),
        reverse("catalog:producer", args=[honey.producer_id]),
        reverse("catalog:province", args=["24"]),
        reverse("catalog:map"),
        reverse("catalog:open_data"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "<script>" not in page.content.decode() and "style=" not in page.content.decode()


def test_result_cards_show_what_people_typed_as_text(client, bac_ninh_shelf, uncached):
    """The cards and facet lists are written in one pass (catalog_tags): every value escaped, quotes too."""
    from ocop.catalog.models import CatalogEntry

    honey = bac_ninh_shelf["honey"]
    typed = "<b onclick='x'>Mật \"ong\" & sáp</b>"
    CatalogEntry.objects.filter(product=honey).update(
        name=typed, former_name=typed, producer_name=typed, group_name=typed
    )
    for url in (
        reverse("catalog:search"),
        reverse("catalog:search") + "?province=24",
        reverse("catalog:producer", args=[honey.producer_id]),
        reverse("catalog:province", args=["24"]),
    ):
        text = client.get(url).content.decode()
        assert "<b onclick" not in text, url
        shown = "&lt;b onclick=&#x27;x&#x27;&gt;Mật &quot;ong&quot; &amp; sáp&lt;/b&gt;"
        assert f">{shown}</a></h3>" in text, url  # the name, linked to the product
        assert f"Trước đây: {shown}" in text and f"{shown}<br><small>" in text, url


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 150, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photos_of_certified_products_are_public_and_no_others(
    client, cast, bac_ninh_shelf, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ocop.catalog.models import CatalogEntry
    from ocop.catalog.services import refresh_index
    from ocop.producers.models import ProducerMember
    from ocop.products.services import product_photo_add

    honey, draft = bac_ninh_shelf["honey"], bac_ninh_shelf["draft"]
    for product in (honey, draft):
        ProducerMember.objects.create(producer=product.producer, user=cast.producer_user)
    shown = product_photo_add(
        actor=cast.producer_user, product=honey, upload=SimpleUploadedFile("ong.png", _png())
    )
    hidden = product_photo_add(
        actor=cast.producer_user, product=draft, upload=SimpleUploadedFile("nhap.png", _png())
    )
    refresh_index()  # the catch-up job notices the new photo
    assert CatalogEntry.objects.get(product=honey).photo_id == shown.pk
    response = client.get(reverse("catalog:photo", args=[honey.pk, shown.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    for page in (reverse("catalog:product", args=[honey.pk]), reverse("catalog:search")):  # page and card
        assert (
            f'src="{reverse("catalog:photo", args=[honey.pk, shown.pk])}"'
            in client.get(page).content.decode()
        )
    assert client.get(reverse("catalog:photo", args=[draft.pk, hidden.pk])).status_code == 404
    assert client.get(reverse("catalog:photo", args=[honey.pk, hidden.pk])).status_code == 404
