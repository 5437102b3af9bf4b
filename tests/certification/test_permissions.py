"""Every page and API route of certification, tried by every kind of user: anonymous, an officer of another
province, someone of the right province without the capability (a council member), and the right official.
The table is checked against the URL conf and the API router, so a new route without an entry fails."""

from __future__ import annotations

import pytest
from django.urls import URLPattern
from django.utils import timezone

from ocop.certification import services
from ocop.certification import urls as page_urls
from ocop.certification.api import router
from tests.council_support import council_backs
from tests.state_support import database_rows

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()
KINDS = ("anonymous", "wrong_unit", "no_capability", "allowed")

# name → (method, path with {certificate}/{decision}/{change}/{payload}, form or JSON body, statuses by KINDS,
#         who is "allowed": maker or checker). 302 for an anonymous page visitor is the way to the login page.
PAGES = {
    "list": ("GET", "/certificates/", None, (302, 200, 200, 200), "maker"),
    "detail": ("GET", "/certificates/{certificate}/", None, (302, 404, 404, 200), "maker"),
    "pdf": ("GET", "/certificates/{certificate}/pdf/", None, (302, 404, 404, 200), "maker"),
    "revoke": (
        "POST",
        "/certificates/{certificate}/revoke/",
        {"revoke-reason": "Vi phạm", "revoke-decision_number": "45/QĐ-UBND", "revoke-decision_date": TODAY},
        (302, 404, 404, 302),
        "maker",
    ),
    "stars": (
        "POST",
        "/certificates/{certificate}/stars/",
        {
            "stars-stars": "3",
            "stars-reason": "Hạ hạng",
            "stars-decision_number": "46/QĐ-UBND",
            "stars-decision_date": TODAY,
        },
        (302, 404, 404, 302),
        "maker",
    ),
    "change_approve": (
        "POST",
        "/certificates/changes/{change}/approve/",
        {"note": ""},
        (302, 404, 404, 302),
        "checker",
    ),
    "change_reject": (
        "POST",
        "/certificates/changes/{change}/reject/",
        {"reason": "Không"},
        (302, 404, 404, 302),
        "checker",
    ),
    "decisions": ("GET", "/certificates/decisions/", None, (302, 200, 404, 200), "maker"),
    "decision_create": ("GET", "/certificates/decisions/new/", None, (302, 200, 404, 200), "maker"),
    "decision_detail": ("GET", "/certificates/decisions/{decision}/", None, (302, 404, 404, 200), "maker"),
    "decision_approve": (
        "POST",
        "/certificates/decisions/{decision}/approve/",
        {"note": ""},
        (302, 404, 404, 302),
        "checker",
    ),
    "decision_reject": (
        "POST",
        "/certificates/decisions/{decision}/reject/",
        {"reason": "Sai"},
        (302, 404, 404, 302),
        "checker",
    ),
    "verify": ("GET", "/certificates/v/{payload}", None, (200, 200, 200, 200), "maker"),
    "verify_form": ("GET", "/certificates/verify/", None, (200, 200, 200, 200), "maker"),
}

API = {
    ("POST", "/verify"): ({"code": "{payload}"}, (200, 200, 200, 200), "maker"),
    ("GET", "/keys"): (None, (200, 200, 200, 200), "maker"),
    ("GET", "/revocations"): (None, (200, 200, 200, 200), "maker"),
    ("GET", "/decisions"): (None, (401, 200, 200, 200), "maker"),
    ("POST", "/decisions"): (
        {
            "authority": "24",
            "number": "300/QĐ-UBND",
            "date": TODAY,
            "signer": "Chủ tịch",
            "items": [{"product": "{honey_id}", "stars": 4}],
        },
        (401, 403, 403, 201),
        "maker",
    ),
    ("POST", "/decisions/from-round"): (
        {"round": "{round}", "number": "301/QĐ-UBND", "date": TODAY, "signer": "Chủ tịch"},
        (401, 404, 404, 201),  # the round of another unit is not found
        "maker",
    ),
    ("GET", "/decisions/{int:decision_id}"): (None, (401, 404, 404, 200), "maker"),
    ("POST", "/decisions/{int:decision_id}/approve"): ({"note": ""}, (401, 404, 404, 200), "checker"),
    ("POST", "/decisions/{int:decision_id}/reject"): ({"reason": "Sai"}, (401, 404, 404, 200), "checker"),
    ("GET", ""): (None, (401, 200, 200, 200), "maker"),
    ("GET", "/{int:certificate_id}"): (None, (401, 404, 404, 200), "maker"),
    ("POST", "/{int:certificate_id}/revoke"): (
        {"reason": "Vi phạm", "decision_number": "45/QĐ-UBND", "decision_date": TODAY},
        (401, 404, 404, 409),
        "maker",
    ),
    ("POST", "/{int:certificate_id}/stars"): (
        {"stars": 3, "reason": "Hạ hạng", "decision_number": "46/QĐ-UBND", "decision_date": TODAY},
        (401, 404, 404, 409),
        "maker",
    ),  # 409: the certificate already has a pending request
    ("GET", "/changes"): (None, (401, 200, 200, 200), "maker"),
    ("POST", "/changes/{int:change_id}/approve"): ({"note": ""}, (401, 404, 404, 200), "checker"),
    ("POST", "/changes/{int:change_id}/reject"): ({"reason": "Không"}, (401, 404, 404, 200), "checker"),
}


