"""Search as Vietnamese buyers type: the same cases run on SQLite (FTS5) and PostgreSQL (tsvector, pg_trgm)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ocop.catalog import search as search_module
from ocop.catalog.models import CatalogEntry, SearchWord
from ocop.catalog.search import Filters, correct_words, query_words, search_catalog
from ocop.catalog.services import reindex_all
from ocop.geo.models import AdminUnit, Era, Level
from tests.catalog.conftest import make_product

pytestmark = pytest.mark.django_db


def names(result) -> list[str]:
    return [entry.name for entry in result.entries]


TEA, SCARF = "Chè Shan tuyết cổ thụ", "Khăn thổ cẩm lanh Lùng Tám"
# "Vải thiều sấy khô" matches "mat ong" only through its producer's name, so it comes last.
HONEY = ["Mật ong hoa vải Vân Hà", "Kẹo mật ong gừng", "Vải thiều sấy khô Vân Hà"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mat ong", HONEY),
        ("Mật ong", HONEY),
        ("duong phen", ["Đường phèn Quảng Ngãi"]),
        ("DUONG PHEN", ["Đường phèn Quảng Ngãi"]),
        # Đồng Văn and Lùng Tám were in Hà Giang before 2025, Tuyên Quang now; Vân Hà was in Bắc Giang
        ("HA GIANG", [TEA, SCARF, "Mật ong hoa vải Vân Hà", "Vải thiều sấy khô Vân Hà"]),
        ("tuyen quang", [TEA, SCARF]),
        ("che shan tu", [TEA]),  # a prefix, as typed
        ("che sh", [TEA]),
        ("ca phe rob", ["Cà phê Robusta rang mộc"]),
        ("đắk lắk", ["Cà phê Robusta rang mộc", "Rượu cần Buôn Đôn"]),
        ("dak lak", ["Cà phê Robusta rang mộc", "Rượu cần Buôn Đôn"]),
        ("thổ cẩm", [SCARF]),
    ],
)
def test_a_buyer_finds_the_product_however_they_type_it(shelf, typed, expected):
    result = search_catalog(q=typed)
    assert names(result) == expected
    assert result.count == len(expected)
    assert result.corrected == ""


@pytest.mark.parametrize(
    ("typed", "expected", "corrected"),
    [
        ("duong phem", ["Đường phèn Quảng Ngãi"], "duong phen"),
        ("mat onh", HONEY, "mat ong"),
        ("shan tuyer", [TEA], "shan tuyet"),
        ("robusra", ["Cà phê Robusta rang mộc"], "robusta"),
    ],
)
def test_a_small_typo_still_finds_something_when_the_exact_search_finds_nothing(
    shelf, typed, expected, corrected
):
    result = search_catalog(q=typed)
    assert names(result) == expected
    assert result.count == len(expected)
    assert result.corrected == corrected


def test_a_typo_is_not_corrected_when_the_exact_search_finds_something(shelf):
    result = search_catalog(q="ong")
    assert result.corrected == ""
    assert sorted(names(result)) == sorted(HONEY)


def test_nonsense_finds_nothing_rather_than_anything(shelf):
    result = search_catalog(q="xyzzyq")
    assert result.count == 0 and result.entries == [] and result.corrected == ""


def test_only_certified_products_are_listed(shelf, certified):
    assert "Mật ong rừng chưa chứng nhận" not in names(search_catalog(q="mat ong rung"))
    before = search_catalog(q="mat ong")
    certified.grant(shelf["draft"], 3)
    after = search_catalog(q="mat ong")
    assert after.count == before.count + 1
    assert "Mật ong rừng chưa chứng nhận" in names(after)


def test_a_revoked_or_expired_certificate_takes_the_product_out(shelf, certified):
    import datetime

    assert "Đường phèn Quảng Ngãi" in names(search_catalog(q="duong phen"))
    certified.grant(shelf["duong_phen"], 4, status="revoked")
    assert "Đường phèn Quảng Ngãi" not in names(search_catalog(q="duong phen"))
    certified.grant(shelf["duong_phen"], 4, valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert "Đường phèn Quảng Ngãi" not in names(search_catalog(q="duong phen"))


def test_relevance_comes_first_then_stars(shelf):
    # "Kẹo mật ong gừng" (5★) holds both words but does not start with them; "Mật ong hoa vải" (4★) does.
    # "Vải thiều sấy khô" (3★) matches only through its producer's name.
    assert names(search_catalog(q="mat ong")) == [
        "Mật ong hoa vải Vân Hà",
        "Kẹo mật ong gừng",
        "Vải thiều sấy khô Vân Hà",
    ]


def test_without_a_query_the_best_stars_come_first(shelf):
    stars = [entry.stars for entry in search_catalog().entries]
    assert stars == sorted(stars, reverse=True)
    assert search_catalog().count == 8


def test_renaming_a_product_reindexes_it(shelf):
    from ocop.catalog.services import reindex_product

    product = shelf["ruou"]
    assert search_catalog(q="ruou can").count == 1
    product.name = "Rượu men lá Buôn Đôn"
    product.save(update_fields=["name"])
    reindex_product(product)
    assert search_catalog(q="ruou can").count == 0
    assert names(search_catalog(q="ruou men la")) == ["Rượu men lá Buôn Đôn"]


EVERYTHING = None  # no word left in the query: the whole shelf, as with no query at all


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", EVERYTHING),
        (" ", EVERYTHING),
        ('"', EVERYTHING),
        ('"mat ong', HONEY),
        ("*", EVERYTHING),
        ("mat*", HONEY),
        ("NEAR(mat ong)", []),  # operators are plain words, and no product holds "near", "and" or "name_text"
        ("mat NEAR ong", []),
        ("name_text : mat", []),
        ("{name_text}: mat", []),
        ("mat AND ong OR", []),
        ("NOT ong", ["Kẹo mật ong gừng"]),  # "not" is no operator: a typo of "noi" (Hà Nội), as any word
        ("'; DROP TABLE catalog_catalogentry; --", []),
        ("mat' & ong:* | !", HONEY),
        ("\\", EVERYTHING),
        ("\x00mat", HONEY),
        ("🍯 mật ong", HONEY),
        ("a" * 10_000, []),
        ("mật ong " * 500, HONEY),
        ("^mat", HONEY),
        ("-ong", HONEY),
        ("%_%", EVERYTHING),
    ],
)
def test_hostile_or_odd_queries_never_fail(shelf, typed, expected):
    result = search_catalog(q=typed)
    if expected is EVERYTHING:
        assert names(result) == names(search_catalog()) and result.count == 8
    else:
        assert sorted(names(result)) == sorted(expected)
        assert result.count == len(expected)
    assert CatalogEntry.objects.count() == 9


def test_query_words_drop_every_operator():
    assert query_words('NEAR("mật" * ong): x') == ["near", "mat", "ong", "x"]
    assert query_words("Đường-phèn") == ["duong", "phen"]
    assert len(query_words("a " * 100)) == search_module.MAX_WORDS


def test_filters_narrow_the_results(shelf):
    bac_ninh = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="24")
    ha_giang = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="02")
    assert names(search_catalog(filters=Filters(province=bac_ninh.id))) == [
        "Mật ong hoa vải Vân Hà",
        "Vải thiều sấy khô Vân Hà",
    ]
    assert sorted(names(search_catalog(filters=Filters(legacy_province=ha_giang.id)))) == [
        "Chè Shan tuyết cổ thụ",
        "Khăn thổ cẩm lanh Lùng Tám",
    ]
    assert names(search_catalog(q="mat ong", filters=Filters(stars=5))) == ["Kẹo mật ong gừng"]
    assert sorted(names(search_catalog(filters=Filters(group="II")))) == ["Rượu cần Buôn Đôn"]
    assert sorted(names(search_catalog(filters=Filters(year=2023)))) == [
        "Khăn thổ cẩm lanh Lùng Tám",
        "Rượu cần Buôn Đôn",
    ]
    assert names(search_catalog(filters=Filters(product_set="4.2"))) == ["Đường phèn Quảng Ngãi"]


def test_facets_count_the_matches(shelf):
    facets = search_catalog(q="mat ong").facets
    assert {(f["value"], f["count"]) for f in facets["stars"]} == {("5", 1), ("4", 1), ("3", 1)}
    assert {(f["value"], f["label"], f["count"]) for f in facets["group"]} == {("I", "Thực phẩm", 3)}
    assert sum(f["count"] for f in facets["province"]) == 3
    assert {f["value"] for f in facets["year"]} == {"2024"}


def test_counts_stop_at_the_limit_and_pages_are_clamped(shelf, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 3)
    monkeypatch.setattr(search_module, "MAX_OFFSET", 3)
    result = search_catalog(page=10**9, page_size=2)
    assert (result.count, result.count_exact) == (3, False)
    assert result.page == 2 and result.page_clamped
    assert len(result.entries) == 2


def test_the_vocabulary_learns_words_but_not_numbers(shelf):
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"mat", "ong", "phen", "shan", "tuyet", "ha", "giang"} <= words
    assert not any(word.isdigit() for word in words)


def test_correction_keeps_known_words_and_prefixes(shelf):
    assert correct_words(["mat", "on"]) is None  # "on" begins "ong": nothing to correct
    assert correct_words(["duong", "phem"]) == [["duong"], ["phen"]]
    assert correct_words(["qqqqqq"]) is None


def test_a_search_costs_a_fixed_number_of_queries(shelf, django_assert_max_num_queries, monkeypatch):
    # The catalogue's version (read once; a request that the page cache handles has read it already), the
    # matches' facts (capped: count and facets), the page's ids (one statement per relevance tier still
    # needed, at most four), the page's rows: at most seven, whatever the number of matches.
    search_catalog(q="mat ong")  # reference data (group names) is read once per process
    with django_assert_max_num_queries(7):
        search_catalog(q="mat ong")
    with django_assert_max_num_queries(4):
        search_catalog()
    with django_assert_max_num_queries(4):  # version, capped count, the page's ids in order, the page's rows
        search_catalog(facets=False)
    # More matches than the count limit: the facet counts come from the cache, kept under the catalogue's
    # version, and a shape known broad there is not counted again: version, the page's ids, its rows.
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 2)
    search_catalog(q="mat ong")
    search_catalog()
    with django_assert_max_num_queries(6):
        assert search_catalog(q="mat ong").facets_cached
    with django_assert_max_num_queries(3):
        assert search_catalog(facets=False).count_capped


def test_broad_facet_counts_outlive_a_single_change_and_not_a_bulk_one(shelf, certified, monkeypatch):
    # A working day's certifications must not make every broad search count all its matches again; a full
    # reindex (an import, a repair) does.
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 1)
    stars = lambda result: {(f["value"], f["count"]) for f in result.facets["stars"]}  # noqa: E731
    assert stars(search_catalog(q="mat ong")) == {("5", 1), ("4", 1), ("3", 1)}
    certified.grant(shelf["keo"], 3, status="revoked")  # one reindex: a new version, not a bulk one
    result = search_catalog(q="mat ong")
    assert result.count_capped and "Kẹo mật ong gừng" not in names(result)  # the results are today's
    assert stars(result) == {("5", 1), ("4", 1), ("3", 1)}  # the counts, up to facet_cache.TTL old
    reindex_all()
    assert stars(search_catalog(q="mat ong")) == {("4", 1), ("3", 1)}


def test_a_query_known_broad_is_counted_again_once_the_catalogue_changes(shelf, certified, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 2)
    assert search_catalog(q="mat ong").count_capped  # the honey, the honey sweets, the cooperative's lychee
    assert search_catalog(q="mat ong", facets=False).count_capped  # known broad: its count is not read again
    for key in ("keo", "vai_say"):
        certified.grant(shelf[key], 3, status="revoked")  # a reindex: a new catalogue version
    result = search_catalog(q="mat ong")
    assert (result.count, result.count_exact, names(result)) == (1, True, ["Mật ong hoa vải Vân Hà"])


def test_a_search_that_found_nothing_finds_a_product_listed_since(shelf, certified):
    assert search_catalog(q="sachi rang").count == 0
    assert search_catalog(q="sachi rang", facets=False).count == 0  # known empty in this version: not read
    product = make_product("Hạt sachi rang muối", "Hộ kinh doanh Lò Văn Sáu", "21115", "2.2")
    certified.grant(product, 3)  # a reindex: a new catalogue version
    assert names(search_catalog(q="sachi rang")) == ["Hạt sachi rang muối"]
