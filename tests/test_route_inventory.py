"""Every route of the system has one line in the authorization table below (STYLE 8, QUALITY "Security").

The inventory is generated from the URL conf and the API's OpenAPI document: a new page or operation without an
entry fails, and so does an entry whose route is gone. Each non-public route is then tried by an anonymous
visitor (refused, nothing stored), and every list an officer sees is read by the officer of another province,
who must never meet the producers of Bắc Ninh. Every route that is not public is `covered:` by the authorization
matrix (tests/test_authorization_matrix.py), which tries it with the whole cast on objects in each state.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cycle_support import dossier_story, product_set
from django.conf import settings
from django.shortcuts import resolve_url
from routes_support import operations, pages

from ocop.accounts.models import Role, User
from ocop.audit.models import AuditEvent
from ocop.cycle.models import Dossier
from ocop.producers.models import Producer
from ocop.producers.services import producer_create
from ocop.products.models import Product
from ocop.products.services import product_create
from ocop.tasks.models import TaskRun

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = "public"  # anonymous visitors may use it
LOGIN = "login"  # anonymous visitors are sent to sign in (pages) or get 401 (API)
MATRIX = "covered:tests/test_authorization_matrix.py"  # the whole cast, object by object, state by state

# The one authorization table: page URL name, or "METHOD /api/v1/path" for an API operation.
ACCESS: dict[str, str] = {
    # core and accounts
    "home": PUBLIC,
    "health": PUBLIC,
    "ready": PUBLIC,
    "set_language": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:roles": MATRIX,
    "accounts:role_revoke": MATRIX,
    "accounts:audit": MATRIX,
    # --- issue 13: tokens, registration ---
    "accounts:security": MATRIX,
    "accounts:token_revoke": MATRIX,
    "accounts:tokens_revoke_all": MATRIX,
    "accounts:password": MATRIX,
    "accounts:users": MATRIX,
    "accounts:user_deactivate": MATRIX,
    "accounts:user_reactivate": MATRIX,
    # the API's own documentation
    "api:api-root": PUBLIC,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    # producers, products, dossiers (pages)
    "producers:list": MATRIX,
    "producers:register": PUBLIC,
    "producers:portal": MATRIX,
    "producers:create": MATRIX,
    "producers:detail": MATRIX,
    "producers:edit": MATRIX,
    "producers:confirm": MATRIX,
    "products:create": MATRIX,
    "products:list": MATRIX,
    "products:detail": MATRIX,
    "products:edit": MATRIX,
    "products:photo_add": MATRIX,
    "products:photo": MATRIX,
    "cycle:queue": MATRIX,
    "cycle:bulk_forward": MATRIX,
    "cycle:dossier_create": MATRIX,
    "cycle:dossier": MATRIX,
    "cycle:dossier_edit": MATRIX,
    "cycle:upload": MATRIX,
    "cycle:document": MATRIX,
    "cycle:dossier_act": MATRIX,
    "cycle:message": MATRIX,
    "cycle:idea_create": MATRIX,
    "cycle:idea": MATRIX,
    "cycle:idea_act": MATRIX,
    "cycle:plan_create": MATRIX,
    "cycle:plan": MATRIX,
    "cycle:plan_act": MATRIX,
    "cycle:plan_attach": MATRIX,
    "cycle:plan_file": MATRIX,
    "cycle:notifications": MATRIX,
    # rubrics: the published criteria are public; imports are for officers
    "rubrics:list": PUBLIC,
    "rubrics:version": PUBLIC,
    "rubrics:sheet": PUBLIC,
    "rubrics:history_import": MATRIX,
    "rubrics:sheet_import": MATRIX,
    # --- issue 15: past recognitions become records ---
    "history:index": MATRIX,
    "history:upload": MATRIX,
    "history:choose": MATRIX,
    "history:apply": MATRIX,
    "history:undo": MATRIX,
    # evaluation pages
    "evaluation:home": MATRIX,
    "evaluation:results": MATRIX,
    "dashboards:home": MATRIX,
    "dashboards:unit": MATRIX,
    "evaluation:round_create": MATRIX,
    "evaluation:round": MATRIX,
    "evaluation:progress": MATRIX,
    "evaluation:round_action": MATRIX,
    "evaluation:dossier": MATRIX,
    "evaluation:result": MATRIX,
    "evaluation:score": MATRIX,
    "evaluation:dossier_action": MATRIX,
    # --- issue 12: paper sheets ---
    "evaluation:paper_for": MATRIX,
    "evaluation:sheet_scan": MATRIX,
    "rubrics:missing_sheets": MATRIX,
    "rubrics:sheet_template": MATRIX,
    # certification: verification is public, the rest for officers and the producer
    "certification:list": MATRIX,
    "certification:detail": MATRIX,
    "certification:pdf": MATRIX,
    "certification:revoke": MATRIX,
    "certification:stars": MATRIX,
    "certification:change_approve": MATRIX,
    "certification:change_reject": MATRIX,
    "certification:decisions": MATRIX,
    "certification:decision_create": MATRIX,
    "certification:decision_detail": MATRIX,
    "certification:decision_approve": MATRIX,
    "certification:decision_reject": MATRIX,
    "certification:verify": PUBLIC,
    "certification:verify_form": PUBLIC,
    # the public catalogue
    "catalog:home": PUBLIC,
    "catalog:search": PUBLIC,
    "catalog:product": PUBLIC,
    "catalog:photo": PUBLIC,
    "catalog:producer": PUBLIC,
    "catalog:province": PUBLIC,
    "catalog:map": PUBLIC,
    "catalog:open_data": PUBLIC,
    "catalog:export": PUBLIC,
    # background work
    "tasks:list": MATRIX,
    "tasks:probe": MATRIX,
    "tasks:retry": MATRIX,
    "tasks:output": MATRIX,
    # API: sign-in, reference data
    "POST /api/v1/auth/token": PUBLIC,
    "GET /api/v1/auth/tokens": MATRIX,
    "DELETE /api/v1/auth/token": MATRIX,
    "DELETE /api/v1/auth/tokens/{token_id}": MATRIX,
    "POST /api/v1/auth/tokens/revoke-all": MATRIX,
    "GET /api/v1/units": PUBLIC,
    "GET /api/v1/units/{era}/{code}": PUBLIC,
    "GET /api/v1/rubrics": PUBLIC,
    "GET /api/v1/rubrics/{code}": PUBLIC,
    "POST /api/v1/rubrics/{code}/classify": PUBLIC,
    # API: producers, products, dossiers
    "GET /api/v1/producers": MATRIX,
    "POST /api/v1/producers": MATRIX,
    "GET /api/v1/producers/{producer_id}": MATRIX,
    "PATCH /api/v1/producers/{producer_id}": MATRIX,
    "POST /api/v1/producers/{producer_id}/confirm": MATRIX,
    "GET /api/v1/products": MATRIX,
    "POST /api/v1/products": MATRIX,
    "GET /api/v1/products/{product_id}": MATRIX,
    "PATCH /api/v1/products/{product_id}": MATRIX,
    "POST /api/v1/products/{product_id}/photos": MATRIX,
    "GET /api/v1/products/{product_id}/photos/{photo_id}/file": MATRIX,
    "GET /api/v1/dossiers": MATRIX,
    "POST /api/v1/dossiers": MATRIX,
    "POST /api/v1/dossiers/forward": MATRIX,
    "GET /api/v1/dossiers/{dossier_id}": MATRIX,
    "PATCH /api/v1/dossiers/{dossier_id}": MATRIX,
    "GET /api/v1/dossiers/{dossier_id}/documents": MATRIX,
    "POST /api/v1/dossiers/{dossier_id}/documents": MATRIX,
    "GET /api/v1/dossiers/{dossier_id}/documents/{document_id}/file": MATRIX,
    "GET /api/v1/dossiers/{dossier_id}/history": MATRIX,
    "POST /api/v1/dossiers/{dossier_id}/submit": MATRIX,
    "POST /api/v1/dossiers/{dossier_id}/check": MATRIX,
    "POST /api/v1/dossiers/{dossier_id}/forward": MATRIX,
    "POST /api/v1/dossiers/{dossier_id}/accept": MATRIX,
    "POST /api/v1/dossiers/{dossier_id}/return": MATRIX,
    "POST /api/v1/dossiers/{dossier_id}/withdraw": MATRIX,
    # API: evaluation
    "GET /api/v1/evaluation/rounds": MATRIX,
    "POST /api/v1/evaluation/rounds": MATRIX,
    "GET /api/v1/evaluation/rounds/{round_id}": MATRIX,
    "POST /api/v1/evaluation/rounds/{round_id}/advance": MATRIX,
    "POST /api/v1/evaluation/rounds/{round_id}/council": MATRIX,
    "POST /api/v1/evaluation/rounds/{round_id}/members": MATRIX,
    "POST /api/v1/evaluation/rounds/{round_id}/dossiers": MATRIX,
    "POST /api/v1/evaluation/rounds/{round_id}/assign-all": MATRIX,
    "GET /api/v1/evaluation/rounds/{round_id}/progress": MATRIX,
    "GET /api/v1/evaluation/assignments": MATRIX,
    "GET /api/v1/evaluation/round-dossiers/{round_dossier_id}": MATRIX,
    "POST /api/v1/evaluation/round-dossiers/{round_dossier_id}/assignments": MATRIX,
    "POST /api/v1/evaluation/round-dossiers/{round_dossier_id}/conflicts": MATRIX,
    "GET /api/v1/evaluation/round-dossiers/{round_dossier_id}/sheet": MATRIX,
    "PUT /api/v1/evaluation/round-dossiers/{round_dossier_id}/sheet": MATRIX,
    "POST /api/v1/evaluation/round-dossiers/{round_dossier_id}/sheet/submit": MATRIX,
    "GET /api/v1/evaluation/round-dossiers/{round_dossier_id}/sheets": MATRIX,
    "POST /api/v1/evaluation/round-dossiers/{round_dossier_id}/result": MATRIX,
    "POST /api/v1/evaluation/round-dossiers/{round_dossier_id}/conclusion": MATRIX,
    "POST /api/v1/evaluation/round-dossiers/{round_dossier_id}/propose": MATRIX,
    # --- issue 12: paper sheets ---
    "GET /api/v1/evaluation/round-dossiers/{round_dossier_id}/paper": MATRIX,
    "POST /api/v1/evaluation/round-dossiers/{round_dossier_id}/paper": MATRIX,
    "POST /api/v1/evaluation/round-dossiers/{round_dossier_id}/paper/submit": MATRIX,
    "GET /api/v1/evaluation/round-dossiers/{round_dossier_id}/sheets/{sheet_id}/scan": MATRIX,
    # API: certificates (verification and the published keys and revocations are public)
    "POST /api/v1/certificates/verify": PUBLIC,
    "GET /api/v1/certificates/keys": PUBLIC,
    "GET /api/v1/certificates/revocations": PUBLIC,
    "GET /api/v1/certificates/decisions": MATRIX,
    "POST /api/v1/certificates/decisions": MATRIX,
    "POST /api/v1/certificates/decisions/from-round": MATRIX,
    "GET /api/v1/certificates/decisions/{decision_id}": MATRIX,
    "POST /api/v1/certificates/decisions/{decision_id}/approve": MATRIX,
    "POST /api/v1/certificates/decisions/{decision_id}/reject": MATRIX,
    "GET /api/v1/certificates": MATRIX,
    "GET /api/v1/certificates/{certificate_id}": MATRIX,
    "POST /api/v1/certificates/{certificate_id}/revoke": MATRIX,
    "POST /api/v1/certificates/{certificate_id}/stars": MATRIX,
    "GET /api/v1/certificates/changes": MATRIX,
    "POST /api/v1/certificates/changes/{change_id}/approve": MATRIX,
    "POST /api/v1/certificates/changes/{change_id}/reject": MATRIX,
    # API: the public catalogue
    "GET /api/v1/catalog/products": PUBLIC,
    "GET /api/v1/catalog/products/{product_id}": PUBLIC,
    "GET /api/v1/catalog/producers/{producer_id}": PUBLIC,
    "GET /api/v1/catalog/export.{fmt}": PUBLIC,
    # --- issue 13: certificate snapshot ---
    "products:changes": MATRIX,
    "products:change": MATRIX,
    "products:change_approve": MATRIX,
    "products:change_reject": MATRIX,
    "GET /api/v1/products/changes": MATRIX,
    "GET /api/v1/products/changes/{change_id}": MATRIX,
    "POST /api/v1/products/changes/{change_id}/approve": MATRIX,
    "POST /api/v1/products/changes/{change_id}/reject": MATRIX,
    # --- issue 16: planning ---
    "GET /api/v1/indicators": MATRIX,
    "GET /api/v1/indicators/values": MATRIX,
    "GET /api/v1/indicators/{code}/records": MATRIX,
    "GET /api/v1/plans": MATRIX,
    "POST /api/v1/plans": MATRIX,
    "POST /api/v1/plans/import": MATRIX,
    "GET /api/v1/plans/{plan_id}": MATRIX,
    "GET /api/v1/reports/{unit}/{year}.xlsx": MATRIX,
    "planning:figures": MATRIX,
    "planning:records": MATRIX,
    "planning:plans": MATRIX,
    "planning:plan_create": MATRIX,
    "planning:plan_import": MATRIX,
    "planning:plan": MATRIX,
    "planning:plan_edit": MATRIX,
    "planning:reports": MATRIX,
    "planning:report_download": MATRIX,
    # --- issue 15: address aliases ---
    "addresses:aliases": MATRIX,
    "addresses:alias_create": MATRIX,
    "addresses:alias_edit": MATRIX,
    "addresses:alias_delete": MATRIX,
    "GET /api/v1/units/aliases": MATRIX,
    "POST /api/v1/units/aliases": MATRIX,
    "PATCH /api/v1/units/aliases/{alias_id}": MATRIX,
    "DELETE /api/v1/units/aliases/{alias_id}": MATRIX,
    # --- issue 17: trade promotion (the "where to buy" search is public) ---
    "promotion:home": MATRIX,
    "promotion:where_to_buy": PUBLIC,
    "promotion:event_create": MATRIX,
    "promotion:event": MATRIX,
    "promotion:participation_create": MATRIX,
    "promotion:participation_act": MATRIX,
    "promotion:shop_create": MATRIX,
    "promotion:shop": MATRIX,
    "promotion:shop_product_add": MATRIX,
    "promotion:listing_create": MATRIX,
    "promotion:listing_act": MATRIX,
    "promotion:gift_set_create": MATRIX,
    "GET /api/v1/promotion/events": MATRIX,
    "POST /api/v1/promotion/events": MATRIX,
    "GET /api/v1/promotion/events/{event_id}": MATRIX,
    "GET /api/v1/promotion/participations": MATRIX,
    "POST /api/v1/promotion/participations": MATRIX,
    "POST /api/v1/promotion/participations/{participation_id}/confirm": MATRIX,
    "POST /api/v1/promotion/participations/{participation_id}/reject": MATRIX,
    "GET /api/v1/promotion/shops": MATRIX,
    "POST /api/v1/promotion/shops": MATRIX,
    "GET /api/v1/promotion/shops/{shop_id}": MATRIX,
    "POST /api/v1/promotion/shops/{shop_id}/products": MATRIX,
    "GET /api/v1/promotion/listings": MATRIX,
    "POST /api/v1/promotion/listings": MATRIX,
    "POST /api/v1/promotion/listings/{listing_id}/confirm": MATRIX,
    "POST /api/v1/promotion/listings/{listing_id}/reject": MATRIX,
    "GET /api/v1/promotion/gift-sets": MATRIX,
    "POST /api/v1/promotion/gift-sets": MATRIX,
    "GET /api/v1/promotion/where-to-buy": PUBLIC,
    # --- issue 17: training and supervision ---
    "training:courses": MATRIX,
    "training:course_create": MATRIX,
    "training:course": MATRIX,
    "training:attendance_import": MATRIX,
    "training:certificate": MATRIX,
    "GET /api/v1/training/topics": MATRIX,
    "GET /api/v1/training/courses": MATRIX,
    "POST /api/v1/training/courses": MATRIX,
    "GET /api/v1/training/courses/{course_id}": MATRIX,
    "GET /api/v1/training/courses/{course_id}/attendees": MATRIX,
    "POST /api/v1/training/courses/{course_id}/attendees/import": MATRIX,
    "GET /api/v1/training/coverage": MATRIX,
    "supervision:home": MATRIX,
    "supervision:inspection_create": MATRIX,
    "supervision:inspection": MATRIX,
    "supervision:inspection_action": MATRIX,
    "supervision:evidence": MATRIX,
    "supervision:complaint_dismiss": MATRIX,
    "supervision:plan": MATRIX,
    "supervision:complaint": PUBLIC,  # the shopper's form, linked from the verify page; rate-limited
    "GET /api/v1/supervision/kinds": MATRIX,
    "GET /api/v1/supervision/inspections": MATRIX,
    "POST /api/v1/supervision/inspections": MATRIX,
    "GET /api/v1/supervision/inspections/{inspection_id}": MATRIX,
    "POST /api/v1/supervision/inspections/{inspection_id}/findings": MATRIX,
    "POST /api/v1/supervision/inspections/{inspection_id}/findings/{finding_id}/follow-ups": MATRIX,
    "POST /api/v1/supervision/inspections/{inspection_id}/warnings": MATRIX,
    "POST /api/v1/supervision/inspections/{inspection_id}/proposal": MATRIX,
    "POST /api/v1/supervision/inspections/{inspection_id}/close": MATRIX,
    "GET /api/v1/supervision/complaints": MATRIX,
    "POST /api/v1/supervision/complaints/{complaint_id}/dismiss": MATRIX,
    "GET /api/v1/supervision/plans": MATRIX,
    "POST /api/v1/supervision/plans": MATRIX,
    "GET /api/v1/supervision/plans/{plan_id}": MATRIX,
    # --- issue 18: self-assessment, evidence tied to criteria, the help team ---
    "evaluation:self_assess": MATRIX,
    "evaluation:precheck_list": MATRIX,
    "evaluation:precheck": MATRIX,
    "cycle:document_criteria": MATRIX,
    "GET /api/v1/evaluation/self-assessments/{dossier_id}": MATRIX,
    "PUT /api/v1/evaluation/self-assessments/{dossier_id}": MATRIX,
    "POST /api/v1/evaluation/self-assessments/{dossier_id}/submit": MATRIX,
    "PUT /api/v1/dossiers/{dossier_id}/documents/{document_id}/criteria": MATRIX,
}


def test_every_route_has_an_entry_and_every_entry_a_route():
    routes = set(pages()) | set(operations())
    missing = sorted(routes - set(ACCESS))
    stale = sorted(set(ACCESS) - routes)
    assert not missing, "\n".join(f"new route {r} has no entry in the authorization table" for r in missing)
    assert not stale, "\n".join(f"entry {r} of the authorization table names no route (stale)" for r in stale)


def test_every_entry_is_known_and_points_at_an_existing_matrix():
    for key, access in ACCESS.items():
        if access.startswith("covered:"):
            assert (ROOT / access.removeprefix("covered:")).is_file(), (key, access)
        else:
            assert access in (PUBLIC, LOGIN), (key, access)


# -- data in two provinces -----------------------------------------------------------------------------------


@pytest.fixture
def two_provinces(cast, settings, tmp_path):
    """Bắc Ninh: the honey cooperative, its product and a dossier sent on to the province. Hà Nội: a tea
    company and its product, entered by the system."""
    settings.MEDIA_ROOT = tmp_path / "media"
    bac_ninh = dossier_story(cast, until="forwarded")
    hanoi = producer_create(
        actor=None,
        name="Công ty TNHH Chè Ba Đình",
        legal_form="enterprise",
        unit=cast.other_province_commune,
        tax_code="0100109106",
        owner=cast.other_producer_user,
    )
    hanoi_product = product_create(
        actor=None, producer=hanoi, name="Trà sen Tây Hồ", product_set=product_set()
    )
    return {
        "bac_ninh_names": [bac_ninh.producer.name, bac_ninh.product.name],
        "hanoi_names": [hanoi.name, hanoi_product.name],
        # values for path parameters: real objects where the route names them
        "values": {
            "producer_id": bac_ninh.producer.pk,
            "product_id": bac_ninh.product.pk,
            "dossier_id": bac_ninh.dossier.pk,
            "document_id": bac_ninh.dossier.documents.first().pk,
        },
        "page_values": {
            "producers": {"pk": bac_ninh.producer.pk},
            "products": {"pk": bac_ninh.product.pk},
            "cycle": {"pk": bac_ninh.dossier.pk, "document_id": bac_ninh.dossier.documents.first().pk},
        },
    }


def _state():
    """What an anonymous visitor must never change."""
    return (
        AuditEvent.objects.count(),
        User.objects.count(),
        Role.objects.count(),
        Producer.objects.count(),
        list(Producer.objects.order_by("pk").values_list("status", "version")),
        Product.objects.count(),
        list(Dossier.objects.order_by("pk").values_list("status", "version")),
        TaskRun.objects.count(),
    )


# -- anonymous visitors ----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_refused_on_every_page_that_is_not_public(client, two_provinces):
    login_url = resolve_url(settings.LOGIN_URL)
    before = _state()
    checked = 0
    for name, page in pages().items():
        if ACCESS.get(name, LOGIN) == PUBLIC:
            continue
        url = page.url(two_provinces["page_values"].get(name.split(":")[0]))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            where = (name, method, url, status)
            if status == 302:
                assert response["Location"].startswith(login_url), where
            else:
                assert status in (401, 403, 404, 405), where
            checked += 1
    assert checked > 40
    assert _state() == before


def test_anonymous_api_callers_are_refused_on_every_operation_that_is_not_public(client, two_provinces):
    before = _state()
    checked, wrong = 0, []
    for key, op in operations().items():
        if ACCESS.get(key, LOGIN) == PUBLIC:
            continue
        url = op.url(two_provinces["values"])
        if op.method == "GET":
            response = client.get(url)
        else:
            response = getattr(client, op.method.lower())(url, {}, content_type="application/json")
        if response.status_code not in (401, 403, 404) or not {"code", "message"} <= set(response.json()):
            wrong.append((key, url, response.status_code, response.content[:200]))
        checked += 1
    assert not wrong, "\n".join(map(str, wrong))
    assert checked > 40
    assert _state() == before


# -- another province ------------------------------------------------------------------------------------------


def test_the_officer_of_another_province_never_sees_bac_ninh_on_any_list(client, cast, two_provinces):
    """Every page and API list without path parameters, read by Hà Nội's province officer."""
    officer = cast.other_province_officer
    client.force_login(officer)
    seen_own = False
    read = []
    for name, page in pages().items():
        if page.params or name in ("accounts:logout", "set_language"):
            continue
        response = client.get(page.url())
        read.append((name, response.status_code))
        body = response.content.decode("utf-8", "replace")
        for secret in two_provinces["bac_ninh_names"]:
            assert secret not in body, (name, secret)
        seen_own |= any(own in body for own in two_provinces["hanoi_names"])
    for key, op in operations().items():
        if op.method != "GET" or op.params:
            continue
        response = client.get(op.url())
        read.append((key, response.status_code))
        # Decoded: the JSON's \u escapes would hide every Vietnamese name from the search.
        body = json.dumps(response.json(), ensure_ascii=False)
        for secret in two_provinces["bac_ninh_names"]:
            assert secret not in body, (key, secret)
        seen_own |= any(own in body for own in two_provinces["hanoi_names"])
    assert seen_own, "the officer should at least see Hà Nội's own producer somewhere (is the test blind?)"
    assert sum(1 for _, status in read if status == 200) > 15, read
