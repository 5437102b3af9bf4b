"""Dashboards (issue 16 item 4): the country, a province and a commune, each figure counted from the records in
today's units, the same as the indicators; the way down from the country to the records behind a figure; and
no unit outside the reader's area."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ocop.geo.models import AdminUnit, Era
from ocop.planning import charts
from ocop.planning.services import programme_plan_create
from ocop.planning.summary import values_for

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """The catalogue's provinces are cached per process: each test reads its own database's (a transactional
    test reloads the units under new ids)."""
    from ocop.catalog import reference

    reference.forget()
    yield
    reference.forget()


@pytest.fixture
def certified(programme, django_capture_on_commit_callbacks):
    """Bắc Ninh: a cooperative of Phường Vân Hà (4★ honey, 3★ lychee) and an enterprise recorded at a commune of
    the former Bắc Giang (3★ rice wine); Hà Nội: a household (5★ tea, recognised by the ministry)."""
    cast = programme.cast
    legacy_commune = AdminUnit.objects.get(
        era=Era.LEGACY, code="07804"
    )  # Xã Vân Hà, huyện Việt Yên, Bắc Giang
    coop = programme.producer("Hợp tác xã Mật ong Vân Hà", "cooperative", cast.commune)
    firm = programme.producer("Công ty Rượu Làng Vân", "enterprise", legacy_commune)
    home = programme.producer("Hộ kinh doanh Chè Ba Đình", "household", cast.other_province_commune)
    honey = programme.product(coop, "Mật ong hoa vải")
    lychee = programme.product(coop, "Vải thiều sấy")
    wine = programme.product(firm, "Rượu làng Vân")
    tea = programme.product(home, "Chè Ba Đình")
    with django_capture_on_commit_callbacks(execute=True):
        programme.certify([(honey, 4), (lychee, 3), (wine, 3)])
        programme.certify([(tea, 5)], central=True)
    return {"legacy_commune": legacy_commune}


def board_of(client, code: str, year: int = YEAR):
    response = client.get(f"/dashboards/{code}/", {"year": year})
    assert response.status_code == 200, response.content[:500]
    return response.context["board"]


def test_the_national_dashboard_counts_stars_by_group_and_by_province(cast, login, certified):
    board = board_of(login(cast.central), "VN")
    headline = {figure.code: figure.value_number for figure, _ in board.headlines}
    assert headline["products_recognised"] == 4 == board.total
    assert headline["products_recognised_5"] == 1
    assert sum(bar.total for bar in board.by_group.bars) == 4
    places = {place.code: counts for place, counts, _ in board.place_rows}
    assert places[cast.province.code] == {3: 2, 4: 1}
    assert places[cast.other_province.code] == {5: 1}
    assert len(board.place_rows) == 34  # every province of today, with or without products
    shades = {point.province.code: shade for point, shade, _ in board.map.points}
    assert shades[cast.province.code] > shades[cast.other_province.code] > 0
    assert shades["01"] > 0 and min(shades.values()) == 0


def test_a_legacy_record_counts_in_the_commune_it_belongs_to_today(cast, login, certified):
    board = board_of(login(cast.province_officer), cast.province.code)
    places = {place.pk: counts for place, counts, _ in board.place_rows}
    assert (
        certified["legacy_commune"].current_commune == cast.commune
    )  # the former Xã Vân Hà is Phường Vân Hà
    assert places[cast.commune.pk] == {3: 2, 4: 1}
    assert sum(sum(counts.values()) for counts in places.values()) == 3
    assert board.total == 3 and board.map is not None


def test_the_way_down_from_the_country_to_the_records(cast, login, certified):
    client = login(cast.central)
    national = client.get("/dashboards/VN/").content.decode()
    province_link = f"/dashboards/{cast.province.code}/?year={YEAR}"
    assert f'href="{province_link}"' in national

    province = client.get(province_link).content.decode()
    commune_link = f"/dashboards/{cast.commune.code}/?year={YEAR}"
    assert f'href="{commune_link}"' in province

    commune = client.get(commune_link)
    board = commune.context["board"]
    assert [name for name, _ in board.trail] == ["Việt Nam", cast.province.short_name]
    figure, records = board.headlines[0]
    assert figure.code == "products_recognised" and figure.value_number == 3
    listed = client.get(records).content.decode()
    assert "Mật ong hoa vải" in listed and "Vải thiều sấy" in listed and "Rượu làng Vân" in listed
    assert "Chè Ba Đình" not in listed


def test_progress_beside_the_plan_targets(cast, login, certified):
    programme_plan_create(
        actor=cast.province_officer,
        unit=cast.province,
        year_from=YEAR,
        targets=[{"indicator": "products_recognised", "value": 6}],
    )
    board = board_of(login(cast.province_officer), cast.province.code)
    ((figure, bar, link),) = board.progress
    assert (figure.code, figure.value_number, figure.target_number) == ("products_recognised", 3, 6)
    assert bar.value_share == 50.0 and not bar.over
    assert "/planning/records/products_recognised/" in link


def test_stars_by_year_read_the_stored_yearly_values(cast, login, certified):
    board = board_of(login(cast.province_officer), cast.province.code)
    last = board.by_year.columns[-1]
    assert last.label == str(YEAR) and last.total == 3
    stored = values_for(cast.province, YEAR)
    assert (stored["products_recognised_3"], stored["products_recognised_4"]) == (2, 1)


def test_no_unit_outside_the_readers_area(cast, login, certified):
    assert login(cast.other_province_officer).get(f"/dashboards/{cast.province.code}/").status_code == 404
    assert login(cast.commune_officer).get("/dashboards/VN/").status_code == 404
    assert login(cast.commune_officer).get(f"/dashboards/{cast.other_commune.code}/").status_code == 404
    assert login(cast.producer_user).get("/dashboards/").status_code == 404
    own = login(cast.commune_officer).get("/dashboards/")
    assert own.status_code == 302 and own["Location"] == f"/dashboards/{cast.commune.code}/?year={YEAR}"


def test_a_province_officer_sees_no_link_up_to_the_country(cast, login, certified):
    board = board_of(login(cast.province_officer), cast.province.code)
    assert board.trail == []


def test_bars_scale_to_the_largest_and_stack_by_stars():
    width = 40 + charts.LEFT + charts.RIGHT  # 40 units of bar for the largest total
    chart = charts.stacked_bars([("A", {3: 2, 5: 2}, "/a"), ("B", {4: 1}, "")], width=width)
    first, second = chart.bars
    assert [s.stars for s in first.segments] == [3, 5] and first.total == 4
    assert first.segments[0].width == first.segments[1].width == 20.0  # 40 units for 4, split 2 and 2
    assert second.segments[0].width == 10.0
    assert charts.thresholds_of([0, 1, 2, 3, 10]) == [1, 2, 3]
    assert [charts.colour_class(c, [1, 2, 3]) for c in (0, 1, 2, 3, 10)] == [0, 1, 2, 3, 4]