def test_every_page_and_api_route_has_an_entry():
    names = {p.name for p in page_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(PAGES)
    routes = {
        (method, path)
        for path, view in router.path_operations.items()
        for op in view.operations
        for method in op.methods
    }
    assert routes == set(API)


@pytest.fixture
def scene(story, issue):
    """A certificate with a pending revocation, and a draft decision, both prepared by the province officer."""
    (certificate,) = issue([(story.honey, 4, None, None)])
    change = services.certificate_revoke_request(
        actor=story.cast.province_officer,
        certificate=certificate,
        reason="Vi phạm",
        decision_number="44/QĐ-UBND",
        decision_date=TODAY,
    )
    # A re-evaluation of the honey (drafted through the API) and the lychee (the draft) have council results.
    (honey_result,) = council_backs(
        [(story.honey, 4)], authority=story.province_authority, actor=story.cast.province_officer
    )
    council_backs(
        [(story.lychee, 3, None, None)],
        authority=story.province_authority,
        actor=story.cast.province_officer,
        day=TODAY,
    )
    decision = services.decision_create(
        actor=story.cast.province_officer,
        authority=story.province_authority,
        number="150/QĐ-UBND",
        date=TODAY,
        signer="Chủ tịch",
        items=[(story.lychee, 3, None, None)],
    )
    people = {
        "wrong_unit": story.cast.other_province_officer,
        "no_capability": story.cast.council1,
        "maker": story.cast.province_officer,
        "checker": story.checker,
    }
    values = {
        "certificate": certificate.pk,
        "decision": decision.pk,
        "change": change.pk,
        "payload": certificate.qr_payload,
        "honey_id": story.honey.pk,
        "round": honey_result.round_id,
    }
    return people, values


def fill(template, values):
    if isinstance(template, str):
        for name, value in values.items():
            if template == "{" + name + "}":
                return value
            template = template.replace("{" + name + "}", str(value))
        return template
    if isinstance(template, dict):
        return {key: fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, values) for value in template]
    return template


def snapshot():
    """Every row of the project's tables: a refused write leaves them all as they were."""
    return database_rows()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_permissions(client, scene, name):
    people, values = scene
    method, path, data, statuses, allowed = PAGES[name]
    url = fill(path, values)
    for kind, expected in zip(KINDS, statuses, strict=True):
        client.logout()
        if kind != "anonymous":
            client.force_login(people[allowed if kind == "allowed" else kind])
        before = snapshot() if method == "POST" and kind != "allowed" else None
        response = client.get(url) if method == "GET" else client.post(url, fill(data, values))
        assert response.status_code == expected, (name, kind, response.status_code)
        if kind != "allowed" and method == "POST":
            assert snapshot() == before, (name, kind)  # refused: nothing changed


@pytest.mark.parametrize("route", sorted(API), ids=lambda r: f"{r[0]} {r[1] or '/'}")
def test_api_permissions(client, api_token, scene, route):
    people, values = scene
    method, path = route
    data, statuses, allowed = API[route]
    url = "/api/v1/certificates" + path.replace("{int:decision_id}", str(values["decision"])).replace(
        "{int:certificate_id}", str(values["certificate"])
    ).replace("{int:change_id}", str(values["change"]))
    tokens = {kind: api_token(person) for kind, person in people.items()}
    for kind, expected in zip(KINDS, statuses, strict=True):
        client.logout()
        headers = {} if kind == "anonymous" else tokens[allowed if kind == "allowed" else kind]
        before = snapshot() if method == "POST" else None
        if method == "GET":
            response = client.get(url, **headers)
        else:
            response = client.post(url, fill(data, values), content_type="application/json", **headers)
        assert response.status_code == expected, (route, kind, response.status_code, response.content[:300])
        if expected >= 400:
            assert set(response.json()) >= {"code", "message"}
            if method == "POST":
                assert snapshot() == before, (route, kind)
        if kind == "wrong_unit" and method == "GET" and path in ("", "/decisions", "/changes"):
            assert response.json()["count"] == 0  # another province's records stay invisible
