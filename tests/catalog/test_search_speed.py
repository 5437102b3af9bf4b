"""Search whose cost follows the page (issue 19): prefixes, honest corrections, capped counts, display order.

Run on SQLite (FTS5 over display-order row ids) and PostgreSQL (tsvector, names-only tsvector, btree walk).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from ocop.catalog import facet_cache, index_sql, search
from ocop.catalog.models import CatalogEntry, SearchWord
from ocop.catalog.search import Filters, _Query, correct_words, query_words, search_catalog
from ocop.catalog.services import reindex_product, reindex_products
from ocop.products.models import Product
from tests.catalog.conftest import make_product

pytestmark = pytest.mark.django_db


def names(result) -> list[str]:
    return [entry.name for entry in result.entries]


@pytest.fixture
def rice(shelf, certified):
    product = make_product("Gạo ST25 ruộng tôm", "Hợp tác xã Nông nghiệp Long Phú", "21115", "2.2")
    certified.grant(product, 4)
    return product


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("che sha tuy", "Chè Shan tuyết cổ thụ"),
        ("gao st2 ruon", "Gạo ST25 ruộng tôm"),
        ("ga st ru to", "Gạo ST25 ruộng tôm"),
        ("ma on ho", "Mật ong hoa vải Vân Hà"),
    ],
)
def test_every_word_typed_is_a_prefix(rice, typed, expected):
    result = search_catalog(q=typed)
    assert names(result)[0] == expected
    assert result.corrected == ""


def test_a_correction_never_turns_the_query_into_other_words(db):
    # The index knows "may" and "dong" but neither "mat" nor "ong": each is one edit from a known word,
    # yet together they would be another search. No correction, no invented results.
    SearchWord.objects.bulk_create([SearchWord(word="may"), SearchWord(word="dong")])
    assert correct_words(["mat", "ong"]) is None
    result = search_catalog(q="mat ong")
    assert result.count == 0 and result.corrected == ""


def test_a_typo_gets_a_did_you_mean_link_not_a_silent_replacement(client, shelf):
    text = client.get(reverse("catalog:search"), {"q": "duong phem"}).content.decode()
    assert "Có phải bạn muốn tìm:" in text
    assert 'href="/catalog/search/?q=duong+phen"' in text
    assert "Kết quả gần đúng cho «duong phen»" in text
    text = client.get(reverse("catalog:search"), {"q": "duong phen"}).content.decode()
    assert "Có phải bạn muốn tìm:" not in text


def test_a_broad_search_says_more_than_the_cap(client, shelf, settings):
    settings.OCOP_CATALOG_COUNT_LIMIT = 2
    text = client.get(reverse("catalog:search"), {"q": "mat ong"}).content.decode()
    assert "Hơn 2 kết quả" in text
    assert "Mật ong hoa vải Vân Hà" in text
    body = client.get(reverse("api:catalog_products"), {"q": "mat ong"}).json()
    assert (body["count"], body["count_exact"], body["count_capped"]) == (2, False, True)
    body = client.get(reverse("api:catalog_products"), {"q": "duong phen"}).json()
    assert (body["count"], body["count_capped"]) == (1, False)
    # Facets of the broad search still count (from the cache, computed once for this query shape).
    result = search_catalog(q="mat ong")
    assert result.facets_cached
    assert {item["value"]: item["count"] for item in result.facets["stars"]} == {"5": 1, "4": 1, "3": 1}


def _expected_order(typed: str, stars: int | None = None) -> list[str]:
    """The display order as specified (docs/catalog.md), computed in Python over every listed entry (of one
    star band when `stars` is given)."""
    words = query_words(typed)
    entries = [e for e in CatalogEntry.objects.filter(listed=True) if e.certificate_state == "active"]
    entries = [e for e in entries if stars is None or e.stars == stars]

    def has(text: str, word: str) -> bool:
        return any(token.startswith(word) for token in text.split())

    def tier(entry) -> int | None:
        every = f"{entry.name_text} {entry.producer_text} {entry.place_text}"
        if not all(any(has(text, w) for text in every.split(" ")) for w in words):
            return None
        tokens = entry.name_text.split()
        if len(tokens) >= len(words) and all(t.startswith(w) for t, w in zip(tokens, words, strict=False)):
            return 3
        if all(has(entry.name_text, w) for w in words):
            return 2
        for text in (entry.name_text, entry.producer_text, entry.place_text):
            tokens = text.split()
            for i in range(len(tokens) - len(words) + 1):
                if all(tokens[i + j].startswith(w) for j, w in enumerate(words)):
                    return 1 if len(words) > 1 else 0
        return 0

    ranked = [(tier(e), e) for e in entries]
    ranked = [(t, e) for t, e in ranked if t is not None]
    ranked.sort(key=lambda pair: (-pair[0], -pair[1].stars, pair[1].name_text, pair[1].product_id))
    return [e.name for _, e in ranked]


@pytest.mark.parametrize("typed", ["mat ong", "ong", "van ha", "hop tac xa", "ca phe", "vai", "ha"])
def test_narrow_queries_keep_their_order(rice, typed):
    assert names(search_catalog(q=typed, page_size=50)) == _expected_order(typed)


@pytest.mark.parametrize("typed", ["mat ong", "hop tac xa", "van ha", "ha"])
def test_a_search_narrowed_to_a_star_band_finds_every_match_of_the_band(rice, typed):
    """On SQLite the band is a range of the full-text tables' row ids (the display order begins with the
    stars): each band's matches, all of them and in order."""
    for stars in (5, 4, 3):
        found = search_catalog(q=typed, filters=Filters(stars=stars), page_size=50)
        assert names(found) == _expected_order(typed, stars), stars
        assert found.count == len(_expected_order(typed, stars))


