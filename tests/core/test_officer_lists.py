"""Officer lists (issue 16 item 6, issue 15 item 4): each list filters by the unit of today or of its time,
shows both places side by side, and downloads exactly what it shows as CSV and XLSX, formulas neutralised.

The story: Bắc Ninh's honey cooperative of Phường Vân Hà holds certificates; a household of the former Xã Vân
Hà, huyện Việt Yên, Bắc Giang (a legacy commune, now in Bắc Ninh) was entered from the old records.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from ocop.certification.models import Certificate
from ocop.certification.selectors import certificates_listed, decisions_listed
from ocop.core.exports import shown
from ocop.core.listing import COUNT_CAP
from ocop.evaluation.models import RoundDossier
from ocop.evaluation.selectors import results_listed
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.models import LegalForm, Producer, ProducerStatus
from ocop.producers.selectors import producers_search
from ocop.producers.services import producer_create
from ocop.products.selectors import products_listed
from tests.catalog.conftest import make_product

pytestmark = pytest.mark.django_db


def legacy_bac_giang() -> AdminUnit:
    return AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, short_name="Bắc Giang")


@pytest.fixture
def legacy_household(cast):
    """Entered from the records of the former Xã Vân Hà, huyện Việt Yên, Bắc Giang."""
    return producer_create(
        actor=None,
        name="Hộ nuôi ong Thân Văn Lực",
        legal_form=LegalForm.HOUSEHOLD,
        unit=AdminUnit.objects.get(era=Era.LEGACY, code="07804"),
        status=ProducerStatus.CONFIRMED,
    )


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_producers_filter_by_unit_of_today_or_of_its_time(cast, login, bac_ninh_shelf, legacy_household):
    client = login(cast.province_officer)
    everything = client.get("/producers/").content.decode()
    assert "Hộ nuôi ong Thân Văn Lực" in everything and "Hợp tác xã Vải thiều" in everything
    assert "Bắc Giang (cũ)" in everything  # the column of its time, and the filter's choice

    old_province = client.get(f"/producers/?unit={legacy_bac_giang().pk}").content.decode()
    assert "Hộ nuôi ong Thân Văn Lực" in old_province
    assert "Hợp tác xã Vải thiều" not in old_province

    today = client.get(f"/producers/?unit={cast.province.pk}").content.decode()
    assert "Hộ nuôi ong Thân Văn Lực" in today and "Hợp tác xã Vải thiều" in today


def test_a_legacy_record_shows_today_place_beside_the_place_of_its_time(
    cast, login, bac_ninh_shelf, legacy_household
):
    client = login(cast.province_officer)
    rows = csv_rows(client.get(f"/producers/?unit={legacy_bac_giang().pk}&format=csv"))
    header, (row,) = rows[0], rows[1:]
    place = dict(zip(header, row, strict=True))
    assert place["Địa bàn thời đó"].endswith("Bắc Giang (cũ)")
    assert place["Địa bàn hiện nay"].endswith("Bắc Ninh")


def test_the_download_is_what_the_list_shows(cast, login, bac_ninh_shelf):
    client = login(cast.province_officer)
    page = client.get("/certificates/?star=3")
    shown = [cells for cells in page.context["rows"]]
    rows = csv_rows(client.get("/certificates/?star=3&format=csv"))
    assert rows[0] == [str(column.label) for column in page.context["columns"]]
    assert rows[1:] == [[text for text, _link, _badge in cells] for cells in shown]
    assert len(rows) - 1 == page.context["tools"].count > 0

    workbook = load_workbook(
        io.BytesIO(b"".join(client.get("/certificates/?star=3&format=xlsx").streaming_content))
    )
    sheet = workbook.active
    assert sheet.max_row - 1 == page.context["tools"].count
    assert [cell.value for cell in sheet[1]] == rows[0]


def test_a_name_that_looks_like_a_formula_never_runs(cast, login, bac_ninh_shelf):
    make_product('=HYPERLINK("http://x","bấm")', "@Hộ kinh doanh Dấu A", "07798", "2.2")
    client = login(cast.province_officer)
    rows = csv_rows(client.get("/products/?format=csv"))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x","bấm")' in names
    assert all(not name.startswith(("=", "+", "-", "@")) for row in rows[1:] for name in row)
    content = b"".join(client.get("/products/?format=xlsx").streaming_content)
    cells = [cell.value for row in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x","bấm")' in cells and "'@Hộ kinh doanh Dấu A" in cells


def test_certificates_by_number_and_expiring_soon(cast, login, bac_ninh_shelf):
    honey = next(c for c in bac_ninh_shelf["certificates"] if c.product == bac_ninh_shelf["honey"])
    soon = timezone.localdate() + datetime.timedelta(days=40)
    Certificate.objects.filter(pk=honey.pk).update(valid_until=soon)
    client = login(cast.province_officer)

    found = client.get("/certificates/", {"q": honey.number.lower()})
    assert [cells[0][0] for cells in found.context["rows"]] == [honey.number]

    expiring = client.get("/certificates/?expiring=6")
    assert [cells[0][0] for cells in expiring.context["rows"]] == [honey.number]
    assert "Giấy chứng nhận hết hạn trong 6 tháng tới" in expiring.content.decode()


def test_products_filter_by_stars_in_force_and_group(cast, login, bac_ninh_shelf):
    client = login(cast.province_officer)
    five = [cells[0][0] for cells in client.get("/products/?star=5").context["rows"]]
    assert five == ["Tương Đình Tổ"]
    honey_group = [cells[0][0] for cells in client.get("/products/?group=I").context["rows"]]
    assert "Mật ong hoa vải Vân Hà" in honey_group


def test_a_list_kept_as_statements_follows_its_reader_its_filters_and_the_data(cast, login, bac_ninh_shelf):
    """The officers' lists read their count and pages by statements kept per process for the reader's reach
    and the filters (`listing.Listed`): kept statements, never kept rows. Another province's officer reading
    the same list meets none of Bắc Ninh's records; what changes is on the next read."""

    def names(path: str) -> list[str]:
        return [cells[0][0] for cells in login_as.get(path).context["rows"]]

    for path in (
        "/producers/",
        "/certificates/",
        "/certificates/decisions/",
        "/evaluation/results/",
        "/products/",
    ):
        login_as = login(cast.province_officer)
        before = names(path)
        assert before, path
        login_as = login(cast.other_province_officer)
        assert not set(names(path)) & set(before), path
    assert "Mật ong hoa vải Vân Hà" in before

    login_as = login(cast.province_officer)
    make_product("Mật ong rừng Vân Hà", "HTX Mật ong Vân Hà mới", "07798", "2.2")
    assert names("/products/") == sorted([*before, "Mật ong rừng Vân Hà"])
    assert login_as.get("/products/").context["tools"].count == len(before) + 1
    assert names("/products/?q=mat+ong+rung") == ["Mật ong rừng Vân Hà"]
    assert names("/products/?q=mat+ong+rung&year=2019") == []  # a year it was not entered in
    nothing = login_as.get("/products/?q=khong+co+san+pham+nay")
    assert nothing.context["tools"].count == 0 and "Không có sản phẩm nào." in nothing.content.decode()


