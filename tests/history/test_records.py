"""Past recognitions become records (issue 15, item 1): producers, products, paper decisions and certificates,
matched or created; a file with any error is refused whole; undo removes exactly what the batch created."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ocop.catalog.models import CatalogEntry
from ocop.certification import qr
from ocop.certification.models import (
    Certificate,
    CertificateStatus,
    Origin,
    RecognitionDecision,
)
from ocop.certification.selectors import certificate_verify
from ocop.core.errors import Conflict, Invalid
from ocop.cycle.services import dossier_create
from ocop.history import services
from ocop.history.models import HistoryUpload, ImportedRow
from ocop.producers.models import Producer, ProducerStatus
from ocop.producers.services import producer_create, producer_member_add
from ocop.products.models import Product
from ocop.products.services import product_update
from ocop.rubrics.models import HistoryImport, ProductSet
from tests.state_support import nothing_changes

from .support import apply_file, csv, recognise_again, row

pytestmark = pytest.mark.django_db

VAN_HA = "xã Vân Hà, huyện Việt Yên, tỉnh Bắc Giang"


def _codes(upload: HistoryUpload) -> list[list[str]]:
    return [[p["code"] for p in r["problems"] if p["severity"] == "error"] for r in upload.rows]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Apply a file as the officer would (upload, start; the background run goes inline after the commit)."""

    def _run(actor, content, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            upload = apply_file(actor, content, **kwargs)
        upload.refresh_from_db()
        assert upload.status == "applied", upload.error
        return upload

    return _run


def test_lists_find_the_imported_certificate_under_the_unit_of_its_time_and_of_today(cast, run, login):
    """Issue 15 item 4: the officer filters the certificates by "Bắc Giang (cũ)" or by Bắc Ninh and finds the
    paper certificate either way; its row shows today's place beside the commune of the decision's time."""
    from ocop.geo.models import AdminUnit, Era, Level
    from tests.core.test_officer_lists import csv_rows

    run(
        cast.province_officer,
        csv(row("Vải thiều Lục Ngạn", "HTX Vân Hà", VAN_HA, stars=4, number="BG-2021-0012")),
    )
    old_province = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, short_name="Bắc Giang")
    old_commune = Certificate.objects.get().producer_unit
    assert (old_commune.era, old_commune.name) == (Era.LEGACY, "Xã Vân Hà")
    client = login(cast.province_officer)
    for unit in (old_province, cast.province):
        rows = csv_rows(client.get("/certificates/", {"unit": unit.pk, "format": "csv"}))
        header, found = rows[0], rows[1:]
        assert [r[header.index("Số")] for r in found] == ["BG-2021-0012"], unit
        assert found[0][header.index("Địa bàn thời đó")] == "Xã Vân Hà, Bắc Giang (cũ)"
        assert "Bắc Ninh" in found[0][header.index("Địa bàn hiện nay")]
        decisions = csv_rows(client.get("/certificates/decisions/", {"unit": unit.pk, "format": "csv"}))
        assert [r[0] for r in decisions[1:]] == ["1234/QĐ-UBND"], unit
    other = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, short_name="Hà Giang")
    assert csv_rows(client.get("/certificates/", {"unit": other.pk, "format": "csv"}))[1:] == []


