"""Addresses of their time: former names, moved communes, aliases and suggestions (ocop.geo.addresses)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.geo.addresses import AddressResolver, alias_key, part_key
from ocop.geo.models import AddressAlias, AdminUnit, Era, UnitFormerName

pytestmark = pytest.mark.django_db

BEFORE = date(2021, 6, 30)


def legacy(code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.LEGACY, code=code)


@pytest.mark.parametrize(
    ("address", "code", "name", "via"),
    [
        # Thị trấn Chũ became Phường Chũ of thị xã Chũ (2025), split off huyện Lục Ngạn.
        ("Thị trấn Chũ, huyện Lục Ngạn, tỉnh Bắc Giang", "07525", "Phường Chũ", "moved"),
        ("TT. Chũ, H. Lục Ngạn, Bắc Giang", "07525", "Phường Chũ", "moved"),
        # Xã Phượng Sơn became Phường Phượng Sơn, thị xã Chũ.
        ("Xã Phượng Sơn, Lục Ngạn, Bắc Giang", "07612", "Phường Phượng Sơn", "moved"),
        # Thị trấn Cầu Gồ was renamed Thị trấn Phồn Xương (huyện Yên Thế): a former name.
        ("Thị trấn Cầu Gồ, Yên Thế, Bắc Giang", "07288", "Thị trấn Phồn Xương", "former_name"),
        ("Thị trấn Cầu Gồ, Bắc Giang", "07288", "Thị trấn Phồn Xương", "former_name"),
        # Thị trấn Chũ is also a former name of Phường Chũ (with Xã Nghĩa Hồ merged into it).
        ("Xã Nghĩa Hồ, Lục Ngạn, Bắc Giang", "07525", "Phường Chũ", "former_name"),
        ("xã Vân Hà, huyện Việt Yên, Bắc Giang", "07804", "Xã Vân Hà", "name"),
    ],
)
def test_the_three_real_world_addresses_and_their_kin_land_where_they_are(address, code, name, via):
    found = AddressResolver().resolve(address, BEFORE)
    assert found.unit is not None, (found.problem, found.failed)
    assert (found.unit.era, found.unit.code, found.unit.name, found.via) == ("legacy", code, name, via)
    assert found.unit.current_province.name == "Tỉnh Bắc Ninh"  # Bắc Giang merged into Bắc Ninh


def test_former_names_come_from_the_package():
    assert UnitFormerName.objects.filter(unit=legacy("07288"), key="thitrancaugo").exists()
    assert UnitFormerName.objects.count() > 3000


def test_an_unknown_commune_names_the_part_and_the_district_and_suggests_the_closest():
    found = AddressResolver().resolve("xã Phượng Sưn, huyện Lục Ngạn, tỉnh Bắc Giang", BEFORE)
    assert found.unit is None
    assert (found.problem, found.failed, found.within.name) == (
        "unknown_place",
        "xã Phượng Sưn",
        "Huyện Lục Ngạn",
    )
    names = [unit.full_name for unit, _ in found.suggestions]
    assert names[0] == "Phường Phượng Sơn, Thị xã Chũ, Tỉnh Bắc Giang"
    assert len(names) <= 5
    choice = found.choice()
    assert choice["province"] == "Tỉnh Bắc Ninh" and choice["suggestions"][0]["id"] == legacy("07612").pk


def test_a_commune_of_the_wrong_district_still_resolves_in_the_province_but_a_typo_does_not():
    assert AddressResolver().resolve("Xã Kiên Lao, huyện Lục Ngạn, Bắc Giang", BEFORE).unit == legacy("07552")
    found = AddressResolver().resolve("Xã Không Có, huyện Không Có, Bắc Giang", BEFORE)
    assert (found.problem, found.failed, found.within.name) == (
        "unknown_place",
        "huyện Không Có",
        "Tỉnh Bắc Giang",
    )


def test_an_unknown_province_names_it():
    found = AddressResolver().resolve("xã A, huyện B, tỉnh Không Có", BEFORE)
    assert (found.problem, found.failed, found.within) == ("unknown_place", "tỉnh Không Có", None)


def test_an_alias_comes_first_and_a_saved_one_counts_for_the_rest_of_the_file(cast):
    resolver = AddressResolver()
    address = "Thôn Trại, xóm Mới, Bắc Giang"
    assert resolver.resolve(address, BEFORE).unit is None
    unit = legacy("07612")
    resolver.remember(cast.province, alias_key(address), unit)
    assert resolver.resolve(address, BEFORE).unit == unit
    AddressAlias.objects.create(province=cast.province, key=alias_key(address), written=address, unit=unit)
    found = AddressResolver().resolve("thôn trại , XÓM MỚI, tỉnh Bắc Giang", BEFORE)
    assert (found.unit, found.via) == (unit, "alias")


def test_keys_fold_types_and_abbreviations():
    assert part_key("TT. Chũ") == "thi tran chu"
    assert alias_key("Thôn 1, Thị trấn Chũ, huyện Lục Ngạn, tỉnh Bắc Giang") == "thi tran chu, huyen luc ngan"


def test_a_province_is_read_once_whatever_the_number_of_rows():
    resolver = AddressResolver()
    addresses = [
        f"{commune}, huyện {district}, tỉnh Bắc Giang"
        for commune, district in [
            ("Xã Tân Sơn", "Lục Ngạn"),
            ("Xã Vân Hà", "Việt Yên"),
            ("Thị trấn Chũ", "Lục Ngạn"),
        ]
    ]
    resolver.resolve(addresses[0], BEFORE)
    with CaptureQueriesContext(connection) as queries:
        for n in range(300):
            resolver.resolve(addresses[n % 3] + " " * (n % 7), BEFORE)
    assert len(queries) == 0


def test_a_second_file_reads_no_unit_again_but_follows_a_renamed_commune():
    # The units' indexes are the process's: the apply of a file (or the next file) reads none of them again,
    # and saving a unit (an administrator's rename; `load_units` likewise) makes every resolver read them anew.
    address, van_ha = "Xã Vân Hà, huyện Việt Yên, tỉnh Bắc Giang", legacy("07804")
    assert AddressResolver().resolve(address, BEFORE).unit == van_ha
    with CaptureQueriesContext(connection) as queries:
        assert AddressResolver(use_aliases=False).resolve(address, BEFORE).unit == van_ha
    assert len(queries) == 0
    renamed = legacy("07804")
    renamed.name = renamed.short_name = "Xã Vân Hà Mới"
    renamed.save()
    assert AddressResolver().resolve("Xã Vân Hà Mới, huyện Việt Yên, tỉnh Bắc Giang", BEFORE).unit == renamed


def test_the_units_indexes_are_let_go_after_a_quarter_of_an_hour_without_a_file(monkeypatch):
    # The whole country's indexes hold about 50 MB: kept between a preview and its apply, not for ever.
    from ocop.geo import addresses, places

    address, van_ha = "Xã Vân Hà, huyện Việt Yên, tỉnh Bắc Giang", legacy("07804")
    assert AddressResolver().resolve(address, BEFORE).unit == van_ha
    later = places._clock() + addresses.INDEXES_IDLE_SECONDS + 1
    monkeypatch.setattr(places, "_clock", lambda: later)
    with CaptureQueriesContext(connection) as queries:
        assert AddressResolver(use_aliases=False).resolve(address, BEFORE).unit == van_ha
    assert len(queries) > 0  # read again


# Addresses as the published lists print them (tests/history/data/cong-nhan-da-cong-bo.csv): a province's own
# decisions leave the province out; units renamed or merged between the decision and the 2025 snapshot.
@pytest.mark.parametrize(
    ("address", "name", "parent", "via"),
    [
        ("huyện Tân Yên", "Huyện Tân Yên", "Tỉnh Bắc Giang", "name"),
        ("Thị trấn Chũ, huyện Lục Ngạn", "Phường Chũ", "Thị xã Chũ", "moved"),
        # huyện Việt Yên became thị xã Việt Yên (2024): read by its bare name.
        ("Thôn Yên Viên, xã Vân Hà, huyện Việt Yên", "Xã Vân Hà", "Thị Xã Việt Yên", "name"),
        # huyện Yên Dũng joined thành phố Bắc Giang (2025): its commune is found in the province.
        ("xã Tiến Dũng, huyện Yên Dũng", "Xã Tiến Dũng", "Thành phố Bắc Giang", "name"),
    ],
)
def test_an_address_without_its_province_is_read_in_the_province_of_its_district(address, name, parent, via):
    found = AddressResolver().resolve(address, date(2021, 8, 26))
    assert found.unit is not None, (found.problem, found.failed)
    assert (found.unit.name, found.unit.parent.name, found.via) == (name, parent, via)
    assert (found.implied.name, found.unit.current_province.name) == ("Tỉnh Bắc Giang", "Tỉnh Bắc Ninh")


def test_a_district_name_of_several_provinces_without_a_province_is_ambiguous_and_names_them():
    found = AddressResolver().resolve("xã Phú Cần, huyện Châu Thành", date(2022, 12, 31))
    assert (found.unit, found.problem, found.failed) == (None, "ambiguous_place", "huyện Châu Thành")
    provinces = {unit.parent.name for unit in found.candidates}
    assert len(provinces) > 1 and "Tỉnh Trà Vinh" in provinces


def test_a_commune_alone_or_an_unknown_province_is_not_read_as_a_district():
    assert AddressResolver().resolve("xã Tân Yên", BEFORE).problem == "unknown_place"
    found = AddressResolver().resolve("xã A, huyện Tân Yên, tỉnh Không Có", BEFORE)
    assert (found.problem, found.failed) == ("unknown_place", "tỉnh Không Có")


def test_the_2022_national_list_reads_a_town_become_a_ward_of_a_district_become_a_city():
    # Phú Quốc became a city and its Thị trấn Dương Đông a ward in 2021, before the list was published.
    found = AddressResolver().resolve(
        "thị trấn Dương Đông, huyện Phú Quốc, tỉnh Kiên Giang", date(2022, 12, 31)
    )
    assert (found.unit.name, found.unit.parent.name) == ("Phường Dương Đông", "Thành phố Phú Quốc")
    assert found.unit.current_province.name == "Tỉnh An Giang"


def test_an_unresolved_address_without_its_province_offers_a_pick_that_an_alias_then_answers(cast):
    written = "thôn Trại, huyện Lục Ngạn"
    found = AddressResolver().resolve(written, BEFORE)
    assert found.unit is None and found.failed == "thôn Trại"
    choice = found.choice()
    assert choice["address"] == "thôn Trại, huyện Lục Ngạn, Tỉnh Bắc Giang"
    assert choice["province"] == "Tỉnh Bắc Ninh"
    unit = legacy("07612")
    AddressAlias.objects.create(
        province=cast.province, key=alias_key(choice["address"]), written=written, unit=unit
    )
    again = AddressResolver().resolve(written, BEFORE)
    assert (again.unit, again.via, again.implied.name) == (unit, "alias", "Tỉnh Bắc Giang")
