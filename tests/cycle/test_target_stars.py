"""The stars a dossier applies for are the bands the rubric version recognises, as loaded (issue 14).

Both shipped versions recognise 3★, 4★ and 5★; a version a central officer loads with the 3★ band no longer
recognised narrows the form's choices and what the service accepts, and the refusal names the bands.
"""

from __future__ import annotations

import pytest
from cycle_support import dossier_story

from ocop.core.errors import Invalid
from ocop.cycle import services
from ocop.cycle.forms import DossierCreateForm
from ocop.cycle.models import Dossier
from ocop.rubrics.services import rubric_version_load
from tests.rubrics.helpers import raw
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db


def three_stars_not_recognised() -> None:
    data = raw("2023")
    next(b for b in data["bands"] if b["stars"] == 3)["recognised"] = False
    rubric_version_load(actor=None, data=data, source="2023-sua-doi.yaml")


def offered_stars() -> list[str]:
    form = DossierCreateForm(certificate_choices=())
    return [value for value, _label in form.fields["target_stars"].choices if value]


def test_stars_outside_the_recognised_bands_are_refused_naming_the_bands(cast):
    story = dossier_story(cast, until="draft")
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.dossier_update(actor=cast.producer_user, dossier=story.dossier, target_stars=6)
    assert refused.value.code == "target_stars_invalid"
    assert str(refused.value.message) == (
        "Hạng sao đăng ký phải là một trong các hạng 3, 4, 5 mà bộ tiêu chí 2023 công nhận."
    )
    assert offered_stars() == ["3", "4", "5"]


def test_a_loaded_version_without_the_three_star_band_narrows_what_may_be_applied_for(cast):
    story = dossier_story(cast, until="draft")
    three_stars_not_recognised()

    assert offered_stars() == ["4", "5"]
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.dossier_update(actor=cast.producer_user, dossier=story.dossier, target_stars=3)
    assert str(refused.value.message) == (
        "Hạng sao đăng ký phải là một trong các hạng 4, 5 mà bộ tiêu chí 2023 công nhận."
    )
    services.dossier_update(actor=cast.producer_user, dossier=story.dossier, target_stars=4)
    assert Dossier.objects.get(pk=story.dossier.pk).target_stars == 4


def test_the_refusal_reaches_the_api_in_the_readers_language(cast, client, api_token):
    story = dossier_story(cast, until="draft")
    three_stars_not_recognised()
    response = client.patch(
        f"/api/v1/dossiers/{story.dossier.pk}",
        {"target_stars": 3, "version": story.dossier.version},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **api_token(cast.producer_user),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "target_stars_invalid"
    assert (
        response.json()["message"]
        == "The stars applied for must be one of 4, 5, the bands rubric 2023 recognises."
    )
    assert Dossier.objects.get(pk=story.dossier.pk).target_stars is None