def test_a_row_becomes_a_producer_a_product_a_paper_decision_and_a_signed_certificate(cast, run):
    upload = run(
        cast.province_officer,
        csv(row("Vải thiều Lục Ngạn", "HTX Vân Hà", VAN_HA, stars=4, number="BG-2021-0012")),
    )
    certificate = Certificate.objects.select_related("decision", "product__producer__unit").get()
    producer = certificate.product.producer
    assert (producer.name, producer.legal_form, producer.status) == (
        "HTX Vân Hà",
        "cooperative",
        ProducerStatus.PENDING,
    )
    assert producer.unit.era == "current" and producer.unit.current_province == cast.province  # today's map
    assert (certificate.number, certificate.stars, certificate.origin) == ("BG-2021-0012", 4, Origin.PAPER)
    assert (certificate.issued_on, certificate.valid_until) == (
        datetime.date(2021, 8, 21),
        datetime.date(2024, 8, 20),
    )
    assert certificate.effective_status() == "expired"  # status from the dates
    assert certificate.producer_place == "Xã Vân Hà, Thị Xã Việt Yên, Tỉnh Bắc Giang"  # the unit of its time
    decision = certificate.decision
    assert (decision.origin, decision.status, decision.issuing_level, decision.issuer_name) == (
        Origin.PAPER,
        "approved",
        "province",
        "Tỉnh Bắc Giang",
    )
    assert decision.authority.unit == cast.province  # kept by the province it merged into
    # The QR is signed with the province's key and verifies.
    claim, _signature = qr.unpack(certificate.qr_payload)
    assert (claim.number, claim.stars, claim.key_id) == ("BG-2021-0012", 4, certificate.key.key_id)
    assert certificate.key.authority.unit == cast.province
    result, found = certificate_verify(certificate.qr_payload)
    assert (result.genuine, found) == (True, certificate)
    assert certificate.paper_note == (
        "Ghi nhận từ quyết định 1234/QĐ-UBND ngày 21/08/2021, cấp bằng giấy (không do hệ thống OCOP cấp)."
    )
    # In the catalogue index (the reindex task ran after the commit), with stars and expiry.
    entry = CatalogEntry.objects.get(product=certificate.product)
    assert (entry.stars, entry.certificate_valid_until, entry.certificate_number) == (
        4,
        datetime.date(2024, 8, 20),
        "BG-2021-0012",
    )
    assert upload.batch.records.get().producer_created


def test_without_a_printed_number_one_is_generated_apart_from_ocops(cast, run):
    run(
        cast.province_officer,
        csv(row("Vải thiều", "HTX Vân Hà", VAN_HA), row("Chè", "HTX Vân Hà", VAN_HA, product_set="5.1")),
    )
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    code = Certificate.objects.first().authority.code
    assert numbers == [f"{code}-P2021-00001", f"{code}-P2021-00002"]
    # Two products of one producer and one decision: one producer, one decision.
    assert Producer.objects.filter(name="HTX Vân Hà").count() == 1
    assert RecognitionDecision.objects.filter(origin=Origin.PAPER).count() == 1


def test_a_producer_is_matched_by_tax_code_then_by_name_in_todays_commune(cast, run):
    by_tax = producer_create(
        actor=cast.commune_officer,
        unit=cast.commune,
        name="Công ty TNHH Mật ong Bắc",
        legal_form="enterprise",
        tax_code="2400999999",
    )
    by_name = producer_create(
        actor=cast.commune_officer,
        unit=cast.commune,
        name="HTX Vân Hà",
        legal_form="cooperative",
        representative="Nguyễn Văn An",
    )
    # Its name begins with the file's name, but it is another producer.
    producer_create(
        actor=cast.commune_officer, unit=cast.commune, name="HTX Vân Hà Mới", legal_form="cooperative"
    )
    upload = run(
        cast.province_officer,
        csv(
            row("Mật ong", "Cty Mật ong (tên cũ)", VAN_HA, tax_code="2400999999", product_set="2.2"),
            row("Vải thiều", "Hợp tác xã VÂN HÀ", VAN_HA).replace("Hợp tác xã VÂN HÀ", "htx van ha"),
        ),
    )
    assert [(r["producer_match"], r["producer_id"]) for r in upload.rows] == [
        ("matched", by_tax.pk),
        ("matched", by_name.pk),
    ]
    assert Producer.objects.count() == 3  # nothing created
    assert not ImportedRow.objects.filter(producer_created=True).exists()


