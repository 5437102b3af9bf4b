"""The round form offers the levels the loaded rubric versions give scoring councils, and starts at the
officer's own level as the version in force names it (no level written in the code)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _level_select(html: str) -> tuple[list[str], str | None]:
    start = html.index('name="level"')
    block = html[start : html.index("</select>", start)]
    values = [part.split('"', 1)[0] for part in block.split('value="')[1:]]
    chosen = next(
        (v.split('"', 1)[0] for v in block.split('value="')[1:] if "selected" in v.split(">", 1)[0]), None
    )
    return values, chosen


@pytest.mark.parametrize(("who", "level"), [("province_officer", "province"), ("central", "central")])
def test_the_round_form_starts_at_the_officers_level(cast, login, who, level):
    response = login(getattr(cast, who)).get(reverse("evaluation:round_create"))
    assert response.status_code == 200
    values, chosen = _level_select(response.content.decode())
    # district councils scored before the 2025 reform (2019 and 2023 versions); communes never score
    assert set(values) == {"central", "province", "district"}
    assert chosen == level
