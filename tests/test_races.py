"""The remaining races of issue 7 (QUALITY: 20 trials × 8 threads, zero anomalies, SQLite and PostgreSQL):
a producer double-clicking "Nộp hồ sơ", two commune officers forwarding the same dossier at once, and one
`Idempotency-Key` posted eight times in parallel. Trials take turns between the services and the API with a
test client per thread, so the request path (token, idempotency, error mapping) races too; the double-click
also goes through the dossier page's own button, as a signed-in browser sends it (with the page's version).

Each check counts anomalies and the test lists them all; the trial count comes from `OCOP_TRIALS`. The tests run
on a committed copy of the test database (race_support), so on SQLite the threads queue on the file's busy
timeout as in production and no request is ever retried: what each caller saw is what a user would see.
"""

from __future__ import annotations

import json
from collections import Counter
from http.cookies import SimpleCookie

import pytest
from cycle_support import THIS_YEAR, dossier_story, fill_required, honey, honey_cooperative
from django.test import Client
from django.urls import reverse
from race_support import THREADS, TRIALS, _django_db_helper, committed_copy, race  # noqa: F401

from ocop.accounts.models import RoleKind
from ocop.accounts.services import role_grant, user_create
from ocop.audit.models import AuditEvent
from ocop.core.errors import DomainError
from ocop.cycle import services
from ocop.cycle.models import Dossier, DossierTransition
from ocop.products.models import Product
from tests.conftest import PASSWORD

REFUSED = "transition_not_allowed"
STALE = "stale"


def _outcome(result) -> tuple[str, object]:
    """What one caller saw: ("ok", version or id), ("refused", code), or ("error", the unexpected thing)."""
    if isinstance(result, Dossier):
        return "ok", result.version
    if isinstance(result, DomainError):
        return "refused", result.code
    if getattr(result, "status_code", None) == 302 and "/dossiers/" in result.get("Location", ""):
        return "ok", None  # the page's button: back to the dossier page with "Hồ sơ chuyển sang …"
    if getattr(result, "status_code", None) == 409 and result.get("Content-Type", "").startswith("text/html"):
        # The page drawn again with the reason; the version it carried is no longer the dossier's.
        return "refused", STALE if "Người khác vừa thay đổi" in result.content.decode() else "page_refused"
    if hasattr(result, "status_code"):
        body = result.json() if result.get("Content-Type", "").startswith("application/json") else {}
        if result.status_code in (200, 201):
            return "ok", body.get("version", body.get("id"))
        if result.status_code == 409:
            return "refused", body.get("code")
        return "error", (result.status_code, result.content[:300])
    return "error", repr(result)


def _post(token: dict, path: str, body: dict | None = None, **headers):
    """One caller's request, from a client of its own (each thread is a separate browser or partner)."""
    return Client().post(path, body or {}, content_type="application/json", **token, **headers)


def _browser_session(person) -> SimpleCookie:
    """The cookies of one signed-in browser: every press of a double-click carries the same session."""
    browser = Client()
    browser.force_login(person)
    return browser.cookies


def _press(session: SimpleCookie, dossier: Dossier):
    """One press of the dossier page's "Nộp hồ sơ" button, with the version the page showed."""
    press = Client()
    press.cookies = SimpleCookie(session.output(header="", sep=";"))
    return press.post(reverse("cycle:dossier_act", args=[dossier.pk, "submit"]), {"version": dossier.version})


def _events(action: str, dossier: Dossier) -> int:
    return AuditEvent.objects.filter(
        action=action, target_type="cycle.dossier", target_id=str(dossier.pk)
    ).count()


def _transitions(action: str, dossier: Dossier) -> int:
    return DossierTransition.objects.filter(dossier=dossier, action=action).count()