def test_an_ambiguous_producer_refuses_the_file_until_the_officer_merges_or_splits(cast, run):
    first = producer_create(
        actor=cast.commune_officer, unit=cast.commune, name="HTX Vân Hà", legal_form="cooperative"
    )
    producer_create(
        actor=cast.commune_officer, unit=cast.commune, name="HTX  Vân  Hà", legal_form="cooperative"
    )
    content = csv(row("Vải thiều", "HTX Vân Hà", VAN_HA))
    upload = services.history_upload_create(actor=cast.province_officer, content=content, filename="qd.csv")
    assert _codes(upload) == [["producer_ambiguous"]]
    with nothing_changes(), pytest.raises(Invalid) as refused:
        services.history_import_start(actor=cast.province_officer, upload=upload)
    assert refused.value.code == "history_file_refused"
    group = upload.rows[0]["group"]
    assert len(upload.rows[0]["candidates"]) == 2
    merged = services.history_upload_choose(
        actor=cast.province_officer, upload=upload, choices={group: str(first.pk)}
    )
    assert merged.ok and merged.rows[0]["producer_id"] == first.pk
    split = services.history_upload_choose(actor=cast.province_officer, upload=upload, choices={group: "new"})
    assert split.ok and split.rows[0]["producer_match"] == "new"
    # A producer of another province cannot be merged into.
    other = producer_create(
        actor=cast.other_province_officer,
        unit=cast.other_province_commune,
        name="HTX Khác",
        legal_form="cooperative",
    )
    refused_choice = services.history_upload_choose(
        actor=cast.province_officer, upload=upload, choices={group: str(other.pk)}
    )
    assert _codes(refused_choice) == [["producer_choice_invalid"]]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        # 2021: the province recognised 3★–4★, 5★ was the centre's.
        (row("Vải thiều", "HTX Vân Hà", VAN_HA, stars=5), "stars_not_given_by_level"),
        (row("Vải thiều", "HTX Vân Hà", VAN_HA, day="01/01/2099"), "decision_date_future"),
        (row("Vải thiều", "HTX Vân Hà", VAN_HA, product_set=""), "product_set_required"),
        (row("Vải thiều", "HTX Vân Hà", VAN_HA, product_set="Không có"), "product_set_unknown"),
        (row("Vải thiều", "HTX Vân Hà", VAN_HA, number="Số-Đặc-Biệt"), "certificate_number_format"),
        (row("Vải thiều", "HTX Vân Hà", VAN_HA, tax_code="12ab"), "tax_code_invalid"),
        (row("Vải thiều", "HTX Vân Hà", "huyện Việt Yên, tỉnh Bắc Giang"), "address_not_commune"),
    ],
)
def test_bad_rows_are_errors_naming_the_row_and_the_whole_file_is_refused(cast, line, code):
    good = row("Chè", "HTX Vân Hà", VAN_HA, product_set="5.1")
    upload = services.history_upload_create(
        actor=cast.province_officer, content=csv(good, line), filename="qd.csv"
    )
    assert _codes(upload)[0] == [] and code in _codes(upload)[1]
    message = next(p["vi"] for p in upload.rows[1]["problems"] if p["code"] == code)
    assert message.startswith("Dòng 3 › cột ")
    with nothing_changes(), pytest.raises(Invalid):
        services.history_import_start(actor=cast.province_officer, upload=upload)
    assert not Certificate.objects.exists() and not Producer.objects.filter(name="HTX Vân Hà").exists()


def test_a_certificate_number_already_used_and_a_file_imported_again_are_refused(cast, run):
    content = csv(row("Vải thiều", "HTX Vân Hà", VAN_HA, number="BG-01"))
    run(cast.province_officer, content)
    again = services.history_upload_create(actor=cast.province_officer, content=content, filename="lai.csv")
    assert set(_codes(again)[0]) == {"certificate_number_taken", "already_imported"}
    same_number = csv(
        row("Chè", "HTX Khác", VAN_HA, product_set="5.1", number="BG-01", decision="77/QĐ-UBND")
    )
    assert _codes(
        services.history_upload_create(actor=cast.province_officer, content=same_number, filename="b.csv")
    ) == [["certificate_number_taken"]]
    within = csv(row("A", "HTX A", VAN_HA, number="BG-02"), row("B", "HTX B", VAN_HA, number="BG-02"))
    twice = services.history_upload_create(actor=cast.province_officer, content=within, filename="c.csv")
    assert _codes(twice) == [[], ["certificate_number_repeated"]]


