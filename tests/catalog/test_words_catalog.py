"""The public catalogue in words (issue 12, item 6): provinces in Vietnamese order, a cut facet list says how
much it left out, the open-data spreadsheet gives a certificate's state in words."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ocop.catalog import exports, selectors
from ocop.catalog.views import _facets, _Links
from ocop.core.text import sort_key

pytestmark = pytest.mark.django_db


def test_the_provinces_of_the_catalogue_are_in_vietnamese_order():
    names = [unit.short_name for unit in selectors.Provinces.load().current]
    assert names.index("Cà Mau") < names.index("Cao Bằng") < names.index("Cần Thơ")  # a < ă < â
    assert (
        names.index("Đắk Lắk") < names.index("Điện Biên") < names.index("Đồng Nai") < names.index("Gia Lai")
    )
    # Folded order (đ read as d) put "Đà Nẵng" and "Đắk Lắk" among the D names, before "Điện Biên" only by luck.
    assert names == sorted(names, key=sort_key)


def test_a_facet_list_cut_at_forty_says_how_many_it_left_out():
    options = [{"value": f"{i}.1", "label": f"Bộ {i}", "count": 1} for i in range(1, 46)]
    result = SimpleNamespace(facets={"product_set": options}, count=45, count_exact=True)
    query = selectors.CatalogQuery.parse({}, selectors.Provinces.load())
    blocks = _facets(result, query, selectors.Provinces.load(), _Links(query))
    block = next(b for b in blocks if b["name"] == "product_set")
    assert len(block["options"]) == 40
    assert block["more"] == 5


def test_the_open_data_spreadsheet_says_the_certificate_state_in_words():
    row = {key: "" for key, _label in selectors.EXPORT_COLUMNS}
    row["certificate_status"] = "active"
    lines = list(exports.csv_stream([row]))
    text = "".join(lines)
    assert "Còn hiệu lực" in text
    assert ",active," not in text
    assert '"active"' in "".join(exports.json_stream([row]))  # programs keep the code
