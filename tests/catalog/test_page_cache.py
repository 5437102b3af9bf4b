"""Public answers replayed from the cache: the same answer, fresh after every change, never anyone's own page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ocop.catalog import version
from ocop.catalog.services import refresh_index, reindex_product

pytestmark = pytest.mark.django_db
API = "/api/v1/catalog/products"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _names(client, url=API, **params) -> list[str]:
    return [item["name"] for item in client.get(url, params).json()["items"]]


def test_a_repeated_search_is_replayed_with_the_same_answer(client, bac_ninh_shelf):
    search = reverse("catalog:search")
    first = client.get(search, {"q": "mat ong"})
    again = Client().get(search, {"q": "mat ong"})  # another visitor
    assert (first["X-Catalog-Cache"], again["X-Catalog-Cache"]) == ("miss", "hit")
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", again.content.decode())
    assert "Mật ong hoa vải Vân Hà" in again.content.decode()
    assert again["Content-Type"].startswith("text/html")
    assert again["X-Request-ID"] != first["X-Request-ID"]  # per request, not replayed

    api = [client.get(API, {"q": "mat ong"}) for _ in range(2)]
    assert [answer["X-Catalog-Cache"] for answer in api] == ["miss", "hit"]
    assert api[0].json() == api[1].json() and api[1].json()["count"] == 2


def test_the_order_of_parameters_does_not_matter(client, bac_ninh_shelf):
    assert client.get(f"{API}?q=van+ha&stars=3")["X-Catalog-Cache"] == "miss"
    assert client.get(f"{API}?stars=3&q=van+ha")["X-Catalog-Cache"] == "hit"
    assert client.get(f"{API}?stars=4&q=van+ha")["X-Catalog-Cache"] == "miss"


def test_a_revocation_changes_every_cached_answer_at_once(
    client, bac_ninh_shelf, revoke, django_capture_on_commit_callbacks
):
    honey, certificate = bac_ninh_shelf["honey"], bac_ninh_shelf["certificates"][0]
    search, product = reverse("catalog:search"), reverse("catalog:product", args=[honey.pk])
    for _ in range(2):  # stored, then replayed
        assert "Mật ong hoa vải Vân Hà" in _names(client, q="mat ong")
        assert "Mật ong hoa vải Vân Hà" in client.get(search, {"q": "mat ong"}).content.decode()
        assert "Còn hiệu lực" in client.get(product).content.decode()
    assert client.get(product)["X-Catalog-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):  # the reindex it asks for runs after its commit
        revoke(certificate)

    assert "Mật ong hoa vải Vân Hà" not in _names(client, q="mat ong")
    assert "Mật ong hoa vải Vân Hà" not in client.get(search, {"q": "mat ong"}).content.decode()
    page = client.get(product)
    assert page["X-Catalog-Cache"] == "miss" and "Đã thu hồi" in page.content.decode()


def test_only_a_change_of_the_catalogue_changes_its_version(shelf):
    before = version.current()
    assert refresh_index() == 0  # the minute's catch-up with nothing to do: cached answers stay good
    assert version.current() == before
    reindex_product(shelf["che"])
    assert version.current() != before


def test_a_certificate_running_out_at_midnight_leaves_the_cached_answers(
    client, shelf, certified, monkeypatch
):
    today = timezone.localdate()
    certified.grant(shelf["che"], 5, valid_until=today)
    assert _names(client, q="shan tuyet") == ["Chè Shan tuyết cổ thụ"]
    assert client.get(API, {"q": "shan tuyet"})["X-Catalog-Cache"] == "hit"
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(days=1))
    assert _names(client, q="shan tuyet") == []  # no reindex: the day is part of the key


def test_signed_in_people_are_neither_served_nor_stored(client, login, cast, bac_ninh_shelf):
    search = reverse("catalog:search")
    assert Client().get(search, {"q": "mat ong"})["X-Catalog-Cache"] == "miss"
    officer = login(cast.province_officer)
    page = officer.get(search, {"q": "mat ong"})
    assert "X-Catalog-Cache" not in page and "Đăng xuất" in page.content.decode()
    officer.get(search, {"q": "tuong"})
    assert Client().get(search, {"q": "tuong"})["X-Catalog-Cache"] == "miss"  # nothing was stored for them
    token = Client(HTTP_AUTHORIZATION="Bearer whatever").get(API, {"q": "mat ong"})
    assert "X-Catalog-Cache" not in token


def test_english_and_vietnamese_answers_are_kept_apart(bac_ninh_shelf):
    search = reverse("catalog:search")
    vietnamese = Client().get(search)
    english = Client()
    english.cookies["django_language"] = "en"
    page = english.get(search)
    assert page["X-Catalog-Cache"] == "miss"
    assert "OCOP products" in page.content.decode() and "OCOP products" not in vietnamese.content.decode()
    assert Client().get(search)["X-Catalog-Cache"] == "hit"


def test_a_replayed_page_carries_the_visitors_own_csrf_token(bac_ninh_shelf):
    search = reverse("catalog:search")
    first = Client(enforce_csrf_checks=True)
    first_page = first.get(search)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(search)
    assert page["X-Catalog-Cache"] == "hit"
    (token,) = set(TOKEN.findall(page.content.decode()))
    assert token not in first_page.content.decode()
    switched = visitor.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
    assert (
        switched.status_code == 302
    )  # the language switch on a replayed page works (403 with a stale token)
    assert visitor.cookies["django_language"].value == "en"