@pytest.mark.parametrize("narrowed", [{"stars": 3}, {"province": "24277"}, {"stars": 3, "province": "24277"}])
def test_a_broad_search_narrowed_by_facets_counts_them_exactly(rice, settings, narrowed):
    """A broad search's facet counts come from its words' matches grouped by every facet column, read once:
    each narrowing sums its own rows of them, the same counts as reading its own matches."""
    from ocop.geo.models import AdminUnit

    if "province" in narrowed:
        commune = AdminUnit.objects.get(code=narrowed["province"], era="current")
        narrowed = {**narrowed, "province": commune.current_province_id or commune.parent_id}
    filters = Filters(**narrowed)
    settings.OCOP_CATALOG_COUNT_LIMIT = 1000
    exact = search_catalog(q="hop tac xa", filters=filters)
    assert exact.count_exact and exact.count >= 2
    settings.OCOP_CATALOG_COUNT_LIMIT = 1  # every search here is broad
    search_catalog(q="hop tac xa")  # the words alone: their grouped matches are read and kept
    broad = search_catalog(q="hop tac xa", filters=filters)
    assert broad.facets_cached and not broad.count_exact
    assert broad.facets == exact.facets


def test_pages_follow_one_another_in_display_order(rice):
    whole = names(search_catalog(q="hop tac xa", page_size=50))
    pages = [names(search_catalog(q="hop tac xa", page=page, page_size=2)) for page in (1, 2, 3)]
    assert [name for page in pages for name in page] == whole[:6]