def _one_move_anomalies(trial, outcomes, *, dossier, action, status, before, refusals=(REFUSED,)) -> list:
    """Exactly one caller moved the dossier, the others were refused with the stable code, and the move left
    one transition row and one audit event."""
    seen = [_outcome(o) for o in outcomes]
    kinds = Counter(kind for kind, _ in seen)
    codes = {value for kind, value in seen if kind == "refused"}
    found = []
    if kinds != Counter({"ok": 1, "refused": THREADS - 1}) or not codes <= set(refusals):
        found.append((trial, action, "callers", seen))
    after = (_transitions(action, dossier), _events(f"dossier.{action}", dossier))
    if after != (before[0] + 1, before[1] + 1):
        found.append((trial, action, "transitions and events before/after", before, after))
    fresh = Dossier.objects.get(pk=dossier.pk)
    if fresh.status != status:
        found.append((trial, action, "status", fresh.status))
    return found


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_submit_submits_the_dossier_once(cast, api_token):
    producer = cast.producer_user
    story = dossier_story(cast, until="draft", complete=True)
    token = api_token(producer)
    session = _browser_session(producer)
    anomalies = []
    for trial in range(TRIALS):
        if trial:
            # The last trial's dossier is withdrawn, which frees the year for a fresh draft.
            story.dossier = services.dossier_create(actor=producer, product=story.product, year=THIS_YEAR)
            fill_required(story.dossier, producer)
        dossier = story.refresh()
        assert dossier.status == "draft"
        before = (_transitions("submit", dossier), _events("dossier.submit", dossier))
        refusals = (REFUSED,)
        if trial % 3 == 0:
            outcomes = race(lambda i, d=dossier: services.dossier_submit(actor=producer, dossier=d))
        elif trial % 3 == 1:
            outcomes = race(lambda i, d=dossier: _post(token, f"/api/v1/dossiers/{d.pk}/submit"))
        else:
            # The same browser pressing "Nộp hồ sơ" again: every press carries the version the page showed.
            outcomes = race(lambda i, d=dossier: _press(session, d))
            refusals = (REFUSED, STALE)
        anomalies += _one_move_anomalies(
            trial,
            outcomes,
            dossier=dossier,
            action="submit",
            status="submitted",
            before=before,
            refusals=refusals,
        )
        services.dossier_withdraw(actor=producer, dossier=story.refresh())
    assert anomalies == [], f"{len(anomalies)} anomalies in {TRIALS} trials: {anomalies}"


@pytest.mark.django_db(transaction=True)
def test_two_officers_forwarding_the_same_dossier_forward_it_once(cast, api_token):
    """Forwarding is the receiving level's step (routing.yaml: `by: receiver`, the commune officers): Lê Văn
    Xã and a colleague of the same commune both press "Chuyển lên cấp đánh giá", four times each."""
    colleague = user_create(actor=None, username="commune-b", password=PASSWORD, full_name="Trịnh Thị Xã")
    role_grant(actor=None, user=colleague, kind=RoleKind.COMMUNE_OFFICER, unit=cast.commune)
    officers = [cast.commune_officer, colleague]
    tokens = [api_token(officer) for officer in officers]
    story = dossier_story(cast, until="checked")
    anomalies = []
    for trial in range(TRIALS):
        dossier = story.refresh()
        assert dossier.status == "checked"
        before = (_transitions("forward", dossier), _events("dossier.forward", dossier))
        if trial % 2 == 0:
            outcomes = race(
                lambda i, d=dossier: services.dossier_forward(actor=officers[i % 2], dossier=d, note=f"#{i}")
            )
        else:
            outcomes = race(lambda i, d=dossier: _post(tokens[i % 2], f"/api/v1/dossiers/{d.pk}/forward"))
        anomalies += _one_move_anomalies(
            trial, outcomes, dossier=dossier, action="forward", status="forwarded", before=before
        )
        # Back to "checked" for the next trial: the province returns it, the producer resubmits, the commune checks.
        dossier = services.dossier_return(
            actor=cast.province_officer, dossier=story.refresh(), reason="Thử lại"
        )
        dossier = services.dossier_submit(actor=cast.producer_user, dossier=dossier)
        services.dossier_check(actor=cast.commune_officer, dossier=dossier)
    assert anomalies == [], f"{len(anomalies)} anomalies in {TRIALS} trials: {anomalies}"


def _same_answer_anomalies(trial, responses, created: int) -> list:
    """Every caller got the first answer (201 and the same body), all but one as a replay; one object made."""
    found = []
    seen = [(r.status_code, r.json()) if hasattr(r, "status_code") else ("error", repr(r)) for r in responses]
    statuses = Counter(status for status, _ in seen)
    bodies = {json.dumps(body, sort_keys=True) for _, body in seen}  # jsonb keeps its own key order
    replays = sum(
        1 for r in responses if hasattr(r, "status_code") and r.get("Idempotent-Replayed") == "true"
    )
    if statuses != Counter({201: THREADS}) or len(bodies) != 1 or replays != THREADS - 1:
        found.append((trial, "answers", statuses, replays, [s for s in seen if s[0] != 201] or len(bodies)))
    if created != 1:
        found.append((trial, "objects created", created))
    return found


