"""Loading rubric versions into tables: validated first, all or nothing, idempotent, frozen once used."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.audit.models import AuditEvent
from ocop.rubrics import models as m
from ocop.rubrics.issues import RubricFileInvalid
from ocop.rubrics.selectors import engine_version, version_in_force
from ocop.rubrics.services import rubric_version_freeze, rubric_version_load, rubric_versions_load

from .helpers import DATA, criterion_data, raw

pytestmark = pytest.mark.django_db


def test_the_shipped_versions_are_in_the_tables():
    v2019 = m.RubricVersion.objects.get(code="2019")
    assert v2019.decision == "1048/QĐ-TTg"
    assert m.ProductSet.objects.filter(version=v2019).count() == 26
    assert m.TaxonNode.objects.filter(version=v2019, level=m.TaxonLevel.GROUP).count() == 6
    assert m.TaxonNode.objects.filter(version=v2019, level=m.TaxonLevel.SUBGROUP).count() == 16
    drinks = m.Sheet.objects.get(version=v2019, product_set__code="8.2")
    assert drinks.criteria.count() == 29
    assert m.Option.objects.filter(criterion__sheet=drinks).count() == 104
    assert list(
        m.Gate.objects.filter(criterion__sheet=drinks).values_list("code", flat=True).order_by("code")
    ) == [
        "dung-6.1",
        "dung-9",
        "loai-1.1",
    ]
    story = drinks.criteria.get(code="5.2")
    assert (story.applies_when.code, story.applies_min_points) == ("5.1", 1)
    v2023 = m.RubricVersion.objects.get(code="2023")
    assert m.TaxonNode.objects.filter(version=v2023, level=m.TaxonLevel.SUBGROUP).count() == 17
    fresh = m.Sheet.objects.get(version=v2023)  # the one shipped sheet of 2023: fresh produce (1.1)
    assert fresh.product_set.code == "1.1"
    assert fresh.criteria.count() == 32
    assert m.MandatoryCriterion.objects.filter(sheet=fresh).count() == 22
    assert [(p.code, int(p.max_points)) for p in m.Part.objects.filter(version=v2023)] == [
        ("A", 40),
        ("B", 25),
        ("C", 35),
    ]
    fresh_produce = m.ProductSet.objects.get(version=v2023, code="1.1")
    assert (fresh_produce.group.code, fresh_produce.subgroup.code) == ("I", "1")


def test_loading_again_changes_nothing():
    before = {row.code: row.pk for row in m.Criterion.objects.all()}
    events = AuditEvent.objects.count()
    results = rubric_versions_load(actor=None)
    assert [(r.code, r.outcome) for r in results] == [("2019", "unchanged"), ("2023", "unchanged")]
    assert {row.code: row.pk for row in m.Criterion.objects.all()} == before
    assert AuditEvent.objects.count() == events


def test_a_changed_file_updates_the_version_and_keeps_product_set_ids():
    product_set_ids = dict(m.ProductSet.objects.filter(version__code="2019").values_list("code", "pk"))
    data = raw("2019")
    criterion_data(data, "1.1", "1.1")["note"] = "Ghi chú mới"
    result = rubric_version_load(actor=None, data=data, source="2019.yaml")
    assert result.outcome == "updated"
    assert (
        m.Criterion.objects.get(sheet__product_set__code="1.1", sheet__version__code="2019", code="1.1").note
        == "Ghi chú mới"
    )
    assert (
        dict(m.ProductSet.objects.filter(version__code="2019").values_list("code", "pk")) == product_set_ids
    )
    assert engine_version("2019").sheet("1.1").criterion("1.1").note == "Ghi chú mới"
    assert AuditEvent.objects.filter(action="rubric_version.updated").count() == 1


def test_a_broken_file_loads_nothing_not_even_the_good_files(tmp_path):
    good = raw("2023")
    good["code"] = "2026"
    good["effective_from"] = "2026-05-22"
    good["duties"] = [good["duties"][1] | {"from": "2026-05-22"}]
    broken = raw("2023")
    broken["code"] = "2027"
    broken["bands"][1]["to"] = 45
    paths = []
    for name, data in (("2026.yaml", good), ("2027.yaml", broken)):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    with pytest.raises(RubricFileInvalid) as excinfo:
        rubric_versions_load(actor=None, paths=paths)
    assert [(i.code, i.where("en")) for i in excinfo.value.issues] == [
        ("band_gap", "file 2027.yaml › band 3")
    ]
    assert not m.RubricVersion.objects.filter(code__in=["2026", "2027"]).exists()
    rubric_versions_load(actor=None, paths=paths[:1])
    assert m.RubricVersion.objects.get(code="2026").effective_from.isoformat() == "2026-05-22"


def test_a_frozen_version_cannot_change():
    version = m.RubricVersion.objects.get(code="2019")
    rubric_version_freeze(actor=None, version=version, reason="Phiếu đầu tiên đã chấm theo phiên bản này")
    data = raw("2019")
    criterion_data(data, "1.1", "1.1")["options"][0]["text"] = "Sửa sau khi đã chấm"
    with pytest.raises(RubricFileInvalid) as excinfo:
        rubric_version_load(actor=None, data=data)
    assert excinfo.value.code == "version_frozen"
    assert m.Option.objects.get(
        criterion__sheet__version=version,
        criterion__sheet__product_set__code="1.1",
        criterion__code="1.1",
        code="a",
    ).text.startswith("Sử dụng")
    assert rubric_version_load(actor=None, data=raw("2019")).outcome == "unchanged"  # same content is fine


def test_the_version_in_force_follows_the_dates():
    assert version_in_force(__import__("datetime").date(2021, 6, 1)).code == "2019"
    assert version_in_force(__import__("datetime").date(2023, 2, 24)).code == "2023"
    assert version_in_force(__import__("datetime").date(2019, 1, 1)) is None


def test_the_load_command_lists_every_error_and_fails(tmp_path, capsys):
    data = raw("2019")
    criterion_data(data, "8.2", "4.1")["options"][0]["points"] = 7
    data["bands"][0]["from"] = 1
    path = tmp_path / "hong.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("rubric", "load", str(path))
    err = capsys.readouterr().err
    assert "tệp hong.yaml › hạng 1: Hạng thấp nhất phải bắt đầu từ 0, đang là 1." in err
    assert "tệp hong.yaml › phiếu 8.2 › tiêu chí 4.1 › lựa chọn a" in err


def test_the_validate_command_accepts_the_shipped_files(capsys):
    call_command("rubric", "validate", str(DATA / "2019.yaml"))
    assert "Hợp lệ." in capsys.readouterr().out


def test_the_classify_command_prints_the_api_answer(capsys):
    call_command("classify", "2023", "--total", "90", "--level", "province", "--date", "2025-08-01")
    out = capsys.readouterr().out
    assert '"recognised_stars": 4' in out and '"forward_to": "central"' in out