def test_two_decisions_of_one_product_chain_its_certificates(cast, run):
    run(
        cast.province_officer,
        csv(
            row("Vải thiều", "HTX Vân Hà", VAN_HA, stars=3, decision="10/QĐ-UBND", day="10/05/2020"),
            row("Vải thiều", "HTX Vân Hà", VAN_HA, stars=4, decision="20/QĐ-UBND", day="15/06/2023"),
        ),
    )
    older, newer = Certificate.objects.order_by("issued_on")
    assert Product.objects.count() == 1
    assert (older.status, newer.status, newer.replaces_id) == (
        CertificateStatus.SUPERSEDED,
        CertificateStatus.ACTIVE,
        older.pk,
    )


def test_undo_removes_what_the_batch_created_and_leaves_what_it_matched(cast, run):
    matched = producer_create(
        actor=cast.commune_officer, unit=cast.commune, name="HTX Vân Hà", legal_form="cooperative"
    )
    upload = run(
        cast.province_officer,
        csv(row("Vải thiều", "HTX Vân Hà", VAN_HA), row("Gà đồi", "HTX Gà", VAN_HA, product_set="1.2")),
    )
    assert Producer.objects.count() == 2 and Certificate.objects.count() == 2
    services.history_import_undo(actor=cast.province_officer, batch=upload.batch, reason="Nhập nhầm tệp")
    assert list(Producer.objects.all()) == [matched]
    assert not Product.objects.exists() and not Certificate.objects.exists()
    assert not RecognitionDecision.objects.filter(origin=Origin.PAPER).exists()
    assert HistoryImport.objects.get(pk=upload.batch_id).undone_at is not None
    assert HistoryUpload.objects.get(pk=upload.pk).status == "undone"
    with pytest.raises(Conflict):
        services.history_import_undo(actor=cast.province_officer, batch=upload.batch, reason="Lần nữa")


def test_an_undo_is_refused_by_the_other_provinces_officer(cast, run):
    upload = run(cast.province_officer, csv(row("Vải thiều", "HTX Vân Hà", VAN_HA)))
    with nothing_changes(), pytest.raises(Exception) as refused:
        services.history_import_undo(actor=cast.other_province_officer, batch=upload.batch, reason="x")
    assert getattr(refused.value, "code", "") in ("forbidden", "not_found")


def test_a_claimed_imported_product_is_re_evaluated_with_its_imported_certificate_as_previous(cast, run):
    """The normal cycle: the producer claims its record, moves its product to the set of the version in force,
    opens a re-evaluation naming the imported certificate; the council recognises it; the decision item points at
    the imported certificate. The undo of the batch is refused from then on, naming the dossier."""
    upload = run(
        cast.province_officer, csv(row("Vải thiều Lục Ngạn", "HTX Vân Hà", VAN_HA, number="BG-2021-7"))
    )
    imported = Certificate.objects.get()
    product = imported.product
    producer_member_add(actor=cast.commune_officer, producer=product.producer, user=cast.other_producer_user)
    current_set = ProductSet.objects.get(version__code="2023", code="1.1")
    product = product_update(actor=cast.other_producer_user, product=product, product_set=current_set)
    dossier = dossier_create(
        actor=cast.other_producer_user,
        product=product,
        year=timezone.localdate().year,
        application_type="reevaluation",
        target_stars=4,
        previous_certificate="BG-2021-7",
    )
    assert dossier.previous_certificate_id == imported.pk
    with nothing_changes(), pytest.raises(Conflict) as blocked:
        services.history_import_undo(actor=cast.province_officer, batch=upload.batch, reason="Nhập nhầm")
    assert blocked.value.code == "history_undo_blocked" and "hồ sơ" in str(blocked.value.message)

    item = recognise_again(cast, product)
    assert (item.kind, item.previous_certificate_id) == ("reevaluation", imported.pk)
    assert Certificate.objects.filter(product=product, origin=Origin.OCOP).exists()