def test_lists_keep_their_scope_whatever_the_filter(cast, login, bac_ninh_shelf, legacy_household):
    """The officer of Hà Nội asking for Bắc Ninh's records by unit meets none of them."""
    client = login(cast.other_province_officer)
    for path in (
        "/producers/",
        "/products/",
        "/certificates/",
        "/certificates/decisions/",
        "/evaluation/results/",
    ):
        response = client.get(path, {"unit": cast.province.pk})
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "Vân Hà" not in body and "Thân Văn Lực" not in body, path
        rows = csv_rows(client.get(path, {"unit": cast.province.pk, "format": "csv"}))
        assert rows[1:] == [], path


def _stars_in_force(product) -> int | None:
    today = timezone.localdate()
    held = [
        c.stars for c in Certificate.objects.filter(product=product) if c.effective_status(today) == "active"
    ]
    return max(held, default=None)


# What each list's cells say, read from its records as model objects (their own methods): the lists read
# plain values instead, and must say the same.
RECORD_CELLS = {
    "/producers/": (
        lambda user: producers_search(user),
        lambda p: {
            "Tên": p.name,
            "Loại hình": p.get_legal_form_display(),
            "Mã số thuế": p.tax_code or "",
            "Trạng thái": p.get_status_display(),
        },
    ),
    "/products/": (
        lambda user: products_listed(user).build(),
        lambda p: {
            "Sản phẩm": p.name,
            "Bộ sản phẩm": f"{p.product_set.code} – {p.product_set.name}",
            "Nhóm sản phẩm": p.product_set.group.name,
            "Chủ thể": p.producer.name,
            "Hạng sao đang có": shown(_stars_in_force(p)),
        },
    ),
    "/certificates/": (
        lambda user: certificates_listed(user).build(),
        lambda c: {
            "Số": c.number,
            "Sản phẩm": c.product.name,
            "Chủ thể": c.product.producer.name,
            "Nhóm sản phẩm": c.product.product_set.group.name,
            "Hạng sao": str(c.stars),
            "Ngày cấp": shown(c.issued_on),
            "Có giá trị đến": shown(c.valid_until),
            "Tình trạng": c.get_effective_status_display(),
        },
    ),
    "/certificates/decisions/": (
        lambda user: decisions_listed(user).build(),
        lambda d: {
            "Số quyết định": d.number,
            "Ngày": shown(d.date),
            "Cơ quan": d.authority.name,
            "Số sản phẩm": str(d.items.count()),
            "Người lập": str(d.created_by),
            "Trạng thái": d.get_status_display(),
        },
    ),
    "/evaluation/results/": (
        lambda user: results_listed(user).build(),
        lambda rd: {
            "Đợt đánh giá": rd.round.name,
            "Năm": str(rd.round.year),
            "Sản phẩm": rd.dossier.product.name,
            "Nhóm sản phẩm": rd.dossier.product.product_set.group.name,
            "Chủ thể": rd.dossier.producer.name,
            "Điểm trung bình": shown(rd.mean_score),
            "Hạng theo điểm": shown(rd.band_stars),
            "Hạng sao được công nhận": shown(rd.recognised_stars),
            "Trạng thái": rd.get_status_display(),
        },
    ),
}


