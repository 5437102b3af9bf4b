"""Accessibility smoke: axe-core (bundled by the PyPI package axe-playwright-python) runs on the key pages of
the cycle, as each person sees them, with the WCAG 2.0/2.1 A and AA rules and axe's best practices (labels,
headings, contrast, landmarks). A "serious" or "critical" finding fails the test; every finding of every
page is written to test-artifacts/walks/axe-report.json.

The pages forbid inline and injected scripts (CSP); axe is injected only here, in a browser context that
bypasses the CSP. The state is set up through the services (the walk in test_whole_cycle.py does it through
the pages): a honey dossier in a round open for scoring, a product certified by a decision approved by a
second official, and another decision waiting for approval.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from functools import partial

import pytest
from browser_support import ARTIFACTS as ALL_ARTIFACTS
from browser_support import shot as take_shot
from browser_support import sign_in
from django.utils import timezone
from evaluation.conftest import build_scene

from ocop.certification import services as certification
from ocop.certification.models import Certificate
from ocop.certification.selectors import certificate_qr_text
from ocop.products.services import product_create
from tests.council_support import council_backs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = ALL_ARTIFACTS / "walks"
shot = partial(take_shot, folder="walks")

PASSWORD = "mat-khau-thu-nghiem-2025"  # the cast's (tests/conftest.py)
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def axe():
    module = pytest.importorskip("axe_playwright_python.sync_playwright")
    return module.Axe()


@pytest.fixture
def open_as(chromium, live_server, settings, tmp_path):
    """A browser context per person, CSP bypassed so that axe can be injected; signed in unless anonymous."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.SITE_URL = live_server.url
    contexts = []

    def _open(username: str | None):
        context = chromium.new_context(
            base_url=live_server.url, locale="vi-VN", viewport={"width": 1200, "height": 900}, bypass_csp=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = context.new_page()
        tab.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        if username:
            sign_in(tab, username, PASSWORD)
        return tab

    yield _open
    for context in contexts:
        context.close()


def certified_scene(cast):
    """The evaluation scene, plus a product certified 4★ and a decision left for the checker to approve."""
    scene = build_scene(cast)
    authority = certification.authority_ensure(actor=cast.province_officer, unit=cast.province)
    product_set = scene.product.product_set
    dried = product_create(
        actor=None,
        producer=scene.producer,
        name="Vải thiều sấy khô Vân Hà",
        product_set=product_set,
        description="Vải thiều Lục Ngạn sấy khô theo phương pháp truyền thống.",
    )
    council_backs(
        [(dried, 4, Decimal("78.50"), None)],
        authority=authority,
        actor=cast.province_officer,
        day=timezone.localdate() - datetime.timedelta(days=30),
    )
    decision = certification.decision_create(
        actor=cast.province_officer,
        authority=authority,
        number="120/QĐ-UBND",
        date=timezone.localdate() - datetime.timedelta(days=30),
        signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        items=[(dried, 4, Decimal("78.50"), None)],
    )
    certification.decision_approve(actor=scene.checker, decision=decision)
    certificate = Certificate.objects.get(product=dried)
    jam = product_create(actor=None, producer=scene.producer, name="Mứt vải Vân Hà", product_set=product_set)
    council_backs(
        [(jam, 3, Decimal("65.00"), None)],
        authority=authority,
        actor=cast.province_officer,
        day=timezone.localdate() - datetime.timedelta(days=1),
    )
    draft = certification.decision_create(
        actor=cast.province_officer,
        authority=authority,
        number="121/QĐ-UBND",
        date=timezone.localdate() - datetime.timedelta(days=1),
        signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        items=[(jam, 3, Decimal("65.00"), None)],
    )
    return scene, certificate, draft


def violations(axe, page, name: str) -> list[dict]:
    results = axe.run(page, options=RULES).response
    return [
        {
            "page": name,
            "url": page.url,
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [
                {"target": n["target"], "summary": n.get("failureSummary", "")} for n in v["nodes"][:10]
            ],
        }
        for v in results["violations"]
    ]


def test_key_pages_have_no_serious_accessibility_violations(axe, open_as, cast, live_server):
    scene, certificate, draft = certified_scene(cast)
    qr = certificate_qr_text(certificate)
    rd = scene.round_dossier.pk
    tour = [
        (None, "home", "/"),
        (None, "catalogue", "/catalog/"),
        (None, "catalogue-search", "/catalog/search/?q=vai+thieu"),
        (None, "catalogue-product", f"/catalog/products/{certificate.product_id}/"),
        (None, "login", "/accounts/login/"),
        (None, "register", "/producers/register/"),
        (None, "verify-form", "/certificates/verify/"),
        (None, "verify-qr", qr),
        ("producer", "producer-portal", "/producers/me/"),
        ("producer", "dossier", f"/dossiers/{scene.dossier.pk}/"),
        ("commune", "queue", "/dossiers/"),
        ("province", "round", f"/evaluation/rounds/{scene.round.pk}/"),
        ("province", "evaluation-dossier", f"/evaluation/dossiers/{rd}/"),
        ("council1", "score", f"/evaluation/dossiers/{rd}/score/"),
        ("province2", "decision", f"/certificates/decisions/{draft.pk}/"),
        ("province", "certificate", f"/certificates/{certificate.pk}/"),
    ]
    found: list[dict] = []
    pages: dict[str | None, object] = {}
    for who, name, url in tour:
        if who not in pages:
            pages[who] = open_as(who)
        page = pages[who]
        response = page.goto(url)
        assert response.status == 200, (name, url, response.status)
        found += violations(axe, page, name)
        shot(page, f"axe-{name}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(found, ensure_ascii=False, indent=2))
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(
        f"{v['page']}: {v['rule']} ({v['impact']}) {v['help']} → {[n['target'] for n in v['nodes']]}"
        for v in blocking
    )