@pytest.mark.parametrize("head_entries", [10_000, 2])
def test_a_broad_search_gives_the_same_pages_however_its_tiers_are_read(
    rice, settings, monkeypatch, head_entries
):
    """PostgreSQL reads a tier that filled a page from the first entries in display order next time, and
    goes back to its index when they do not fill it (2 entries cannot hold 6 matches): the same pages."""
    every = _expected_order("hop tac xa")
    assert len(every) >= 6
    settings.OCOP_CATALOG_COUNT_LIMIT = 5  # "hop tac xa" is a broad search: 3 pages of 2
    monkeypatch.setattr(search, "HEAD_ENTRIES", head_entries)
    expected = every[:6]
    for _ in range(3):  # the first visit learns how to read each tier, the next ones read it so
        pages = [names(search_catalog(q="hop tac xa", page=page, page_size=2)) for page in (1, 2, 3)]
        assert [name for page in pages for name in page] == expected
    plan, empty = facet_cache.tier_plan(_Query([["hop"], ["tac"], ["xa"]], True, Filters()).shape())
    if connection.vendor == "postgresql":
        assert (search.READ_HEAD if head_entries > 6 else search.READ_INDEX) in plan.values()
        assert empty == {0, 1}  # no name holds the three words
    else:  # FTS5 row ids are the display order already
        assert (plan, empty) == ({}, frozenset())


def test_a_tier_found_empty_is_read_again_once_the_catalogue_changes(rice, certified, settings):
    settings.OCOP_CATALOG_COUNT_LIMIT = 2  # broad: its tiers are read one by one, the empty ones remembered
    for _ in range(2):
        assert "Hợp tác xã" not in names(search_catalog(q="hop tac xa"))[0]
    product = make_product("Hợp tác xã trà hoa vàng", "Hộ kinh doanh Lê Văn Tám", "21115", "2.2")
    certified.grant(product, 3)
    # 3 stars, after the 4-star rice in display order, but the only name that begins with the words: first
    assert names(search_catalog(q="hop tac xa"))[0] == "Hợp tác xã trà hoa vàng"


def _display_order_is_consistent() -> bool:
    listed = list(
        CatalogEntry.objects.filter(listed=True).values_list(
            "stars", "name_text", "product_id", "display_order"
        )
    )
    by_key = sorted(listed, key=lambda row: (-row[0], row[1], row[2]))
    orders = [row[3] for row in by_key]
    if connection.vendor == "sqlite":  # both FTS tables hold each entry under its display order, name as is
        with connection.cursor() as cursor:
            for table in (index_sql.SQLITE_ENTRY_FTS, index_sql.SQLITE_NAME_FTS):
                # rank 1: checked against the entries' table too (a stale FTS row fails: "malformed")
                cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
    return orders == sorted(orders) and all(order > 0 for order in orders)


def test_a_star_change_moves_the_product_without_a_rebuild(shelf, certified, django_assert_max_num_queries):
    # "Vải thiều sấy khô Vân Hà" (3★) matches "van ha" through its name, after "Mật ong hoa vải Vân Hà" (4★).
    assert names(search_catalog(q="vai thieu"))[0] == "Vải thiều sấy khô Vân Hà"
    assert names(search_catalog(q="van ha"))[:2] == ["Mật ong hoa vải Vân Hà", "Vải thiều sấy khô Vân Hà"]
    others = dict(
        CatalogEntry.objects.exclude(product=shelf["vai_say"]).values_list("product_id", "display_order")
    )
    certified.grant(shelf["vai_say"], 5)
    assert names(search_catalog(q="van ha"))[:2] == ["Vải thiều sấy khô Vân Hà", "Mật ong hoa vải Vân Hà"]
    assert _display_order_is_consistent()
    # Only the changed entry moved: the others kept their numbers (a reindex step, not a renumbering).
    assert others == dict(
        CatalogEntry.objects.exclude(product=shelf["vai_say"]).values_list("product_id", "display_order")
    )


def test_a_rename_moves_the_product_too(shelf):
    product = shelf["keo"]
    product.name = "Anh đào ngâm mật ong"
    product.save(update_fields=["name"])
    reindex_product(product)
    assert _display_order_is_consistent()
    assert names(search_catalog())[0] == "Anh đào ngâm mật ong"  # 5★, and now first by name


def test_a_revoked_product_leaves_the_order(shelf, certified):
    certified.grant(shelf["che"], 5, status="revoked")
    assert _display_order_is_consistent()
    assert CatalogEntry.objects.get(product=shelf["che"]).display_order == -shelf["che"].pk