@pytest.mark.parametrize("path", list(RECORD_CELLS))
def test_every_row_says_what_its_record_says(cast, login, bac_ninh_shelf, path):
    """Each list's rows are read by id as plain values (`listing.ValueRows`); each cell must say what the
    record's own model says, in the list's order: a field read from the wrong column fails here."""
    # An expired certificate (its state follows from the dates); a result not yet recognised.
    Certificate.objects.filter(pk=bac_ninh_shelf["certificates"][1].pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    RoundDossier.objects.filter(pk=RoundDossier.objects.order_by("pk").values("pk")[:1]).update(
        recognised_stars=None
    )
    records, cells_of = RECORD_CELLS[path]
    user = cast.province_officer
    page = login(user).get(path)
    labels = [str(column.label) for column in page.context["columns"]]
    shown_rows = [
        dict(zip(labels, (text for text, _link, _badge in row), strict=True)) for row in page.context["rows"]
    ]
    expected = [cells_of(record) for record in records(user)]
    assert len(shown_rows) == len(expected) >= 1
    assert [
        {label: row[label] for label in want} for row, want in zip(shown_rows, expected, strict=True)
    ] == expected


def test_decisions_and_results_lists_download(cast, login, bac_ninh_shelf):
    client = login(cast.province_officer)
    decisions = csv_rows(client.get("/certificates/decisions/?format=csv"))
    assert decisions[0][:2] == ["Số quyết định", "Ngày"] and len(decisions) > 1
    results = client.get("/evaluation/results/?star=4")
    assert [cells[2][0] for cells in results.context["rows"]] == ["Mật ong hoa vải Vân Hà"]


def test_a_ministry_decision_is_placed_in_the_country(cast, login, bac_ninh_shelf):
    # The ministry decides over the whole country: its decisions name the country, not an empty place.
    rows = csv_rows(login(cast.central).get("/certificates/decisions/?format=csv"))
    places = {
        (row["Cơ quan"], row["Địa bàn hiện nay"], row["Địa bàn thời đó"])
        for row in (dict(zip(rows[0], cells, strict=True)) for cells in rows[1:])
    }
    assert any(place[1:] == ("Việt Nam", "Việt Nam") for place in places), places
    assert any(place[1:] == ("Bắc Ninh", "Bắc Ninh") for place in places), places


def test_dossier_queue_filters_by_unit_and_downloads(cast, login):
    from tests.cycle_support import dossier_story

    dossier_story(cast, until="submitted")
    client = login(cast.commune_officer)
    page = client.get(f"/dossiers/?unit={cast.commune.pk}").content.decode()
    assert "Địa bàn thời đó" in page
    rows = csv_rows(client.get(f"/dossiers/?unit={cast.commune.pk}&format=csv"))
    assert len(rows) == 2 and rows[0][3] == "Địa bàn hiện nay"
    elsewhere = csv_rows(client.get(f"/dossiers/?unit={cast.other_commune.pk}&format=csv"))
    assert elsewhere[1:] == []


def _producers(unit: AdminUnit, how_many: int) -> None:
    Producer.objects.bulk_create(
        Producer(
            name=f"Hợp tác xã Thử {n:04d}",
            legal_form=LegalForm.COOPERATIVE,
            unit=unit,
            status=ProducerStatus.CONFIRMED,
            search_text=f"hop tac xa thu {n:04d}",
        )
        for n in range(how_many)
    )


def test_a_long_list_counts_to_a_thousand_and_says_more(cast, login):
    """Lists count at most 1,000 rows (a count of the whole country reads every row): "hơn 1.000 kết quả"."""
    _producers(cast.commune, COUNT_CAP + 5)
    page = login(cast.province_officer).get("/producers/")
    assert "hơn 1.000 kết quả" in page.content.decode()
    assert page.context["tools"].more and page.context["tools"].count == COUNT_CAP
    assert len(page.context["rows"]) == 50
    # The pages are slices of the list in its order (the download's, every record): the last holds the
    # 951st to the 1,000th, and a page past it shows the last.
    client = login(cast.province_officer)
    every = csv_rows(client.get("/producers/?format=csv"))[1:]
    assert len(every) == COUNT_CAP + 5

    def shown(number):
        cells = client.get("/producers/", {"page": number}).context["rows"]
        return [[text for text, _link, _badge in row] for row in cells]

    assert shown(1) == every[:50] and shown(2) == every[50:100]
    assert shown(20) == every[COUNT_CAP - 50 : COUNT_CAP] == shown(21)


def test_a_list_page_costs_the_same_queries_for_a_few_rows_or_a_full_page(cast, login):
    client = login(cast.province_officer)
    _producers(cast.commune, 5)
    client.get("/producers/")  # warm the per-process caches (unit names, choices)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/producers/").context["rows"]) == 5
    _producers(cast.other_commune, 60)
    with CaptureQueriesContext(
        connection
    ) as first:  # names a commune not seen yet: one query for all its rows
        assert len(client.get("/producers/").context["rows"]) == 50
    with CaptureQueriesContext(connection) as full:
        assert len(client.get("/producers/").context["rows"]) == 50
    assert len(full) == len(few), [q["sql"][:150] for q in full.captured_queries]
    assert len(first) == len(few) + 1


def test_the_certificate_list_costs_the_same_queries_for_one_row_or_all(cast, login, bac_ninh_shelf):
    """Both place columns (today's and of its time) come with the rows, not one query each."""
    client = login(cast.province_officer)
    first = bac_ninh_shelf["certificates"][0]
    client.get("/certificates/")  # warm the per-process caches (unit names, choices)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/certificates/", {"q": first.number}).context["rows"]) == 1
    with CaptureQueriesContext(connection) as every:
        rows = client.get("/certificates/").context["rows"]
    assert len(rows) == len(bac_ninh_shelf["certificates"]) > 3
    assert len(every) == len(one), [q["sql"][:150] for q in every.captured_queries]


def test_a_list_prints_what_people_typed_as_text(cast, login, legacy_household):
    # Rows and filter choices are written without the template engine (core.markup): still escaped.
    Producer.objects.filter(pk=legacy_household.pk).update(name='Hộ <b>ong</b> & "mật" <script>x</script>')
    page = login(cast.province_officer).get("/producers/?unit=nothing").content.decode()
    assert "<script>" not in page and "<b>" not in page
    assert "Hộ &lt;b&gt;ong&lt;/b&gt; &amp; &quot;mật&quot; &lt;script&gt;x&lt;/script&gt;" in page
    assert f'<a href="/producers/{legacy_household.pk}/">' in page  # the name still links to the producer
    assert '<option value="' in page and "Bắc Giang (cũ)</option>" in page
