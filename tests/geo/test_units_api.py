"""The units API: both generations, search without diacritics, successors and predecessors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def get(client, path, **params):
    return client.get(path, params, HTTP_ACCEPT_LANGUAGE="vi")


def test_counts_of_both_generations(client):
    assert get(client, "/api/v1/units", level="province").json()["count"] == 34
    assert get(client, "/api/v1/units", level="commune").json()["count"] == 3321
    assert get(client, "/api/v1/units", era="legacy", level="province").json()["count"] == 63
    assert get(client, "/api/v1/units", era="legacy", level="district").json()["count"] == 696
    legacy_communes = get(client, "/api/v1/units", era="legacy", level="commune").json()["count"]
    assert 10000 <= legacy_communes <= 10100


@pytest.mark.parametrize("query", ["ha noi", "Hà Nội", "HA NOI", "hà nội"])
def test_search_ignores_diacritics_and_case(client, query):
    body = get(client, "/api/v1/units", level="province", q=query).json()
    assert [item["name"] for item in body["items"]] == ["Thành phố Hà Nội"]


def test_dak_lak_finds_dak_lak_with_d_stroke(client):
    names = [
        item["name"] for item in get(client, "/api/v1/units", level="province", q="dak lak").json()["items"]
    ]
    assert names == ["Tỉnh Đắk Lắk"]


def test_legacy_commune_lists_its_current_successor_and_province(client):
    # Xã Vân Hà, huyện Việt Yên, tỉnh Bắc Giang became part of Phường Vân Hà, Tỉnh Bắc Ninh.
    body = get(client, "/api/v1/units/legacy/07804").json()
    assert body["name"] == "Xã Vân Hà"
    assert body["level"] == "commune"
    assert "07798" in body["successors"]
    assert body["current_province"] == "24"


def test_current_commune_lists_its_predecessors(client):
    body = get(client, "/api/v1/units/current/07798").json()
    assert body["name"] == "Phường Vân Hà"
    assert "07804" in body["predecessors"]


def test_children_by_parent_code(client):
    body = get(client, "/api/v1/units", era="legacy", level="district", parent="24", page_size=100).json()
    # Legacy Bắc Giang (24) had 10 districts before the 2025 reform.
    assert body["count"] == 10
    assert all(item["parent"] == "24" for item in body["items"])


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/v1/units", {"era": "future"}, 400, "unknown_era"),
        ("/api/v1/units", {"level": "district"}, 400, "unknown_level"),
        ("/api/v1/units", {"page": 100000}, 404, "page_out_of_range"),
        ("/api/v1/units", {"page_size": 10**6}, 400, "bad_page"),
        ("/api/v1/units", {"page": "abc"}, 400, "invalid"),
        ("/api/v1/units/current/99999", {}, 404, "unknown_unit"),
        ("/api/v1/units/ancient/01", {}, 400, "unknown_era"),
    ],
)
def test_bad_input_is_a_clear_4xx_in_vietnamese(client, path, params, status, code):
    response = get(client, path, **params)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["message"]


def test_malformed_token_is_refused_with_a_stable_code(client):
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert response.json()["code"] == "bad_token"


def test_reloading_is_idempotent(db):
    from ocop.geo.loader import load_units
    from ocop.geo.models import AdminUnit, UnitSuccession

    before = (AdminUnit.objects.count(), UnitSuccession.objects.count())
    load_units()
    assert (AdminUnit.objects.count(), UnitSuccession.objects.count()) == before
