"""A version in force still accepts the sheets it lacks (issue 12): once 2023 is frozen by a paper score on
set 2.2 (honey, no digital sheet), a sheet for a set never scored (3.1) is added through the import and
through `load_rubrics`; a sheet for 2.2, a replaced sheet or a changed band is refused, naming what changed,
and nothing is written."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.audit.models import AuditEvent
from ocop.rubrics import models as m
from ocop.rubrics.issues import RubricFileInvalid
from ocop.rubrics.selectors import engine_version, sheet_mode
from ocop.rubrics.services import (
    rubric_sheet_import_apply,
    rubric_sheet_import_preview,
    rubric_version_freeze,
    rubric_version_load,
)
from tests.evaluation import conftest as evaluation
from tests.evaluation.conftest import pdf

from .helpers import raw, synthetic
from .test_sheet_import import rows_of, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORT = "/rubrics/2023/import/"
PAGE = "/rubrics/missing-sheets/"


@pytest.fixture
def honey_on_paper(cast, monkeypatch):
    """2023 as shipped, frozen by one member's paper sheet on set 2.2."""
    monkeypatch.setattr(evaluation, "load_test_rubric", lambda: m.RubricVersion.objects.get(code="2023"))
    scene = evaluation.build_scene(cast)
    from ocop.evaluation import services

    services.sheet_paper_save(
        actor=cast.council1,
        round_dossier=scene.round_dossier,
        parts={"A": "30", "B": "20", "C": "25"},
        expected_version=0,
        scan=pdf("phieu-giay.pdf"),
        on_behalf_of=None,
    )
    version = m.RubricVersion.objects.get(code="2023")
    assert version.frozen
    return version


def _sheet_file() -> bytes:
    return xlsx_bytes(rows_of(synthetic(), "1.1"))  # a 2023-shaped sheet (A40/B25/C35)


def _state(version: m.RubricVersion) -> tuple:
    content = m.RubricVersionContent.objects.get(version=version)
    return (
        content.fingerprint,
        sorted(m.Sheet.objects.filter(version=version).values_list("product_set__code", flat=True)),
        AuditEvent.objects.filter(action__startswith="rubric").count(),
    )


def test_a_frozen_version_takes_a_sheet_for_a_set_never_scored(honey_on_paper, cast):
    preview = rubric_sheet_import_preview(
        actor=cast.central,
        version=honey_on_paper,
        product_set="3.1",
        content=_sheet_file(),
        filename="3.1.xlsx",
    )
    assert preview.ok and [i.code for i in preview.issues][:1] == ["frozen_sheet_added"]
    result = rubric_sheet_import_apply(
        actor=cast.central,
        version=honey_on_paper,
        product_set="3.1",
        content=_sheet_file(),
        filename="3.1.xlsx",
    )
    assert result.outcome == "updated"
    assert m.Sheet.objects.filter(version=honey_on_paper, product_set__code="3.1").exists()
    assert engine_version("2023").sheet("3.1") is not None
    assert engine_version("2023").sheet("1.1") is not None  # the shipped sheet is untouched
    assert sheet_mode(honey_on_paper, "2.2") == "paper"
    event = AuditEvent.objects.filter(action="rubric_version.updated").latest("pk")
    assert event.data["added_sheets"] == ["3.1"]


def test_a_set_scored_on_paper_keeps_paper_mode_and_nothing_changes(honey_on_paper, cast):
    before = _state(honey_on_paper)
    preview = rubric_sheet_import_preview(
        actor=cast.central,
        version=honey_on_paper,
        product_set="2.2",
        content=_sheet_file(),
        filename="2.2.xlsx",
    )
    assert not preview.ok
    codes = [i.code for i in preview.issues]
    assert "frozen_set_paper" in codes
    assert "giữ chế độ phiếu giấy" in " ".join(i.describe("vi") for i in preview.issues)
    with pytest.raises(RubricFileInvalid) as refused:
        rubric_sheet_import_apply(
            actor=cast.central,
            version=honey_on_paper,
            product_set="2.2",
            content=_sheet_file(),
            filename="2.2.xlsx",
        )
    assert "frozen_set_paper" in [i.code for i in refused.value.issues]
    assert _state(honey_on_paper) == before
    assert sheet_mode(honey_on_paper, "2.2") == "paper"


def test_the_shipped_sheet_of_a_frozen_version_cannot_be_replaced(honey_on_paper, cast):
    before = _state(honey_on_paper)
    with pytest.raises(RubricFileInvalid) as refused:
        rubric_sheet_import_apply(
            actor=cast.central,
            version=honey_on_paper,
            product_set="1.1",
            content=_sheet_file(),
            filename="1.1.xlsx",
        )
    assert "frozen_sheet_changed" in [i.code for i in refused.value.issues]
    assert _state(honey_on_paper) == before


def test_a_changed_band_is_refused_and_named_even_beside_an_added_sheet(honey_on_paper):
    before = _state(honey_on_paper)
    data = raw("2023")
    data["bands"][1]["to"] = data["bands"][1]["to"] + 1
    data["bands"][2]["from"] = data["bands"][2]["from"] + 1
    data["sheets"].append({**synthetic().data["sheets"][0], "product_set": "3.1"})
    with pytest.raises(RubricFileInvalid) as refused:
        rubric_version_load(actor=None, data=data, source="2023.yaml")
    issues = refused.value.issues
    assert [(i.code, i.params.get("field")) for i in issues] == [
        ("version_frozen", None),
        ("frozen_field_changed", "bands"),
    ]
    assert "«bands»" in issues[1].describe("vi")
    assert _state(honey_on_paper) == before


def test_load_rubrics_adds_the_shipped_sheet_to_a_frozen_version_that_lacks_it(cast):
    version = m.RubricVersion.objects.get(code="2023")
    older = raw("2023")  # the database of an earlier install: 2023 without the 1.1 sheet, then used
    older["sheets"] = []
    rubric_version_load(actor=None, data=older, source="2023.yaml")
    rubric_version_freeze(actor=None, version=version, reason="Phiếu đầu tiên")
    assert not m.Sheet.objects.filter(version=version).exists()
    call_command("load_rubrics", verbosity=0)
    assert list(m.Sheet.objects.filter(version=version).values_list("product_set__code", flat=True)) == [
        "1.1"
    ]
    assert engine_version("2023").sheet("1.1") is not None
    call_command("load_rubrics", verbosity=0)  # loading again: unchanged, still no error


def test_load_rubrics_refuses_a_frozen_version_whose_file_changed_and_names_it(tmp_path, capsys):
    version = m.RubricVersion.objects.get(code="2023")
    rubric_version_freeze(actor=None, version=version, reason="Phiếu đầu tiên")
    data = raw("2023")
    data["parts"][0]["name"] = "Phần A đổi tên"
    path = tmp_path / "2023.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_rubrics", str(path), verbosity=0)
    assert "«parts»" in capsys.readouterr().err
    assert m.Part.objects.get(version=version, code="A").name != "Phần A đổi tên"


def test_the_pages_say_which_sets_can_still_take_a_sheet(honey_on_paper, cast, login):
    officer = login(cast.central)
    html = officer.get(PAGE).content.decode()
    assert 'id="frozen-note"' in html
    assert 'data-set="2.2" data-addition="paper"' in html
    assert 'data-set="3.1" data-addition="open"' in html
    page = officer.get(IMPORT)
    assert page.status_code == 200 and 'id="frozen-note"' in page.content.decode()
    detail = officer.get("/rubrics/2023/").content.decode()
    assert 'href="/rubrics/2023/import/"' in detail
