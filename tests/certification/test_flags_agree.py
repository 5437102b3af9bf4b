"""The `may_*` flags a person sees on the certificate and decision pages, and those the API gives them, agree
with what the service then lets them do: for every certification action, in the states where it matters,
tried by every kind of person (the maker, a second official, an officer of another province, a central
officer, a commune officer, the producer). One function decides (`policies.refusal_for`), so the three
cannot drift apart: with a revocation request pending, nobody is offered another one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ocop.certification import services
from ocop.certification.models import Certificate, ChangeKind
from ocop.core.errors import DomainError
from tests.council_support import council_backs

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
REQUEST = {"reason": "Vi phạm cam kết", "decision_number": "45/QĐ-UBND", "decision_date": TODAY}


class _Undo(Exception):  # noqa: N818  (a marker that rolls the tried action back)
    pass


def service_allows(action: Callable[[], object]) -> bool:
    """Try the action for real, then roll it back: True when the service did it, False when it refused."""
    try:
        with transaction.atomic():
            action()
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


@dataclass
class Person:
    name: str
    user: object
    page: Client
    token: dict


@pytest.fixture
def people(story, api_token) -> list[Person]:
    cast = story.cast
    found = []
    for name, user in [
        ("maker", cast.province_officer),
        ("checker", story.checker),
        ("other province", cast.other_province_officer),
        ("central", cast.central),
        ("commune", cast.commune_officer),
        ("producer", cast.producer_user),
    ]:
        page = Client()
        page.force_login(user)
        found.append(Person(name, user, page, api_token(user)))
    return found


def page_flags(person: Person, url: str, names: list[str]) -> dict[str, bool] | None:
    """The flags the page was drawn with (None: the person may not see the page)."""
    response = person.page.get(url)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, (person.name, url, response.status_code)
    return {name: bool(response.context[name]) for name in names}


def api_body(person: Person, path: str) -> dict | None:
    response = Client().get(f"/api/v1/certificates{path}", **person.token)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, (person.name, path, response.status_code)
    return response.json()


def compare(rows) -> tuple[list, set]:
    """rows: (person, action, page flag or None, API flag or None, service allows). Returns the rows that
    disagree and the (person, action) pairs allowed. A person who cannot see a page or a record has no
    flag there, and the service must refuse them."""
    disagree, allowed = [], set()
    for person, action, on_page, in_api, done in rows:
        shown = {flag for flag in (on_page, in_api) if flag is not None} or {False}
        if shown != {done}:
            disagree.append((person, action, on_page, in_api, done))
        if done:
            allowed.add((person, action))
    return disagree, allowed


def certificate_rows(people, certificate) -> list:
    rows = []
    for person in people:
        on_page = page_flags(
            person,
            f"/certificates/{certificate.pk}/",
            ["may_request_revocation", "may_request_stars_change"],
        )
        in_api = api_body(person, f"/{certificate.pk}")
        for flag, call in [
            (
                "may_request_revocation",
                lambda u=person.user: services.certificate_revoke_request(
                    actor=u, certificate=certificate, **REQUEST
                ),
            ),
            (
                "may_request_stars_change",
                lambda u=person.user: services.certificate_change_stars_request(
                    actor=u, certificate=certificate, stars=3, **REQUEST
                ),
            ),
        ]:
            rows.append(
                (
                    person.name,
                    flag,
                    on_page[flag] if on_page else None,
                    in_api[flag] if in_api else None,
                    service_allows(call),
                )
            )
    return rows


def change_rows(people, change) -> list:
    rows = []
    for person in people:
        on_page = page_flags(
            person,
            f"/certificates/{change.certificate_id}/",
            ["may_check_pending", "may_withdraw_pending"],
        )
        listed = api_body(person, "/changes")
        in_api = next((c for c in (listed or {}).get("items", []) if c["id"] == change.pk), None)
        for page_flag, api_flag, call in [
            (
                "may_check_pending",
                "may_approve",
                lambda u=person.user: services.certificate_change_approve(actor=u, change=change),
            ),
            (
                "may_withdraw_pending",
                "may_reject",
                lambda u=person.user: services.certificate_change_reject(
                    actor=u, change=change, reason="Chưa đủ căn cứ"
                ),
            ),
        ]:
            rows.append(
                (
                    person.name,
                    api_flag,
                    on_page[page_flag] if on_page else None,
                    in_api[api_flag] if in_api else None,
                    service_allows(call),
                )
            )
    return rows


def decision_rows(people, decision) -> list:
    rows = []
    for person in people:
        on_page = page_flags(person, f"/certificates/decisions/{decision.pk}/", ["may_approve", "may_reject"])
        in_api = api_body(person, f"/decisions/{decision.pk}")
        for flag, call in [
            ("may_approve", lambda u=person.user: services.decision_approve(actor=u, decision=decision)),
            (
                "may_reject",
                lambda u=person.user: services.decision_reject(
                    actor=u, decision=decision, reason="Chưa đủ căn cứ"
                ),
            ),
        ]:
            rows.append(
                (
                    person.name,
                    flag,
                    on_page[flag] if on_page else None,
                    in_api[flag] if in_api else None,
                    service_allows(call),
                )
            )
    return rows


def test_an_active_certificate_may_be_put_up_for_change_by_its_authoritys_officers(story, issue, people):
    (certificate,) = issue([(story.honey, 4, None, None)])

    disagree, allowed = compare(certificate_rows(people, certificate))

    assert disagree == []
    assert allowed == {
        (who, flag)
        for who in ("maker", "checker")
        for flag in ("may_request_revocation", "may_request_stars_change")
    }


def test_with_a_request_pending_no_one_is_offered_another(story, issue, people):
    (certificate,) = issue([(story.honey, 4, None, None)])
    services.certificate_revoke_request(actor=story.cast.province_officer, certificate=certificate, **REQUEST)

    rows = certificate_rows(people, certificate)
    disagree, allowed = compare(rows)

    assert disagree == []
    assert allowed == set()
    maker_in_api = [row[3] for row in rows if row[:2] == ("maker", "may_request_revocation")]
    assert maker_in_api == [False]  # the API once said true here while the page said no


def test_a_pending_request_is_approved_by_another_official_and_withdrawn_by_either(story, issue, people):
    (certificate,) = issue([(story.honey, 4, None, None)])
    change = services.certificate_revoke_request(
        actor=story.cast.province_officer, certificate=certificate, **REQUEST
    )
    assert change.kind == ChangeKind.REVOKE

    disagree, allowed = compare(change_rows(people, change))

    assert disagree == []
    assert allowed == {("checker", "may_approve"), ("maker", "may_reject"), ("checker", "may_reject")}


def test_a_revoked_certificate_offers_nothing(story, issue, people):
    (certificate,) = issue([(story.honey, 4, None, None)])
    change = services.certificate_revoke_request(
        actor=story.cast.province_officer, certificate=certificate, **REQUEST
    )
    services.certificate_revoke_approve(actor=story.checker, change=change)
    certificate = Certificate.objects.get(pk=certificate.pk)

    disagree, allowed = compare(certificate_rows(people, certificate))

    assert disagree == [] and allowed == set()


def draft(story, number: str = "77/QĐ-UBND"):
    backing = council_backs(
        [(story.lychee, 4, None)], authority=story.province_authority, actor=story.cast.province_officer
    )
    decision = services.decision_create(
        actor=story.cast.province_officer,
        authority=story.province_authority,
        number=number,
        date=TODAY,
        signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        items=[(story.lychee, 4, None, None)],
    )
    return decision, backing


def test_a_draft_decision_is_approved_by_a_second_official_and_returned_by_either(story, people):
    decision, _backing = draft(story)

    disagree, allowed = compare(decision_rows(people, decision))

    assert disagree == []
    assert allowed == {("checker", "may_approve"), ("maker", "may_reject"), ("checker", "may_reject")}


def test_a_draft_the_council_no_longer_backs_offers_no_approval(story, people):
    decision, (backing,) = draft(story)
    type(backing).objects.filter(pk=backing.pk).update(recognised_stars=3)  # the result changed since

    disagree, allowed = compare(decision_rows(people, decision))

    assert disagree == []
    assert allowed == {("maker", "may_reject"), ("checker", "may_reject")}


def test_an_approved_decision_offers_nothing(story, people):
    decision, _backing = draft(story)
    services.decision_approve(actor=story.checker, decision=decision)

    disagree, allowed = compare(decision_rows(people, decision))

    assert disagree == [] and allowed == set()