def test_the_search_page_costs_the_same_queries_for_one_match_or_many(
    client, rice, settings, django_assert_max_num_queries, uncached
):
    settings.OCOP_CATALOG_COUNT_LIMIT = 2
    url = reverse("catalog:search")
    for params in ({"q": "gao st25"}, {"q": "hop tac xa"}, {}):
        client.get(url, params)  # reference data and a broad shape's facets: read once, then cached
    # the matches' facts (capped), the page's ids (one statement per tier still needed), the page's rows, and
    # for a broad shape the catalogue's version its cached facet counts are kept under
    for params in ({"q": "gao st25"}, {"q": "hop tac xa"}, {}, {"q": "ong", "stars": "5"}):
        client.get(url, params)
        with django_assert_max_num_queries(7):
            assert client.get(url, params).status_code == 200


@pytest.fixture
def long_shelf(shelf, certified):
    """The shelf and twelve more 4★ products, "Nông sản thử 00" to "11": room for a batch to fall in a gap."""
    for n in range(12):
        certified.grant(make_product(f"Nông sản thử {n:02d}", "Hợp tác xã Cà phê Ea Tul", "24277", "2.2"), 4)
    return shelf


def _rename_together(shelf, keys: list[str]) -> list[int]:
    """The products take names that sort between "Nông sản thử 05" and "06", saved without a reindex."""
    for letter, key in zip("abc", keys, strict=False):
        product = shelf[key]
        product.name = f"Nông sản thử 05 {letter}"
        product.save(update_fields=["name"])
    return [shelf[key].pk for key in keys]


def test_a_batch_of_changes_shares_a_gap_and_moves_nothing_else(long_shelf):
    # Three 4★ products at once, as a history import's batch: they share the gap between their neighbours.
    moved = _rename_together(long_shelf, ["mat_ong", "duong_phen", "khan"])
    others = dict(CatalogEntry.objects.exclude(product__in=moved).values_list("product_id", "display_order"))
    reindex_products(moved)
    assert _display_order_is_consistent()
    assert others == dict(
        CatalogEntry.objects.exclude(product__in=moved).values_list("product_id", "display_order")
    )
    assert names(search_catalog(q="nong san thu 05")) == [
        "Nông sản thử 05",
        "Nông sản thử 05 a",
        "Nông sản thử 05 b",
        "Nông sản thử 05 c",
    ]


def test_a_gap_too_narrow_for_its_batch_renumbers_everything(long_shelf):
    fifth, sixth = (CatalogEntry.objects.get(name_text=f"nong san thu {n}") for n in ("05", "06"))
    CatalogEntry.objects.filter(pk=sixth.pk).update(display_order=fifth.display_order + 3)  # room for two
    moved = _rename_together(long_shelf, ["mat_ong", "duong_phen", "khan"])
    reindex_products(moved)
    assert _display_order_is_consistent()
    assert names(search_catalog(q="nong san thu 05"))[1:] == [
        "Nông sản thử 05 a",
        "Nông sản thử 05 b",
        "Nông sản thử 05 c",
    ]


def test_a_product_renamed_like_another_goes_by_its_number_among_the_same_names(long_shelf):
    # The newest product takes an older one's name (a larger id, so just after it), the oldest another's.
    newest = Product.objects.get(name="Nông sản thử 11")
    for product, name in ((newest, "Nông sản thử 05"), (long_shelf["mat_ong"], "Nông sản thử 07")):
        product.name = name
        product.save(update_fields=["name"])
        reindex_product(product)
        assert _display_order_is_consistent()
    for name, renamed in (("05", newest.pk), ("07", long_shelf["mat_ong"].pk)):
        found = [e.product_id for e in search_catalog(q=f"nong san thu {name}").entries]
        assert renamed in found and found == sorted(found) and len(found) == 2
