"""The whole-sheet gate of the 2023 fresh-produce sheet (1.1, «Bị loại khi…», code `loai-phieu`) is on the
council member's form, above the criteria, and ticking it disqualifies: through the page and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.evaluation.models import ScoreSheet, SheetStatus
from ocop.rubrics.models import RubricVersion
from ocop.rubrics.selectors import engine_version

from . import conftest

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation"
GATE = "loai-phieu"


@pytest.fixture
def fresh(cast, monkeypatch) -> conftest.Scene:
    """The shipped 2023 version, whose 1.1 sheet has a whole-sheet gate, and a product of set 1.1."""
    monkeypatch.setattr(conftest, "load_test_rubric", lambda: RubricVersion.objects.get(code="2023"))
    return conftest.build_scene(cast, product_set_code="1.1")


def best_answers() -> dict[str, str]:
    """The highest option of each criterion, for a cooperative (the scene's producer)."""
    sheet = engine_version("2023").sheet("1.1")
    chosen = {}
    for criterion in sheet.criteria:
        alternative = next(a for a in criterion.alternatives if a.allows("cooperative"))
        chosen[criterion.code] = max(alternative.options, key=lambda o: o.points).code
    return chosen


def test_the_form_shows_the_sheet_gate_and_ticking_it_disqualifies(fresh, login, client, api_token):
    cast = fresh.cast
    rd = fresh.round_dossier.pk
    assert [g.code for g in engine_version("2023").sheet("1.1").general_gates] == [GATE]
    page = login(cast.council1)
    url = reverse("evaluation:score", args=[rd])
    html = page.get(url).content.decode()
    assert 'id="sheet-gates"' in html and f'name="gate" value="{GATE}"' in html
    assert html.index('id="sheet-gates"') < html.index('class="score-group"')  # at the top of the sheet
    form = {f"c-{code}": option for code, option in best_answers().items()}
    form.update(version="0", action="submit", gate=GATE)
    response = page.post(url, form)
    assert response.status_code in (200, 302), response.content[:500]
    mine = ScoreSheet.objects.get(member__user=cast.council1)
    assert (mine.status, mine.gates) == (SheetStatus.SUBMITTED, [GATE])
    shown = page.get(url).content.decode()
    assert f'value="{GATE}" checked' in shown
    # The other two members score through the API; one of them ticks the same gate there.
    for user, gates in ((cast.council2, [GATE]), (cast.council3, [])):
        headers = api_token(user)
        saved = client.put(
            f"{API}/round-dossiers/{rd}/sheet",
            {"version": 0, "answers": best_answers(), "gates": gates},
            content_type="application/json",
            **headers,
        )
        assert saved.status_code == 200, saved.content
        done = client.post(
            f"{API}/round-dossiers/{rd}/sheet/submit",
            {"version": saved.json()["version"]},
            content_type="application/json",
            **headers,
        )
        assert done.status_code == 200, done.content
    result = client.post(f"{API}/round-dossiers/{rd}/result", **api_token(cast.province_officer))
    assert result.status_code == 200, result.content
    body = result.json()["result"]
    assert body["recognised_stars"] is None
    assert [(g["code"], g["members"]) for g in body["explanation"]["gates"]] == [(GATE, 2)]
