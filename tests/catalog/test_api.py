"""The public catalogue API (API.md), partner keys with rate limits, and open data exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from ocop.catalog.models import PartnerKey
from ocop.catalog.services import partner_key_issue, partner_key_revoke
from ocop.certification.selectors import certificate_qr_text
from ocop.core.errors import Forbidden

pytestmark = pytest.mark.django_db
URL = "/api/v1/catalog/products"


def test_the_list_follows_the_contract(client, bac_ninh_shelf, django_assert_max_num_queries, uncached):
    client.get(URL, {"q": "mat ong"})  # provinces: reference data, read once per process
    # the capped count, the page's ids (per tier needed), its rows; and the rate limit's counter shared by every
    # process (its upsert, and on a window's first request the removal of past windows), run in a savepoint
    # here because the test itself holds a transaction (a request in autocommit takes none)
    with django_assert_max_num_queries(10):
        body = client.get(URL, {"q": "mat ong"}).json()
    assert body["count"] == 2  # the honey, and the lychee of the honey cooperative
    assert (body["count_exact"], body["count_capped"]) == (True, False)
    item = body["items"][0]
    honey, certificate = bac_ninh_shelf["honey"], bac_ninh_shelf["certificates"][0]
    assert {key: item[key] for key in ("id", "name", "producer", "province", "group", "stars")} == {
        "id": honey.pk,
        "name": "Mật ong hoa vải Vân Hà",
        "producer": "Hợp tác xã Vải thiều và Mật ong Vân Hà",
        "province": "Tỉnh Bắc Ninh",
        "group": "I",
        "stars": 4,
    }
    assert item["certificate"] == {
        "number": certificate.number,
        "stars": 4,
        "valid_until": certificate.valid_until.isoformat(),
        "status": "active",
        "qr": certificate_qr_text(certificate),
    }


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"q": "tuong dinh to"}, ["Tương Đình Tổ"]),
        ({"q": "TƯƠNG"}, ["Tương Đình Tổ"]),
        ({"q": "vân hà"}, ["Mật ong hoa vải Vân Hà", "Vải thiều sấy khô Vân Hà"]),
        ({"q": "xyzzyq"}, []),
        ({"q": "vai thieu"}, ["Vải thiều sấy khô Vân Hà", "Mật ong hoa vải Vân Hà"]),  # its producer too
        ({"q": "bac giang"}, ["Tương Đình Tổ", "Mật ong hoa vải Vân Hà", "Vải thiều sấy khô Vân Hà"]),
        ({"province": "24", "stars": "3"}, ["Vải thiều sấy khô Vân Hà"]),
        ({"province": "01"}, []),
        ({"group": "I", "stars": "5"}, ["Tương Đình Tổ"]),
        ({"group": "VI"}, []),
        ({"legacy_province": "24"}, ["Tương Đình Tổ", "Mật ong hoa vải Vân Hà", "Vải thiều sấy khô Vân Hà"]),
    ],
)
def test_search_and_filters(client, bac_ninh_shelf, params, names):
    body = client.get(URL, params).json()
    assert [item["name"] for item in body["items"]] == names
    assert body["count"] == len(names)


def test_pages(client, bac_ninh_shelf):
    first = client.get(URL, {"page_size": "2"}).json()
    second = client.get(URL, {"page_size": "2", "page": "2"}).json()
    assert (first["count"], first["pages"], len(first["items"]), len(second["items"])) == (3, 2, 2, 1)
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"page": "1000000000"}, 404, "page_out_of_range"),
        ({"stars": "7"}, 400, "bad_catalog_query"),
        ({"stars": "abc"}, 400, "bad_catalog_query"),
        ({"province": "99"}, 400, "bad_catalog_query"),
        ({"q": "x" * 500}, 400, "bad_catalog_query"),
    ],
)
def test_bad_queries_get_a_clear_4xx(client, bac_ninh_shelf, params, status, code):
    response = client.get(URL, params)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["message"]


ALL_THREE = ["Tương Đình Tổ", "Mật ong hoa vải Vân Hà", "Vải thiều sấy khô Vân Hà"]
HONEY_COOPERATIVE = ["Mật ong hoa vải Vân Hà", "Vải thiều sấy khô Vân Hà"]


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ('"', ALL_THREE),  # no word left: the whole shelf, as with no query
        ("*", ALL_THREE),
        ("", ALL_THREE),
        ('"mat ong"', HONEY_COOPERATIVE),  # quotes and stars are dropped, the words stay
        ("mat* ong:*", HONEY_COOPERATIVE),
        ("NEAR(a b)", []),  # operators are plain words, which no product holds
        ("a:b", []),
        ("'; DROP TABLE x; --", []),
        ("mat AND ong", []),
    ],
)
def test_query_syntax_is_only_text(client, bac_ninh_shelf, q, names):
    response = client.get(URL, {"q": q, "colour": "red"})
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["items"]] == names


def test_details_of_a_product_and_a_producer(client, bac_ninh_shelf):
    honey = bac_ninh_shelf["honey"]
    product = client.get(f"{URL}/{honey.pk}").json()
    assert product["story"].startswith("Đàn ong") and product["legacy_province"] == "Tỉnh Bắc Giang"
    producer = client.get(f"/api/v1/catalog/producers/{honey.producer_id}").json()
    assert [p["name"] for p in producer["products"]] == ["Mật ong hoa vải Vân Hà", "Vải thiều sấy khô Vân Hà"]
    assert client.get(f"{URL}/{bac_ninh_shelf['draft'].pk}").json()["code"] == "catalog_product_not_found"
    assert client.get(f"/api/v1/catalog/producers/{bac_ninh_shelf['draft'].producer_id}").status_code == 404


def test_anonymous_callers_are_rate_limited(client, bac_ninh_shelf, settings):
    settings.CATALOG_PUBLIC_API_PER_MINUTE = 3
    statuses = [client.get(URL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(URL).json()["code"] == "rate_limited"


def test_a_partner_key_has_its_own_budget(client, cast, bac_ninh_shelf, settings):
    settings.CATALOG_PUBLIC_API_PER_MINUTE = 1
    partner, key = partner_key_issue(
        actor=cast.central, name="Sàn Thương mại Điện tử A", requests_per_minute=5
    )
    assert PartnerKey.objects.get(pk=partner.pk).key_hash != key  # only a hash is kept
    statuses = [client.get(URL, HTTP_X_API_KEY=key).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert client.get(URL).status_code == 200  # the anonymous budget is another one
    partner_key_revoke(actor=cast.central, partner=partner, reason="Hết hợp đồng")
    refused = client.get(URL, HTTP_X_API_KEY=key)
    assert refused.status_code == 401 and refused.json()["code"] == "bad_api_key"
    assert client.get(URL, HTTP_X_API_KEY="ocop_nope_nope").status_code == 401


def test_only_central_officers_issue_partner_keys(cast):
    for someone in (cast.province_officer, cast.producer_user, cast.commune_officer):
        with pytest.raises(Forbidden):
            partner_key_issue(actor=someone, name="X")
    assert not PartnerKey.objects.exists()


@pytest.fixture
def hostile_names(bac_ninh_shelf):
    from ocop.catalog.services import reindex_product

    sauce = bac_ninh_shelf["sauce"]
    sauce.name = '=HYPERLINK("http://evil.example","Bấm vào")'
    sauce.save(update_fields=["name"])
    reindex_product(sauce)
    lychee = bac_ninh_shelf["lychee"]
    lychee.name = "@SUM(1+1)"
    lychee.save(update_fields=["name"])
    reindex_product(lychee)
    return bac_ninh_shelf


def test_csv_export_neutralises_formulas(client, hostile_names):
    response = client.get("/catalog/open-data/certified-products.csv")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][1] == "Tên sản phẩm" and len(rows) == 4
    names = {row[1] for row in rows[1:]}
    assert names == {'\'=HYPERLINK("http://evil.example","Bấm vào")', "'@SUM(1+1)", "Mật ong hoa vải Vân Hà"}
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r", "\0")) for cell in row)


def test_xlsx_export_neutralises_formulas(client, hostile_names):
    response = client.get("/api/v1/catalog/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert "'@SUM(1+1)" in {cell.value for cell in cells}


def test_json_export_keeps_values_exactly(client, hostile_names):
    body = json.loads(b"".join(client.get("/api/v1/catalog/export.json").streaming_content))
    assert "@SUM(1+1)" in {item["name"] for item in body["items"]}
    assert body["columns"][0] == "id"
    assert client.get("/api/v1/catalog/export.exe").status_code == 404


def test_exports_are_rate_limited(client, bac_ninh_shelf, settings):
    settings.CATALOG_EXPORTS_PER_MINUTE = 2
    statuses = [client.get("/catalog/open-data/certified-products.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
