"""Addresses of their time in a history import: the real pre-merger addresses resolve, an unresolved one is
picked once by a province officer and remembered for the rest of the file and later files; aliases are kept,
searched, edited and deleted by the officers of the province only, on pages and through the API."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from ocop.addresses.services import address_alias_create, address_alias_delete, address_alias_update
from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.geo.models import AddressAlias, AdminUnit, Era
from ocop.rubrics.services import history_import_preview
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db

HEADER = "Tên sản phẩm,Chủ thể,Địa chỉ,Hạng sao,Điểm,Số quyết định,Ngày quyết định,Cấp công nhận"
CHU = "Thị trấn Chũ, huyện Lục Ngạn, tỉnh Bắc Giang"
TYPO = "Xóm Trại, xã Phượng Sưn, huyện Lục Ngạn, tỉnh Bắc Giang"  # "Sưn": a slip for Phượng Sơn


def csv(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode("utf-8")


def row(product: str, address: str, number: str, day: str = "21/08/2021") -> str:
    return f'{product},HTX Lục Ngạn,"{address}",4,,{number}/QĐ-UBND,{day},tỉnh'


def legacy(code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.LEGACY, code=code)


def test_the_three_pre_merger_addresses_of_the_issue_land_in_their_units_and_in_bac_ninh(cast):
    content = csv(
        row("Vải thiều Chũ", CHU, "1"),
        row("Mật ong Phượng Sơn", "Xã Phượng Sơn, Lục Ngạn, Bắc Giang", "2"),
        row("Gà đồi Yên Thế", "Thị trấn Cầu Gồ, Yên Thế, Bắc Giang", "3"),
    )
    preview = history_import_preview(actor=cast.province_officer, content=content, filename="2021.csv")
    assert preview.ok, [i.describe() for i in preview.all_issues]
    assert [(r.unit.name, r.unit.parent.name, r.unit_via) for r in preview.rows] == [
        ("Phường Chũ", "Thị xã Chũ", "moved"),
        ("Phường Phượng Sơn", "Thị xã Chũ", "moved"),
        ("Thị trấn Phồn Xương", "Huyện Yên Thế", "former_name"),
    ]
    assert {r.current_province for r in preview.rows} == {cast.province}


def test_an_unresolved_address_names_row_column_and_part_and_proposes_the_closest_units(cast):
    preview = history_import_preview(actor=cast.province_officer, content=csv(row("Vải", TYPO, "1")))
    (issue,) = preview.all_issues
    assert issue.code == "unknown_place"
    assert issue.describe("vi") == (
        "dòng 2 › cột Địa chỉ: Không tìm thấy «xã Phượng Sưn» trong Huyện Lục Ngạn, Tỉnh Bắc Giang."
    )
    suggestions = issue.params["suggestions"]
    assert suggestions[0] == {
        "id": legacy("07612").pk,
        "name": "Phường Phượng Sơn, Thị xã Chũ, Tỉnh Bắc Giang",
        "era": "legacy",
        "score": suggestions[0]["score"],
    }
    assert 1 <= len(suggestions) <= 5
    assert (issue.params["address"], issue.params["province"]) == (TYPO, "Tỉnh Bắc Ninh")


def test_one_pick_on_the_page_is_remembered_for_the_rest_of_the_file_and_the_next_file(cast, login):
    first = csv(row("Vải", TYPO, "1"), row("Mật ong", TYPO, "2"), row("Na", CHU, "3"))
    preview = history_import_preview(actor=cast.province_officer, content=first)
    assert [i.code for i in preview.all_issues] == ["unknown_place", "unknown_place"]

    # The preview page shows the include for the row; the officer picks the first suggestion.
    choice = preview.rows[0].issues[0].params
    request = RequestFactory().get("/rubrics/history/")
    request.user = cast.province_officer
    form = render_to_string(
        "geo/_address_choice.html", {"choice": choice, "next": "/rubrics/history/"}, request
    )
    assert 'action="/addresses/aliases/new/"' in form and "Phường Phượng Sơn, Thị xã Chũ" in form
    client = login(cast.province_officer)
    answer = client.post(
        "/addresses/aliases/new/",
        {"address": choice["address"], "unit": choice["suggestions"][0]["id"], "next": "/rubrics/history/"},
    )
    assert (answer.status_code, answer["Location"]) == (302, "/rubrics/history/")

    again = history_import_preview(actor=cast.province_officer, content=first)
    assert again.ok
    assert [(r.unit.code, r.unit_via) for r in again.rows] == [
        ("07612", "alias"),
        ("07612", "alias"),
        ("07525", "moved"),
    ]
    # A later file of the province, written a little differently (case, spaces, the hamlet dropped).
    later = csv(row("Chè", "xã Phượng Sưn,  huyện LỤC NGẠN, Bắc Giang", "9", "05/05/2023"))
    assert history_import_preview(actor=cast.province_officer, content=later).rows[0].unit == legacy("07612")
    alias = AddressAlias.objects.get()
    assert (alias.province, alias.key, alias.created_by) == (
        cast.province,
        "xa phuong sun, huyen luc ngan",
        cast.province_officer,
    )
    event = AuditEvent.objects.get(action="address_alias.create")
    assert (event.actor, event.unit, event.data["unit_code"]) == (
        cast.province_officer,
        cast.province,
        "07612",
    )


def test_an_alias_outside_the_officers_province_is_refused(cast, login, api_token):
    unit = legacy("07612")
    with nothing_changes(), pytest.raises(Forbidden) as refused:
        address_alias_create(actor=cast.other_province_officer, address=TYPO, unit=unit)
    assert refused.value.code == "alias_forbidden"
    for person in (cast.commune_officer, cast.producer_user, cast.council1):
        with nothing_changes(), pytest.raises(Forbidden):
            address_alias_create(actor=person, address=TYPO, unit=unit)
    client = login(cast.other_province_officer)
    answer = client.post(
        "/addresses/aliases/new/", {"address": TYPO, "unit": unit.pk, "next": "/"}, follow=True
    )
    assert "Chỉ cán bộ của Tỉnh Bắc Ninh" in answer.content.decode()
    answer = client.post(
        "/api/v1/units/aliases",
        {"address": TYPO, "unit_id": unit.pk},
        content_type="application/json",
        **api_token(cast.other_province_officer),
    )
    assert (answer.status_code, answer.json()["code"]) == (403, "alias_forbidden")
    assert not AddressAlias.objects.exists()


@pytest.mark.parametrize(
    ("address", "code", "code_unit"),
    [
        ("", "alias_address_empty", "07612"),
        ("tỉnh Bắc Giang", "alias_address_empty", "07612"),  # no unit before the province
        ("x" * 501 + ", Bắc Giang", "alias_address_empty", "07612"),
        ("xã A, huyện B, tỉnh Không Có", "alias_province_unknown", "07612"),
        (TYPO, "alias_unit_outside", "00004"),  # a ward of Hà Nội for an address of Bắc Giang
        (TYPO, "alias_unit_unknown", "18"),  # a province, not a district or commune
    ],
)
def test_bad_inputs_are_refused_with_a_reason_and_nothing_stored(cast, address, code, code_unit):
    unit = AdminUnit.objects.filter(code=code_unit).order_by("era").first()
    with nothing_changes(), pytest.raises(Invalid) as refused:
        address_alias_create(actor=cast.province_officer, address=address, unit=unit)
    assert refused.value.code == code
    with nothing_changes(), pytest.raises(Invalid):
        address_alias_create(actor=cast.province_officer, address=TYPO, unit=None)


def test_the_same_address_twice_is_a_conflict_naming_the_first_match(cast):
    address_alias_create(actor=cast.province_officer, address=TYPO, unit=legacy("07612"))
    with nothing_changes(), pytest.raises(Conflict) as refused:
        address_alias_create(actor=cast.central, address=TYPO.upper(), unit=legacy("07525"))
    assert "Phường Phượng Sơn" in refused.value.message


def test_officers_list_search_edit_and_delete_the_aliases_of_their_province_only(cast, login):
    alias = address_alias_create(actor=cast.province_officer, address=TYPO, unit=legacy("07525"))
    client = login(cast.province_officer)
    page = client.get("/addresses/aliases/", {"q": "phuong sun"}).content.decode()
    assert "Xóm Trại, xã Phượng Sưn" in page and "Phường Chũ, Thị xã Chũ" in page
    assert "Xóm Trại" not in client.get("/addresses/aliases/", {"q": "Ba Đình"}).content.decode()
    edit = client.get(f"/addresses/aliases/{alias.pk}/", {"q": "Phượng Sơn"}).content.decode()
    assert "Phường Phượng Sơn, Thị xã Chũ, Tỉnh Bắc Giang" in edit  # proposed and found by the search
    client.post(f"/addresses/aliases/{alias.pk}/", {"unit": legacy("07612").pk})
    assert AddressAlias.objects.get().unit == legacy("07612")

    other = login(cast.other_province_officer)
    assert "Xóm Trại" not in other.get("/addresses/aliases/").content.decode()
    assert other.get(f"/addresses/aliases/{alias.pk}/").status_code == 404
    assert other.post(f"/addresses/aliases/{alias.pk}/delete/", {"reason": "x"}).status_code == 404
    assert login(cast.commune_officer).get("/addresses/aliases/").status_code == 404

    client = login(cast.province_officer)
    client.post(f"/addresses/aliases/{alias.pk}/delete/", {"reason": "Ghép nhầm"})
    assert not AddressAlias.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="address_alias.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["address_alias.create", "address_alias.update", "address_alias.delete"]
    # Forgotten: the address is unresolved again.
    preview = history_import_preview(actor=cast.province_officer, content=csv(row("Vải", TYPO, "1")))
    assert [i.code for i in preview.all_issues] == ["unknown_place"]


def test_editing_to_a_unit_of_another_province_is_refused(cast):
    alias = address_alias_create(actor=cast.province_officer, address=TYPO, unit=legacy("07525"))
    with nothing_changes(), pytest.raises(Invalid):
        address_alias_update(actor=cast.province_officer, alias=alias, unit=legacy("00004"))
    with nothing_changes(), pytest.raises(Forbidden):
        address_alias_delete(actor=cast.other_province_officer, alias=alias)


def test_the_api_lists_pages_creates_changes_and_deletes(cast, client, api_token):
    auth = api_token(cast.province_officer)
    created = client.post(
        "/api/v1/units/aliases",
        {"address": TYPO, "unit_id": legacy("07525").pk},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["address"], body["province"]["code"], body["unit"]["code"]) == (TYPO, "24", "07525")
    listed = client.get("/api/v1/units/aliases", {"page_size": 1, "q": "luc ngan"}, **auth).json()
    assert (listed["count"], listed["page_size"], listed["items"][0]["id"]) == (1, 1, body["id"])
    assert client.get("/api/v1/units/aliases", {"page_size": 500}, **auth).json()["code"] == "bad_page"
    changed = client.patch(
        f"/api/v1/units/aliases/{body['id']}",
        {"unit_id": legacy("07612").pk},
        content_type="application/json",
        **auth,
    )
    assert changed.json()["unit"]["full_name"] == "Phường Phượng Sơn, Thị xã Chũ, Tỉnh Bắc Giang"
    hanoi = api_token(cast.other_province_officer)
    assert client.get("/api/v1/units/aliases", **hanoi).json()["count"] == 0
    assert client.delete(f"/api/v1/units/aliases/{body['id']}", **hanoi).status_code == 404
    commune = api_token(cast.commune_officer)
    assert client.get("/api/v1/units/aliases", **commune).json()["code"] == "aliases_forbidden"
    assert client.delete(f"/api/v1/units/aliases/{body['id']}", **auth).status_code == 204
    assert not AddressAlias.objects.exists()
