"""The evaluation API: members score with versions, the officer computes the result, and every route is
tried by every kind of caller (the matrix comes from the router: a new route without an entry fails)."""

from __future__ import annotations

import pytest

from ocop.audit.models import AuditEvent
from ocop.evaluation.api import router
from ocop.evaluation.models import Assignment, ConflictOfInterest, EvaluationRound, RoundDossier, ScoreSheet

from .conftest import answers

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation"


class Multipart(dict):
    """A body sent as multipart form fields (the paper-sheet routes, which take a file)."""


def _call(client, method: str, url: str, headers: dict, body=None):
    if isinstance(body, Multipart):
        return client.post(url, dict(body), **headers)
    kwargs = {"content_type": "application/json", **headers}
    return getattr(client, method.lower())(url, body if body is not None else {}, **kwargs)


def matrix(scene) -> dict[tuple[str, str], dict | None]:
    """Every operation of the router with a body that would succeed for the right person."""
    return {
        ("GET", "/rounds"): None,
        ("POST", "/rounds"): {
            "name": "Đợt 9",
            "level": "province",
            "unit": "24",
            "year": 2026,
            "rubric_version": "2023",
            "held_on": str(scene.round.held_on),
        },
        ("GET", "/rounds/{round_id}"): None,
        ("POST", "/rounds/{round_id}/advance"): {"to": "closed"},
        ("POST", "/rounds/{round_id}/council"): {
            "name": "HĐ",
            "decision_number": "1/QĐ",
            "decision_date": "2026-01-02",
        },
        ("POST", "/rounds/{round_id}/members"): {"username": "council1", "role": "member"},
        ("POST", "/rounds/{round_id}/dossiers"): {"dossier": scene.dossier.pk},
        ("POST", "/rounds/{round_id}/assign-all"): None,
        ("GET", "/rounds/{round_id}/progress"): None,
        ("GET", "/assignments"): None,
        ("GET", "/round-dossiers/{round_dossier_id}"): None,
        ("POST", "/round-dossiers/{round_dossier_id}/assignments"): {"username": "council1"},
        ("POST", "/round-dossiers/{round_dossier_id}/conflicts"): {"reason": "declared", "note": "x"},
        ("GET", "/round-dossiers/{round_dossier_id}/sheet"): None,
        ("PUT", "/round-dossiers/{round_dossier_id}/sheet"): {"version": 0, "answers": {"1.1": "a"}},
        ("POST", "/round-dossiers/{round_dossier_id}/sheet/submit"): {"version": 0, "answers": answers()},
        ("GET", "/round-dossiers/{round_dossier_id}/sheets"): None,
        ("POST", "/round-dossiers/{round_dossier_id}/result"): None,
        ("POST", "/round-dossiers/{round_dossier_id}/conclusion"): {
            "conclusion": "recognise",
            "minutes": "x",
        },
        ("POST", "/round-dossiers/{round_dossier_id}/propose"): {"note": ""},
        # --- issue 12: paper sheets ---
        ("GET", "/round-dossiers/{round_dossier_id}/paper"): None,
        ("POST", "/round-dossiers/{round_dossier_id}/paper"): Multipart(
            version="0", parts='{"A": "30", "B": "20", "C": "25"}'
        ),
        ("POST", "/round-dossiers/{round_dossier_id}/paper/submit"): Multipart(
            version="0", parts='{"A": "30", "B": "20", "C": "25"}'
        ),
        ("GET", "/round-dossiers/{round_dossier_id}/sheets/{sheet_id}/scan"): None,
        # --- issue 18: the producer's self-assessment of the dossier (its own, so see OWN_DOSSIER) ---
        ("GET", "/self-assessments/{dossier_id}"): None,
        ("PUT", "/self-assessments/{dossier_id}"): {"version": 0, "answers": {}},
        ("POST", "/self-assessments/{dossier_id}/submit"): {"version": 0, "answers": {}},
    }


# The producer of the scene's dossier reads its self-assessment and may no longer change it (submitted).
OWN_DOSSIER = {
    ("GET", "/self-assessments/{dossier_id}"),
    ("PUT", "/self-assessments/{dossier_id}"),
    ("POST", "/self-assessments/{dossier_id}/submit"),
}


def test_the_matrix_covers_every_route_of_the_router(scene):
    routes = {
        (m, path)
        for path, view in router.path_operations.items()
        for op in view.operations
        for m in op.methods
    }
    assert routes == set(matrix(scene))


def _state():
    """Everything a refused call must leave as it was (token issues are the callers' own sign-in)."""
    return (
        EvaluationRound.objects.count(),
        list(RoundDossier.objects.values_list("status", "version")),
        Assignment.objects.count(),
        ConflictOfInterest.objects.count(),
        ScoreSheet.objects.count(),
        AuditEvent.objects.exclude(action="token.issue").count(),
    )


LISTS = {("GET", "/rounds"), ("GET", "/assignments")}


