"""Paper-sheet mode (issue 12): a product set whose rubric version has no digital sheet is scored from the
part totals of each member's paper sheet, with its scan; the member enters it or the secretary for them.

The shipped 2023 version has no digital sheet for set 2.2 (honey), so these scenes use it as shipped.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.evaluation import services
from ocop.evaluation.models import EvaluationStatus, ScoreSheet, ScoreSheetRevision, SheetMode, SheetStatus
from ocop.rubrics.models import RubricVersion
from ocop.rubrics.selectors import has_sheet, sheet_mode
from tests.state_support import nothing_changes

from . import conftest
from .conftest import load_test_rubric, pdf

pytestmark = pytest.mark.django_db

PARTS_A = {"A": "35", "B": "20", "C": "30"}  # 85
PARTS_B = {"A": "32,5", "B": "21", "C": "27"}  # 80.5 (a decimal comma, as Vietnamese write it)
PARTS_C = {"A": "30", "B": "20", "C": "25.25"}  # 75.25


@pytest.fixture
def paper(cast, monkeypatch) -> conftest.Scene:
    """The evaluation story on the shipped 2023 version: set 2.2 has no digital sheet."""
    monkeypatch.setattr(conftest, "load_test_rubric", lambda: RubricVersion.objects.get(code="2023"))
    return conftest.build_scene(cast)


def enter(scene, actor, parts, *, submit=True, scan=True, version=0, on_behalf_of=None):
    call = services.sheet_paper_submit if submit else services.sheet_paper_save
    return call(
        actor=actor,
        round_dossier=scene.round_dossier,
        parts=parts,
        expected_version=version,
        scan=pdf("phieu-giay.pdf") if scan else None,
        on_behalf_of=on_behalf_of,
    )


def test_the_shipped_2023_version_has_no_sheet_for_honey_and_the_test_one_does(paper):
    assert not has_sheet(paper.rubric, "2.2")
    assert sheet_mode(paper.rubric, "2.2") == "paper"
    load_test_rubric()
    assert has_sheet(RubricVersion.objects.get(code="2023"), "2.2")


def test_three_paper_sheets_give_the_council_result_stars_and_the_paper_explanation(paper, cast):
    enter(paper, cast.council1, PARTS_A)
    # The secretary enters council3's paper sheet for them: recorded as such.
    sheet = enter(paper, cast.council2, PARTS_C, on_behalf_of=cast.council3)
    assert sheet.member.user == cast.council3 and sheet.entered_by == cast.council2
    enter(paper, cast.council2, PARTS_B)
    done = services.council_result_compute(actor=cast.province_officer, round_dossier=paper.round_dossier)
    assert done.status == EvaluationStatus.SCORED
    assert done.mean_score == Decimal("80.25")  # (85 + 80.5 + 75.25) / 3
    assert done.band_stars == 4 and done.recognised_stars == 4
    assert done.explanation["mode"] == "paper"
    assert done.explanation["parts"] == {"A": "32.5", "B": "20.33", "C": "27.42"}
    assert any("không kiểm tra được các tiêu chí bắt buộc" in line for line in done.explanation["lines"])
    assert any("không thể tư vấn theo từng tiêu chí" in line for line in done.explanation["lines"])
    events = AuditEvent.objects.filter(action="sheet.submit").order_by("id")
    assert [e.data["entered_by"] for e in events] == ["council1", "council2", "council2"]
    assert [e.data["member"] for e in events] == ["council1", "council3", "council2"]


def test_a_paper_sheet_is_saved_then_submitted_with_revisions_and_versions(paper, cast):
    draft = enter(paper, cast.council1, PARTS_A, submit=False, scan=False)
    assert draft.status == SheetStatus.DRAFT and draft.mode == SheetMode.PAPER and draft.total == 85
    with nothing_changes(), pytest.raises(Conflict) as stale:
        enter(paper, cast.council1, PARTS_B, submit=False, version=0)
    assert stale.value.code == "stale_version"
    submitted = enter(paper, cast.council1, PARTS_B, version=draft.version)
    assert submitted.status == SheetStatus.SUBMITTED and submitted.total == Decimal("80.5")
    assert submitted.scan_sha256 and submitted.scan_name == "phieu-giay.pdf"
    assert ScoreSheetRevision.objects.filter(sheet=submitted).count() == 2
    with nothing_changes(), pytest.raises(Conflict) as again:
        enter(paper, cast.council1, PARTS_A, version=submitted.version)
    assert again.value.code == "sheet_already_submitted"
    assert paper.refresh().running_mean == Decimal("80.5")


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        ({"A": "41", "B": "20", "C": "30"}, "paper_part_out_of_range"),
        ({"A": "-1", "B": "20", "C": "30"}, "paper_part_out_of_range"),
        ({"A": "ba mươi", "B": "20", "C": "30"}, "paper_part_not_number"),
        ({"A": "NaN", "B": "20", "C": "30"}, "paper_part_not_number"),
        ({"A": "30", "B": "20"}, "paper_part_missing"),
        ({"A": "30", "B": "20", "C": "30", "D": "1"}, "paper_part_unknown"),
        ({"A": "30.125", "B": "20", "C": "30"}, "paper_part_precision"),
    ],
)
def test_bad_part_totals_are_refused_in_vietnamese_and_nothing_is_stored(paper, cast, parts, code):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        enter(paper, cast.council1, parts)
    assert refused.value.code == code
    assert "phần" in str(refused.value.message).lower()
    assert not ScoreSheet.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="sheet.").exists()


def test_a_paper_sheet_without_its_scan_is_not_submitted(paper, cast):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        enter(paper, cast.council1, PARTS_A, scan=False)
    assert refused.value.code == "paper_scan_missing"
    assert "bản quét" in str(refused.value.message)
    assert not ScoreSheet.objects.exists()


def test_a_scan_that_is_not_a_pdf_or_image_is_refused(paper, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.sheet_paper_submit(
            actor=cast.council1,
            round_dossier=paper.round_dossier,
            parts=PARTS_A,
            expected_version=0,
            scan=SimpleUploadedFile("phieu.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        )
    assert refused.value.code.startswith("file_")
    assert not ScoreSheet.objects.exists()


def test_the_secretary_may_not_enter_for_a_non_member(paper, cast):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        enter(paper, cast.council2, PARTS_A, on_behalf_of=cast.province_officer)
    assert refused.value.code == "not_a_member"
    assert not ScoreSheet.objects.exists()


@pytest.mark.parametrize("who", ["council1", "council3"])
def test_a_member_who_is_not_the_secretary_may_not_enter_for_someone_else(paper, cast, who):
    with nothing_changes(), pytest.raises(Forbidden) as refused:
        enter(paper, getattr(cast, who), PARTS_A, on_behalf_of=cast.council2)
    assert refused.value.code == "paper_on_behalf_forbidden"
    assert "Thư ký" in str(refused.value.message)
    assert not ScoreSheet.objects.exists()


def test_a_digital_save_on_a_set_without_sheet_says_to_enter_the_paper_sheet(paper, cast):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.sheet_save_draft(
            actor=cast.council1, round_dossier=paper.round_dossier, answers={"1.1": "a"}, expected_version=0
        )
    assert refused.value.code == "sheet_not_loaded"
    assert "phiếu giấy" in str(refused.value.message)
    assert not ScoreSheet.objects.exists()


def test_a_paper_sheet_is_refused_when_the_set_has_a_digital_sheet(scene, cast):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        enter(scene, cast.council1, PARTS_A)
    assert refused.value.code == "sheet_is_digital"
    assert not ScoreSheet.objects.exists()
