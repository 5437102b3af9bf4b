"""Small display helpers for the catalogue's templates.

The result cards, the facet lists and the map's provinces repeat twenty to a hundred-odd times a page: they are
written in one pass here, as `core.markup` writes the officer lists, instead of by template includes and loops
(those cost a search page more than its SQL, issue 19). Every value goes through `markup.escape` (`html.escape`,
quotes included).
"""

from django import template
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ocop.core.markup import escape
from ocop.core.paths import path_for_text_key

register = template.Library()


@register.filter
def star_marks(stars) -> str:
    """`4` → `★★★★`; nothing for a missing or odd value."""
    try:
        count = int(stars)
    except (TypeError, ValueError):
        return ""
    return "★" * max(0, min(count, 5))


def _card(entry) -> str:
    """One product's card; `entry.url` and `entry.photo_url` are set by the view (catalog.views._with_urls)."""
    photo = (
        f'<img class="entry-photo" src="{escape(entry.photo_url)}" alt="" width="96" height="96" loading="lazy">'
        if entry.photo_url
        else ""
    )
    former = (
        f'<p class="former-name"><small>{escape(_("Trước đây: %(name)s") % {"name": entry.former_name})}'
        "</small></p>"
        if entry.former_name
        else ""
    )
    province = entry.province.name if entry.province else ""
    stars = escape(_("%(n)s sao") % {"n": entry.stars})
    return (
        f'<li class="card entry">{photo}<div>'
        f'<h3 class="entry-name"><a href="{escape(entry.url)}">{escape(entry.name)}</a></h3>{former}'
        f'<p class="stars" aria-label="{stars}">{star_marks(entry.stars)}</p>'
        f'<p class="entry-meta">{escape(entry.producer_name)}<br>'
        f"<small>{escape(province)} · {escape(entry.group_name)}</small></p></div></li>"
    )


@register.simple_tag
def entry_cards(entries) -> SafeString:
    """The `<li>` cards of a list of catalogue entries."""
    return mark_safe("\n".join(_card(entry) for entry in entries))  # noqa: S308 (every value escaped)


def _option(option: dict) -> str:
    selected = ' aria-current="true" class="selected"' if option["selected"] else ""
    count = f' <span class="count">{escape(option["count_text"])}</span>' if option["count_text"] else ""
    return f'<li><a href="{escape(option["url"])}"{selected}>{escape(str(option["label"]))}</a>{count}</li>'


@register.simple_tag
def facet_lists(facets) -> SafeString:
    """The search page's facets (catalog.views._facets): the first three open, each with its options and how
    many it leaves out."""
    blocks = []
    for number, facet in enumerate(facets, start=1):
        options = "".join(_option(option) for option in facet["options"])
        if facet["more"]:
            text = _("… và %(more)s mục khác (thu hẹp tìm kiếm để thấy)") % {"more": facet["more"]}
            options += f'<li class="muted">{escape(text)}</li>'
        blocks.append(
            f'<details class="facet"{" open" if number <= 3 else ""}>'
            f"<summary>{escape(str(facet['title']))}</summary><ul>{options}</ul></details>"
        )
    return mark_safe("\n".join(blocks))  # noqa: S308 (every value escaped)


@register.simple_tag
def map_circles(points) -> SafeString:
    """The SVG map's provinces (catalog.selectors.MapPoint): a linked circle sized by its products, its name."""
    path = path_for_text_key("catalog:province")  # one reverse() for every province
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<a href="{escape(path(point.province.code))}">'
            f'<circle cx="{point.x}" cy="{point.y}" r="{point.radius}"'
            f' class="{"has-products" if point.count else "no-products"}">'
            f"<title>{escape(point.province.name)}: {point.count}</title></circle>"
            f'<text x="{point.x}" y="{point.y}" dx="6" dy="3">{escape(point.province.short_name)}</text></a>'
            for point in points
        )
    )


@register.simple_tag
def map_table_rows(points) -> SafeString:
    """The map's table: each province linked, with its products counted (thousands separated)."""
    path = path_for_text_key("catalog:province")  # one reverse() for every province
    separator = get_format("THOUSAND_SEPARATOR")  # once, not a localised `intcomma` per row
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<tr><td><a href="{escape(path(point.province.code))}">{escape(point.province.name)}</a></td>'
            f"<td>{escape(f'{point.count:,}'.replace(',', separator))}</td></tr>"
            for point in points
        )
    )
