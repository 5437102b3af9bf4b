"""What the lists write without templates (`core.markup`) shows what anyone typed as text."""

from __future__ import annotations

import html

import pytest

from ocop.core import markup


@pytest.mark.parametrize(
    "typed",
    [
        "Mật ong bạc hà Quản Bạ",
        "",
        'HTX <b>Vân Hà</b> & "bạn"',
        "Chè Shan tuyết 'cổ thụ'",
        "<script>alert(1)</script>",
        "a > b",
        "&amp;",
    ],
)
def test_escape_is_html_escape(typed):
    assert markup.escape(typed) == html.escape(typed)


def test_a_filter_option_and_a_cell_show_markup_as_text():
    option = markup.options([("1", 'Xã "Mới" <b>')], "1")
    assert option == '<option value="1" selected>Xã &quot;Mới&quot; &lt;b&gt;</option>'
    cells = markup.table_rows([[("Bánh & kẹo", "/products/1/?a=1&b=2", "")]])
    assert cells == '<tr><td><a href="/products/1/?a=1&amp;b=2">Bánh &amp; kẹo</a></td></tr>'
