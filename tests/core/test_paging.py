"""Every paged list of the API takes the same parameters, has the same bounds and errors, and answers the same
shape (ocop.core.paging)."""

from __future__ import annotations

import pytest

from ocop.api.urls import api
from ocop.core.paging import MAX_PAGE_SIZE

# Lists that page through something else than ocop.core.paging (see its docstring).
OWN_PAGING = {"/api/v1/catalog/products"}


def paged_lists() -> list[str]:
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        get = methods.get("get")
        if get is None or "{" in path or path in OWN_PAGING:
            continue
        names = {p["name"] for p in get.get("parameters", []) if p.get("in") == "query"}
        if {"page", "page_size"} <= names:
            found.append(path)
    return sorted(found)


def test_the_paged_lists_are_found():
    assert set(paged_lists()) >= {
        "/api/v1/units",
        "/api/v1/producers",
        "/api/v1/products",
        "/api/v1/dossiers",
        "/api/v1/evaluation/rounds",
        "/api/v1/certificates",
        "/api/v1/certificates/decisions",
        "/api/v1/certificates/changes",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", paged_lists())
def test_every_list_pages_alike(client, cast, api_token, path):
    auth = api_token(cast.central)
    for query in ({"page": 0}, {"page_size": 0}, {"page_size": MAX_PAGE_SIZE + 1}, {"page": -3}):
        response = client.get(path, query, **auth)
        assert (response.status_code, response.json()["code"]) == (400, "bad_page"), (path, query)
    response = client.get(path, {"page_size": MAX_PAGE_SIZE}, **auth)
    assert response.status_code == 200, (path, response.content[:300])
    body = response.json()
    assert {"count", "page", "page_size", "items"} <= set(body)
    assert (body["page"], body["page_size"]) == (1, MAX_PAGE_SIZE)
    assert len(body["items"]) == min(body["count"], MAX_PAGE_SIZE)
    after = body["count"] // 2 + 2  # with page_size 2, a page after the last
    response = client.get(path, {"page": after, "page_size": 2}, **auth)
    assert (response.status_code, response.json()["code"]) == (404, "page_out_of_range"), path


@pytest.mark.django_db
def test_pages_follow_each_other_without_overlap(client):
    # The communes of Bắc Ninh (current era), two pages of 5: ten different units, in the list's order.
    first = client.get("/api/v1/units", {"level": "commune", "parent": "24", "page_size": 5}).json()
    second = client.get(
        "/api/v1/units", {"level": "commune", "parent": "24", "page_size": 5, "page": 2}
    ).json()
    both = client.get("/api/v1/units", {"level": "commune", "parent": "24", "page_size": 10}).json()
    assert [u["code"] for u in first["items"] + second["items"]] == [u["code"] for u in both["items"]]
    assert len({u["code"] for u in both["items"]}) == 10
    assert first["count"] == second["count"] == both["count"] > 10
    # The province's whole list fits one page of the largest size (the producer form's commune picker).
    whole = client.get(
        "/api/v1/units", {"level": "commune", "parent": "24", "page_size": MAX_PAGE_SIZE}
    ).json()
    assert len(whole["items"]) == whole["count"]
