"""Each level of a version names the kind of unit that acts at it (`unit_level`, issue 14): the one place the
code learns that `central` is the country. A frozen version loaded before the field existed gains it through
`load_rubrics` (as `make demo` runs it on an existing database); once there it is frozen like the rest."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.audit.models import AuditEvent
from ocop.rubrics import models as m
from ocop.rubrics.freeze import added_fields, frozen_changes
from ocop.rubrics.issues import RubricFileInvalid
from ocop.rubrics.loader import parse_version
from ocop.rubrics.selectors import engine_version
from ocop.rubrics.services import rubric_version_freeze, rubric_version_load

from .helpers import raw, version


def without_unit_levels(data: dict) -> dict:
    for level in data["levels"]:
        level.pop("unit_level", None)
    return data


def test_the_shipped_versions_say_which_unit_acts_at_each_level():
    for code in ("2019", "2023"):
        shipped = version(code)
        assert {lv.code: lv.unit for lv in shipped.levels} == {
            "commune": "commune",
            "district": "district",
            "province": "province",
            "central": "country",
        }
        assert shipped.level_of_unit("country") == "central"
        assert shipped.unit_level("central") == "country"
        assert shipped.level_of_unit("ward") is None


def test_a_level_without_unit_level_acts_at_the_unit_of_its_own_name():
    older = parse_version(without_unit_levels(raw("2023")))
    assert older.unit_level("province") == "province"
    assert older.level_of_unit("country") is None  # nothing says the country acts at `central`


def test_two_levels_acting_at_the_same_kind_of_unit_are_refused():
    data = raw("2023")
    data["levels"][3]["unit_level"] = "province"
    with pytest.raises(RubricFileInvalid) as refused:
        parse_version(data)
    assert [i.code for i in refused.value.issues] == ["duplicate_code"]
    assert ("level", "central") in refused.value.issues[0].place


def test_only_adding_a_missing_unit_level_passes_a_frozen_version():
    old, new = without_unit_levels(raw("2023")), raw("2023")
    assert frozen_changes(old, new, version="2023", scored={}) == []
    assert added_fields(old, new) == [f"levels[{i}].unit_level" for i in range(4)]

    changed = raw("2023")
    changed["levels"][3]["unit_level"] = "province"
    assert [i.params["field"] for i in frozen_changes(new, changed, version="2023", scored={})] == ["levels"]
    assert added_fields(new, changed) == []

    renamed = raw("2023")
    renamed["levels"][3]["name"] = "Cấp quốc gia"  # added with another change: not only an addition
    assert [i.params["field"] for i in frozen_changes(old, renamed, version="2023", scored={})] == ["levels"]


@pytest.mark.django_db
def test_load_rubrics_gives_a_frozen_version_its_unit_levels_and_then_keeps_them(tmp_path, capsys):
    row = m.RubricVersion.objects.get(code="2023")
    rubric_version_load(actor=None, data=without_unit_levels(raw("2023")), source="2023.yaml")
    rubric_version_freeze(actor=None, version=row, reason="Phiếu đầu tiên")
    assert engine_version("2023").level_of_unit("country") is None

    call_command("load_rubrics", verbosity=0)

    assert engine_version("2023").level_of_unit("country") == "central"
    event = AuditEvent.objects.filter(action="rubric_version.updated").latest("id")
    assert event.data["frozen"] and event.data["added_fields"] == [
        f"levels[{i}].unit_level" for i in range(4)
    ]
    loaded = m.RubricVersionContent.objects.get(version=row)

    data = raw("2023")
    data["levels"][3]["unit_level"] = "province"
    data["levels"][2]["unit_level"] = "country"
    path = tmp_path / "2023.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_rubrics", str(path), verbosity=0)
    assert "«levels»" in capsys.readouterr().err
    assert m.RubricVersionContent.objects.get(version=row).fingerprint == loaded.fingerprint
    assert engine_version("2023").level_of_unit("country") == "central"