@pytest.mark.parametrize("who", ["anonymous", "other_province_officer", "producer_user", "commune_officer"])
def test_callers_outside_the_round_are_refused_everywhere_and_nothing_changes(scene, client, api_token, who):
    headers = {} if who == "anonymous" else api_token(getattr(scene.cast, who))
    before = _state()
    for (method, path), body in matrix(scene).items():
        url = API + path.format(
            round_id=scene.round.pk,
            round_dossier_id=scene.round_dossier.pk,
            sheet_id=1,
            dossier_id=scene.round_dossier.dossier_id,
        )
        response = _call(client, method, url, headers, body)
        if who == "anonymous":
            assert response.status_code == 401, (method, path, response.content)
        elif who == "producer_user" and (method, path) in OWN_DOSSIER:
            assert response.status_code in (200, 409), (method, path, response.status_code, response.content)
        elif (method, path) in LISTS:
            assert response.status_code == 200 and response.json()["count"] == 0, (method, path)
        else:
            assert response.status_code in (403, 404), (method, path, response.status_code, response.content)
            assert set(response.json()) >= {"code", "message"}
    assert _state() == before


def test_a_member_without_the_officers_capability_cannot_run_the_round(scene, client, api_token):
    headers = api_token(scene.cast.council3)
    before = _state()
    officer_only = [
        k
        for k in matrix(scene)
        if k[0] != "GET" and "sheet" not in k[1] and "conflicts" not in k[1] and "paper" not in k[1]
    ]
    for method, path in officer_only:
        url = API + path.format(
            round_id=scene.round.pk,
            round_dossier_id=scene.round_dossier.pk,
            dossier_id=scene.round_dossier.dossier_id,
        )
        response = _call(client, method, url, headers, matrix(scene)[(method, path)])
        assert response.status_code in (403, 404), (method, path, response.content)
    assert _state() == before
    assert client.get(f"{API}/rounds/{scene.round.pk}/progress", **headers).status_code == 404


def test_members_score_through_the_api_and_the_officer_gets_the_result(scene, client, api_token):
    cast = scene.cast
    rd = scene.round_dossier.pk
    mine = client.get(f"{API}/assignments", **api_token(cast.council1)).json()
    assert [item["id"] for item in mine["items"]] == [rd] and mine["items"][0]["may_score"]
    assert (mine["count"], mine["page"], mine["page_size"]) == (1, 1, 50)
    # The list is paged like every other: a page past the end and a page size out of bounds are refused.
    beyond = client.get(f"{API}/assignments?page=2", **api_token(cast.council1))
    assert (beyond.status_code, beyond.json()["code"]) == (404, "page_out_of_range")
    too_big = client.get(f"{API}/assignments?page_size=500", **api_token(cast.council1))
    assert (too_big.status_code, too_big.json()["code"]) == (400, "bad_page")
    for user, chosen in (
        (cast.council1, answers()),
        (cast.council2, answers(**{"1.1": "c"})),
        (cast.council3, answers(**{"1.1": "c"})),
    ):
        headers = api_token(user)
        sheet = client.get(f"{API}/round-dossiers/{rd}/sheet", **headers).json()
        assert (sheet["version"], sheet["may_edit"]) == (0, True)
        saved = client.put(
            f"{API}/round-dossiers/{rd}/sheet",
            {"version": 0, "answers": chosen},
            content_type="application/json",
            **headers,
        )
        assert saved.status_code == 200, saved.content
        stale = client.put(
            f"{API}/round-dossiers/{rd}/sheet",
            {"version": 0, "answers": chosen},
            content_type="application/json",
            **headers,
        )
        assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
        done = client.post(
            f"{API}/round-dossiers/{rd}/sheet/submit",
            {"version": saved.json()["version"]},
            content_type="application/json",
            **headers,
        )
        assert done.status_code == 200 and done.json()["status"] == "submitted"
    others = client.get(f"{API}/round-dossiers/{rd}/sheets", **api_token(cast.council2)).json()
    assert others["count"] == 1  # blind until the council's result: their own sheet only
    officer = api_token(cast.province_officer)
    result = client.post(f"{API}/round-dossiers/{rd}/result", **officer)
    assert result.status_code == 200, result.content
    others = client.get(f"{API}/round-dossiers/{rd}/sheets", **api_token(cast.council2)).json()
    assert others["count"] == 3
    body = result.json()["result"]
    assert (body["mean_score"], body["band_stars"], body["recognised_stars"], body["forward_to"]) == (
        "93.33",
        5,
        4,
        "central",
    )
    progress = client.get(f"{API}/rounds/{scene.round.pk}/progress", **api_token(cast.council2)).json()
    assert progress["dossiers"][0]["sheets"] == {
        "council1": "submitted",
        "council2": "submitted",
        "council3": "submitted",
    }


def test_an_option_not_on_the_sheet_is_a_400_with_a_stable_code(scene, client, api_token):
    response = client.put(
        f"{API}/round-dossiers/{scene.round_dossier.pk}/sheet",
        {"version": 0, "answers": {"1.1": "x"}},
        content_type="application/json",
        **api_token(scene.cast.council1),
    )
    assert (response.status_code, response.json()["code"]) == (400, "option_not_on_sheet")
    assert not ScoreSheet.objects.exists()


def test_a_result_before_enough_sheets_is_a_400(scene, client, api_token):
    response = client.post(
        f"{API}/round-dossiers/{scene.round_dossier.pk}/result", **api_token(scene.cast.province_officer)
    )
    assert (response.status_code, response.json()["code"]) == (400, "not_enough_sheets")
    assert scene.refresh().result_at is None
