"""The indicators a province officer reads are counted from the records, in today's units, and agree with
the public catalogue; an indicator whose app is not built yet says "no data", never 0."""

from __future__ import annotations

import pytest

from ocop.geo.models import AdminUnit, Era
from ocop.planning import catalogue
from ocop.planning.models import IndicatorValue

pytestmark = pytest.mark.django_db


def _values(client, headers, unit: str, year: int | None = None) -> dict:
    query = {"unit": unit} | ({"year": year} if year else {})
    response = client.get("/api/v1/indicators/values", query, **headers)
    assert response.status_code == 200, response.content
    return {item["code"]: item for item in response.json()["items"]}


@pytest.fixture
def certified(programme, django_capture_on_commit_callbacks):
    """Bắc Ninh: a cooperative in Phường Vân Hà (4★ honey, 3★ lychee), an enterprise recorded at a legacy commune
    of Bắc Giang (3★ rice wine); Hà Nội: a household business (its tea not certified). One product in Bắc Ninh
    uncertified."""
    cast = programme.cast
    legacy_commune = (
        AdminUnit.objects.filter(era=Era.LEGACY, current_province=cast.province, level="commune")
        .exclude(current_commune=None)
        .first()
    )
    coop = programme.producer("Hợp tác xã Mật ong Vân Hà", "cooperative", cast.commune, led_by_woman=True)
    firm = programme.producer("Công ty Rượu Làng Vân", "enterprise", legacy_commune, led_by_woman=False)
    home = programme.producer("Hộ kinh doanh Chè Ba Đình", "household", cast.other_province_commune)
    honey = programme.product(coop, "Mật ong hoa vải", sales_channels=["supermarket", "local"])
    lychee = programme.product(coop, "Vải thiều sấy")
    wine = programme.product(firm, "Rượu làng Vân", sales_channels=["ecommerce"])
    programme.product(coop, "Mứt vải (chưa đánh giá)")
    tea = programme.product(home, "Chè Ba Đình")
    with django_capture_on_commit_callbacks(execute=True):
        programme.certify([(honey, 4), (lychee, 3), (wine, 3)])
    return {"honey": honey, "lychee": lychee, "wine": wine, "tea": tea, "legacy_commune": legacy_commune}


def test_products_recognised_equals_the_catalogue_count(client, certified, cast, login):
    catalogue_count = client.get("/api/v1/catalog/products", {"province": cast.province.code}).json()["count"]
    assert catalogue_count == 3
    login(cast.province_officer)
    values = _values(client, {}, cast.province.code)
    assert values["products_recognised"]["value"] == catalogue_count
    assert values["products_recognised_3"]["value"] == 2
    assert values["products_recognised_4"]["value"] == 1
    assert values["products_recognised_5"]["value"] == 0


def test_legacy_records_count_in_todays_units(client, certified, cast, login):
    """The rice wine's producer sits at a commune of the old Bắc Giang: it counts in Bắc Ninh today."""
    login(cast.province_officer)
    values = _values(client, {}, cast.province.code)
    assert values["producers"]["value"] == 2
    assert values["producers_cooperative"]["value"] == 1
    assert values["producers_enterprise"]["value"] == 1
    assert values["producers_cooperative_share"]["value"] == 50
    assert values["products_modern_channels"]["value"] == 2
    assert values["producers_led_by_women"]["value"] == 1


def test_an_app_not_built_yet_shows_no_data_not_zero(client, certified, cast, login):
    login(cast.province_officer)
    values = _values(client, {}, cast.province.code)
    for code in ("shops", "fairs", "officers_trained_share", "craft_villages_with_product_share"):
        assert values[code]["value"] is None, code
    assert values["certificates_revoked"]["value"] == 0  # the app exists: a true zero


def test_a_commune_sees_its_own_figures_and_nothing_above(client, certified, cast, login):
    login(cast.commune_officer)
    values = _values(client, {}, cast.commune.code)
    assert values["products_recognised"]["value"] == 2  # honey and lychee; the wine is another commune's
    for unit in (cast.province.code, "VN", cast.other_commune.code):
        response = client.get("/api/v1/indicators/values", {"unit": unit})
        assert response.status_code == 404
        assert response.json()["code"] == "unit_unknown"


def test_the_catalogue_lists_codes_and_names(client, cast, login):
    login(cast.province_officer)
    items = client.get("/api/v1/indicators").json()["items"]
    codes = [item["code"] for item in items]
    for required in (
        "products_recognised",
        "products_recognised_3",
        "products_recognised_4",
        "products_recognised_5",
        "producers",
        "producers_cooperative",
        "certificates_expiring_6m",
    ):
        assert required in codes
    shops = next(i for i in items if i["code"] == "shops")
    assert shops["available"] is True  # the promotion app counts them


def test_anonymous_and_council_members_are_refused(client, cast, login):
    assert client.get("/api/v1/indicators/values", {"unit": "VN"}).status_code == 401
    login(cast.council1)
    assert client.get("/api/v1/indicators/values", {"unit": cast.province.code}).status_code == 404


def test_stored_values_follow_a_new_certificate(
    client, programme, certified, cast, login, django_capture_on_commit_callbacks
):
    login(cast.central)
    before = _values(client, {}, "VN")["products_recognised"]["value"]
    assert IndicatorValue.objects.filter(unit=cast.country, code="products_recognised").exists()
    producer = programme.producer("Hợp tác xã Gạo Yên Phong", "cooperative", cast.other_commune)
    rice = programme.product(producer, "Gạo nếp cái hoa vàng")
    with django_capture_on_commit_callbacks(execute=True):
        programme.certify([(rice, 3)])
    after = _values(client, {}, "VN")["products_recognised"]["value"]
    assert after == before + 1


def test_catalogue_file_is_checked(tmp_path, monkeypatch):
    with pytest.raises(Exception, match="unit must be one of"):
        catalogue._check(
            [
                {
                    "code": "x",
                    "name_vi": "x",
                    "name_en": "x",
                    "source": "s",
                    "unit": "kg",
                    "direction": "up",
                    "compute": "ocop.x.indicators:x",
                }
            ]
        )