@pytest.mark.django_db(transaction=True)
def test_one_idempotency_key_posted_in_parallel_creates_one_object(cast, api_token):
    """A partner's client retries a create eight times at once with one key: one dossier (even trials) or one
    product (odd trials), and every caller gets the same 201 answer."""
    producer = cast.producer_user
    token = api_token(producer)
    product = honey(honey_cooperative(cast))
    anomalies = []
    for trial in range(TRIALS):
        key = {"HTTP_IDEMPOTENCY_KEY": f"race-{trial}"}
        if trial % 2 == 0:
            before = Dossier.objects.filter(product=product).count()
            body = {"product": product.pk, "year": THIS_YEAR}
            responses = race(lambda i, b=body, k=key: _post(token, "/api/v1/dossiers", b, **k))
            anomalies += _same_answer_anomalies(
                trial, responses, Dossier.objects.filter(product=product).count() - before
            )
            for dossier in Dossier.objects.filter(product=product).exclude(status="withdrawn"):
                services.dossier_withdraw(actor=producer, dossier=dossier)
        else:
            before = Product.objects.count()
            body = {"name": f"Mật ong lô {trial}", "product_set": "2.2", "description": ""}
            responses = race(lambda i, b=body, k=key: _post(token, "/api/v1/products", b, **k))
            anomalies += _same_answer_anomalies(trial, responses, Product.objects.count() - before)
    assert anomalies == [], f"{len(anomalies)} anomalies in {TRIALS} trials: {anomalies}"


@pytest.mark.django_db(transaction=True)
def test_one_key_with_two_bodies_in_parallel_keeps_the_first_and_refuses_the_other(cast, api_token):
    """Half the callers send one product, half another, under one key: whichever body came first is created
    once and replayed to its senders; the senders of the other body are told the key was used (409)."""
    token = api_token(cast.producer_user)
    honey_cooperative(cast)
    anomalies = []
    for trial in range(TRIALS):
        key = {"HTTP_IDEMPOTENCY_KEY": f"two-bodies-{trial}"}
        bodies = [{"name": f"Mật ong {side} {trial}", "product_set": "2.2"} for side in ("nhãn", "vải")]
        before = Product.objects.count()
        responses = race(lambda i, k=key, b=bodies: _post(token, "/api/v1/products", b[i % 2], **k))
        created = Product.objects.count() - before
        seen = [
            (r.status_code, r.json().get("name") or r.json().get("code"))
            if hasattr(r, "status_code")
            else ("error", repr(r))
            for r in responses
        ]
        won = {name for status, name in seen if status == 201}
        lost = [(status, code) for status, code in seen if status != 201]
        winner = next(iter(won)) if len(won) == 1 else None
        expected_losers = sum(1 for i in range(THREADS) if bodies[i % 2]["name"] != winner)
        if (
            created != 1
            or winner is None
            or lost != [(409, "idempotency_key_reused")] * expected_losers
            or expected_losers != THREADS // 2
        ):
            anomalies.append((trial, created, seen))
    assert anomalies == [], f"{len(anomalies)} anomalies in {TRIALS} trials: {anomalies}"


# --- the per-person token cap holds when one person signs in many times at once ------


@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ins_of_one_person_keep_at_most_the_cap_of_live_tokens(cast, settings):
    from ocop.accounts.models import ApiToken

    settings.TOKENS_PER_USER = 3
    body = {"username": "producer", "password": PASSWORD}
    anomalies = []
    for trial in range(TRIALS):
        responses = race(lambda i: _post({}, "/api/v1/auth/token", body))
        statuses = [getattr(r, "status_code", repr(r)) for r in responses]
        live = ApiToken.live.filter(user=cast.producer_user).count()
        working = sum(
            Client().get("/api/v1/producers", HTTP_AUTHORIZATION=f"Bearer {r.json()['token']}").status_code
            == 200
            for r in responses
            if getattr(r, "status_code", None) == 200
        )
        if statuses != [200] * THREADS or live != 3 or working != 3:
            anomalies.append((trial, statuses, live, working))
    assert anomalies == [], f"{len(anomalies)} anomalies in {TRIALS} trials: {anomalies}"
