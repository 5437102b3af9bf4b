"""The producer self-assesses a fresh-produce product on the 2023 sheet shipped (set 1.1), ties documents to
criteria, and submits; the help team checks the claims; the council reads them beside each criterion; after the
result the producer compares (issue 18). Refusals leave every row as it was."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from cycle_support import tea_company
from django.db import transaction
from state_support import nothing_changes

from ocop.accounts.models import RoleKind
from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict, Forbidden, Invalid, NotFound
from ocop.cycle import services as cycle
from ocop.cycle.models import Dossier, EvidenceTag
from ocop.evaluation import commune_criteria, selectors, services
from ocop.evaluation.models import PrecheckVerdict, SelfAssessment
from ocop.evaluation.services.self_assessment import REPORT_ITEM
from ocop.rubrics import engine
from ocop.rubrics.selectors import engine_version

from .conftest import person
from .self_support import (
    FRESH_SET,
    answers,
    concluded,
    document,
    fresh_dossier,
    fresh_sheet,
    scoring_round,
    submitted_self_assessment,
    through_commune,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(isolated_files):
    return isolated_files


@pytest.fixture
def dossier(cast):
    return fresh_dossier(cast)


@pytest.fixture
def helper(cast):
    return person("helper", "Đào Thị Giúp", RoleKind.HELP_TEAM, cast.province)


def test_a_draft_scores_as_the_council_would_and_says_what_is_unmet(cast, dossier):
    chosen = answers("least")
    assessment = services.self_assessment_save(
        actor=cast.producer_user, dossier=dossier, answers=chosen, expected_version=0
    )
    expected = engine.score_sheet(engine_version("2023"), FRESH_SET, chosen, legal_form="cooperative")
    assert assessment.total == expected.total
    assert assessment.eligible_stars == expected.eligible_stars
    assert assessment.status == "draft" and assessment.version == 1
    # A partial draft is fine; its lines are what was answered.
    partial = services.self_assessment_save(
        actor=cast.producer_user,
        dossier=dossier,
        answers={"1.1": "c"},
        notes={"1.1": "Vườn ở Vân Hà"},
        expected_version=1,
    )
    assert partial.total == Decimal(5)
    assert list(partial.lines.values_list("criterion", "option", "note")) == [("1.1", "c", "Vườn ở Vân Hà")]


def test_submitting_locks_it_and_the_report_fills_the_checklist_item(cast, dossier):
    assert not dossier.documents.filter(item=REPORT_ITEM).exists()
    assessment = submitted_self_assessment(cast, dossier)
    best = engine.score_sheet(engine_version("2023"), FRESH_SET, answers(), legal_form="cooperative")
    assert assessment.is_submitted and assessment.total == best.total
    report = dossier.documents.get(item=REPORT_ITEM, is_current=True)
    assert assessment.report_id == report.pk
    assert report.content_type == "application/pdf" and report.original_name.endswith(".pdf")
    with report.file.open("rb") as stream:
        assert stream.read(5) == b"%PDF-"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"self_assessment.submit", "dossier.document_upload"} <= actions
    # The checklist is complete: the dossier may now be submitted.
    with transaction.atomic():
        cycle.dossier_submit(actor=cast.producer_user, dossier=Dossier.objects.get(pk=dossier.pk))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils: scripts/system-deps.sh")
def test_the_report_names_the_product_and_the_claims(cast, dossier, tmp_path):
    cycle.document_criteria_set(
        actor=cast.producer_user, document=document(dossier, "raw_materials"), criteria=["1.1", "1.4"]
    )
    assessment = submitted_self_assessment(cast, dossier)
    path = tmp_path / "report.pdf"
    with assessment.report.file.open("rb") as stream:
        path.write_bytes(stream.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Vải thiều tươi Vân Hà" in text and "BÁO CÁO TỰ ĐÁNH GIÁ" in text
    assert "raw_materials.pdf" in text  # the evidence cited for 1.1
    assert "Tổng điểm tự đánh giá" in text


def test_a_submission_must_answer_every_criterion_and_stores_nothing_otherwise(cast, dossier):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.self_assessment_submit(
            actor=cast.producer_user, dossier=dossier, answers={"1.1": "c"}, expected_version=0
        )
    assert refused.value.code == "sheet_incomplete"


def test_a_changed_self_assessment_after_submission_is_refused(cast, dossier):
    submitted_self_assessment(cast, dossier)
    with nothing_changes(), pytest.raises(Conflict) as refused:
        services.self_assessment_save(
            actor=cast.producer_user, dossier=dossier, answers=answers("least"), expected_version=2
        )
    assert refused.value.code == "self_assessment_submitted"


def test_after_the_dossier_is_submitted_no_self_assessment_starts(cast, dossier):
    cycle.document_upload(
        actor=cast.producer_user,
        dossier=dossier,
        item=REPORT_ITEM,
        upload=__import__("cycle_support").upload("bao-cao.pdf", __import__("cycle_support").pdf_bytes()),
    )
    with transaction.atomic():
        cycle.dossier_submit(actor=cast.producer_user, dossier=Dossier.objects.get(pk=dossier.pk))
    with nothing_changes(), pytest.raises(Conflict) as refused:
        services.self_assessment_save(
            actor=cast.producer_user,
            dossier=Dossier.objects.get(pk=dossier.pk),
            answers={"1.1": "c"},
            expected_version=0,
        )
    assert refused.value.code == "self_assessment_dossier_submitted"


def test_another_producers_dossier_is_refused(cast, dossier):
    tea_company(cast)
    with nothing_changes(), pytest.raises(Forbidden) as refused:
        services.self_assessment_save(
            actor=cast.other_producer_user, dossier=dossier, answers={"1.1": "c"}, expected_version=0
        )
    assert refused.value.code == "self_assessment_not_yours"
    with pytest.raises(NotFound):  # the page's and the API's read: not found, as a missing dossier
        selectors.own_dossier_get(cast.other_producer_user, dossier.pk)


def test_an_option_not_on_the_sheet_is_refused(cast, dossier):
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.self_assessment_save(
            actor=cast.producer_user, dossier=dossier, answers={"1.1": "z"}, expected_version=0
        )
    assert refused.value.code == "option_not_on_sheet"
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.self_assessment_save(
            actor=cast.producer_user, dossier=dossier, answers={"99.9": "a"}, expected_version=0
        )
    assert refused.value.code == "criterion_not_on_sheet"


def test_a_stale_version_is_refused(cast, dossier):
    services.self_assessment_save(
        actor=cast.producer_user, dossier=dossier, answers={"1.1": "c"}, expected_version=0
    )
    with nothing_changes(), pytest.raises(Conflict) as refused:
        services.self_assessment_save(
            actor=cast.producer_user, dossier=dossier, answers={"1.1": "a"}, expected_version=0
        )
    assert refused.value.code == "stale_version"


# Evidence tied to criteria ----------------------------------------------------------------------------------


def test_documents_are_tied_to_criteria_of_the_sheet(cast, dossier):
    contract = document(dossier, "raw_materials")
    tags = cycle.document_criteria_set(actor=cast.producer_user, document=contract, criteria=["1.4", "1.1"])
    assert sorted(t.criterion for t in tags) == ["1.1", "1.4"]
    cycle.document_criteria_set(actor=cast.producer_user, document=contract, criteria=["1.4"])
    assert list(EvidenceTag.objects.values_list("criterion", flat=True)) == ["1.4"]
    assert AuditEvent.objects.filter(action="dossier.evidence_tag").count() == 2


def test_a_tag_to_a_criterion_not_on_the_sets_sheet_is_refused(cast, dossier):
    contract = document(dossier, "raw_materials")
    with nothing_changes(), pytest.raises(Invalid) as refused:
        cycle.document_criteria_set(actor=cast.producer_user, document=contract, criteria=["1.4", "8.1"])
    assert refused.value.code == "evidence_criterion_unknown"
    assert "8.1" in refused.value.message


def test_another_producer_cannot_tag_the_documents(cast, dossier):
    tea_company(cast)
    with nothing_changes(), pytest.raises(NotFound):
        cycle.document_criteria_set(
            actor=cast.other_producer_user, document=document(dossier, "raw_materials"), criteria=["1.4"]
        )


def test_a_claim_without_evidence_is_marked_for_the_help_team(cast, dossier):
    cycle.document_criteria_set(
        actor=cast.producer_user, document=document(dossier, "raw_materials"), criteria=["1.4"]
    )
    submitted_self_assessment(cast, dossier)
    claims = selectors.claims_of(dossier)
    assert claims["1.4"].evidence and not claims["1.4"].unbacked
    assert claims["1.2"].claimed and claims["1.2"].unbacked


# The help team ----------------------------------------------------------------------------------------------


def test_the_help_team_marks_a_claim_doubtful_and_the_council_reads_it(cast, dossier, helper):
    submitted_self_assessment(cast, dossier)
    dossier = through_commune(cast, dossier)
    assert list(selectors.precheck_dossiers_visible_to(helper)) == [dossier]
    note = services.precheck_record(
        actor=helper,
        dossier=dossier,
        criterion="4.1",
        verdict=PrecheckVerdict.DOUBTFUL,
        note="Hợp đồng siêu thị chưa đủ 6 tháng.",
    )
    assert note.get_verdict_display() == "Còn nghi vấn"
    # Checking the same criterion again replaces the first check.
    services.precheck_record(
        actor=helper,
        dossier=dossier,
        criterion="4.1",
        verdict=PrecheckVerdict.MISSING,
        note="Thiếu hợp đồng.",
    )
    assert selectors.claims_of(dossier)["4.1"].precheck.verdict == PrecheckVerdict.MISSING
    # Nothing of it counts: the council's sheets score as before.
    round_dossier = scoring_round(cast, dossier)
    best = answers()
    result = concluded(cast, round_dossier, {cast.council1: best, cast.council2: best, cast.council3: best})
    expected = engine.score_sheet(engine_version("2023"), FRESH_SET, best, legal_form="cooperative")
    assert result.mean_score == expected.total


def test_the_help_team_is_refused_outside_its_province_and_before_submission(cast, dossier, helper):
    other = person("helper_hn", "Hà Giúp", RoleKind.HELP_TEAM, cast.other_province)
    with nothing_changes(), pytest.raises(Invalid) as refused:  # nothing claimed yet
        services.precheck_record(actor=helper, dossier=dossier, criterion="4.1", verdict="confirmed")
    assert refused.value.code == "precheck_not_ready"
    submitted_self_assessment(cast, dossier)
    dossier = through_commune(cast, dossier)
    with nothing_changes(), pytest.raises(Forbidden) as refused:
        services.precheck_record(actor=other, dossier=dossier, criterion="4.1", verdict="confirmed")
    assert refused.value.code == "precheck_forbidden"
    with nothing_changes(), pytest.raises(Forbidden):  # a council member is not the help team
        services.precheck_record(actor=cast.council1, dossier=dossier, criterion="4.1", verdict="confirmed")
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.precheck_record(actor=helper, dossier=dossier, criterion="8.1", verdict="doubtful", note="x")
    assert refused.value.code == "criterion_not_on_sheet"
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.precheck_record(actor=helper, dossier=dossier, criterion="4.1", verdict="doubtful")
    assert refused.value.code == "precheck_note_required"
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.precheck_record(actor=helper, dossier=dossier, criterion="4.1", verdict="maybe", note="x")
    assert refused.value.code == "precheck_verdict_invalid"
    assert selectors.precheck_dossiers_visible_to(other).count() == 0


def test_after_the_result_the_help_team_no_longer_checks(cast, dossier, helper):
    submitted_self_assessment(cast, dossier)
    dossier = through_commune(cast, dossier)
    best = answers()
    concluded(
        cast, scoring_round(cast, dossier), {cast.council1: best, cast.council2: best, cast.council3: best}
    )
    with nothing_changes(), pytest.raises(Conflict) as refused:
        services.precheck_record(actor=helper, dossier=dossier, criterion="4.1", verdict="confirmed")
    assert refused.value.code == "precheck_too_late"


# The commune's four criteria (Decision 1489) and the comparison -----------------------------------------------


def test_the_communes_assessment_sits_beside_its_criteria(cast, dossier):
    submitted_self_assessment(cast, dossier)
    words = {
        "Nguồn gốc sản phẩm, nguyên liệu địa phương": "100% vải trồng tại Vân Hà.",
        "Sử dụng lao động địa phương": "35 lao động người địa phương.",
        "Nguồn gốc ý tưởng sản phẩm": "Sản phẩm truyền thống.",
        "Bản sắc, trí tuệ địa phương": "Gắn với lễ hội vải thiều.",
    }
    dossier = through_commune(cast, dossier, assessment=words)
    claims = selectors.claims_of(dossier)
    assert claims["1.1"].commune == [
        ("Nguồn gốc sản phẩm, nguyên liệu địa phương", "100% vải trồng tại Vân Hà.")
    ]
    assert claims["3.3"].commune[0][1] == "35 lao động người địa phương."
    assert claims["2.1"].commune and claims["5.2"].commune


def test_the_commune_mapping_names_the_versions_contents_and_criteria_of_the_sheet():
    version = engine_version("2023")
    assessed = {item for period in version.duties for duty in period.levels for item in duty.assesses}
    for product_set, contents in commune_criteria.mapping()["2023"].items():
        sheet = engine.sheet_for(version, product_set)
        assert set(contents) == assessed
        assert all(sheet.criterion(code) is not None for code in contents.values())


def test_after_the_result_the_producer_compares_criterion_by_criterion(cast, dossier):
    submitted_self_assessment(cast, dossier)  # the best option everywhere
    dossier = through_commune(cast, dossier)
    best, lower = answers(), answers(**{"4.1": "a"})
    result = concluded(
        cast, scoring_round(cast, dossier), {cast.council1: best, cast.council2: lower, cast.council3: lower}
    )
    comparison = selectors.self_comparison(result)
    rows = {row.code: row for row in comparison["rows"]}
    assert len(rows) == len(fresh_sheet().criteria)
    assert rows["4.1"].own == Decimal(5)
    assert rows["4.1"].council < rows["4.1"].own and rows["4.1"].difference < 0
    assert rows["1.1"].difference == 0
    assert comparison["council_total"] == result.mean_score


def test_no_comparison_without_a_submitted_self_assessment(cast, dossier):
    cycle.document_upload(
        actor=cast.producer_user,
        dossier=dossier,
        item=REPORT_ITEM,
        upload=__import__("cycle_support").upload("bao-cao.pdf", __import__("cycle_support").pdf_bytes()),
    )
    dossier = through_commune(cast, dossier)
    best = answers()
    result = concluded(
        cast, scoring_round(cast, dossier), {cast.council1: best, cast.council2: best, cast.council3: best}
    )
    assert selectors.self_comparison(result) is None
    assert not SelfAssessment.objects.exists()
