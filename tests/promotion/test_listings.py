"""E-commerce listings: a producer records its product's page on a platform, an officer confirms it, the
public page links it; a daily task flags a link that stops answering (against a local server: no internet)."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.catalog import version
from ocop.core.errors import Invalid
from ocop.promotion import indicators, links, services, tasks
from ocop.promotion.models import Confirmation, LinkState, Listing

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


class _Pages(BaseHTTPRequestHandler):
    """A shop platform on this machine: /san-pham/... answers, /het-hang answers 404, HEAD is not allowed."""

    def do_HEAD(self):  # noqa: N802
        self.send_response(405)
        self.end_headers()

    def do_GET(self):  # noqa: N802
        self.send_response(404 if self.path.startswith("/het-hang") else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<html>ok</html>")

    def log_message(self, *args):
        pass


@pytest.fixture
def platform(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(links, "PUBLIC_ONLY", False)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://shopee.vn/mat-ong",
        "shopee.vn/mat-ong",
        "",
        "https://",
        "http://a b.vn/x",
        "https://shopee.vn/" + "a" * 600,
    ],
)
def test_a_link_that_is_not_http_is_refused_and_nothing_is_stored(cast, shelf, url):
    before = (Listing.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Invalid) as refused:
        services.listing_record(actor=cast.producer_user, product=shelf.honey, url=url)
    assert refused.value.code == "listing_url_invalid"
    assert (Listing.objects.count(), AuditEvent.objects.count()) == before


def test_a_listing_shows_on_the_product_page_once_confirmed(client, cast, shelf):
    listing = services.listing_record(
        actor=cast.producer_user,
        product=shelf.honey,
        url="https://shopee.vn/mat-ong-hoa-vai-van-ha-i.123.456",
    )
    assert (listing.status, listing.platform) == (Confirmation.PENDING, "shopee")
    page = lambda: client.get(reverse("catalog:product", args=[shelf.honey.pk])).content.decode()  # noqa: E731
    assert "shopee.vn/mat-ong" not in page()
    assert (
        indicators.products_listed_online(
            province_id=shelf.honey.producer.unit.current_province_id, commune_id=None, year=TODAY.year
        )
        == 0
    )
    services.listing_confirm(actor=cast.commune_officer, listing=listing)
    assert 'href="https://shopee.vn/mat-ong-hoa-vai-van-ha-i.123.456"' in page()
    assert (
        indicators.products_listed_online(province_id=cast.province.pk, commune_id=None, year=TODAY.year) == 1
    )
    api = client.get(f"/api/v1/catalog/products/{shelf.honey.pk}").json()
    assert any(place["url"].startswith("https://shopee.vn/") for place in api["where_to_buy"])


def test_an_unknown_platform_is_refused(cast, shelf):
    with pytest.raises(Invalid) as refused:
        services.listing_record(
            actor=cast.producer_user, product=shelf.honey, url="https://x.vn/a", platform="ebay"
        )
    assert refused.value.code == "listing_platform_unknown"


def test_the_daily_check_flags_a_link_that_stops_answering_and_the_page_drops_it(
    client, cast, shelf, platform
):
    alive = services.listing_record(
        actor=cast.commune_officer, product=shelf.honey, url=f"{platform}/san-pham/1"
    )
    gone = services.listing_record(
        actor=cast.commune_officer, product=shelf.lychee, url=f"{platform}/het-hang/2"
    )
    assert gone.status == Confirmation.CONFIRMED
    assert (
        f"{platform}/het-hang/2"
        in client.get(reverse("catalog:product", args=[shelf.lychee.pk])).content.decode()
    )

    assert tasks.check_listing_links() == {"answered": 1, "broken": 1}

    alive, gone = Listing.objects.get(pk=alive.pk), Listing.objects.get(pk=gone.pk)
    assert (alive.link_state, alive.checked_on) == (LinkState.OK, TODAY)
    assert (gone.link_state, gone.checked_on, gone.link_detail) == (LinkState.BROKEN, TODAY, "HTTP 404")
    assert AuditEvent.objects.filter(action="listing.link_broken", target_id=str(gone.pk)).exists()
    assert (
        f"{platform}/het-hang/2"
        not in client.get(reverse("catalog:product", args=[shelf.lychee.pk])).content.decode()
    )
    assert (
        f"{platform}/san-pham/1"
        in client.get(reverse("catalog:product", args=[shelf.honey.pk])).content.decode()
    )
    # Checked today: the next run of the day leaves them.
    assert tasks.check_listing_links() == {"answered": 0, "broken": 0}


def test_a_link_that_answers_as_before_leaves_the_catalogue_version_and_its_cached_pages(
    cast, shelf, platform
):
    listing = services.listing_record(
        actor=cast.commune_officer, product=shelf.honey, url=f"{platform}/san-pham/1"
    )
    tasks.check_listing_links()  # not checked yet → answers: the public page changes
    Listing.objects.filter(pk=listing.pk).update(checked_on=TODAY - timedelta(days=1))
    before = version.current()

    assert tasks.check_listing_links() == {"answered": 1, "broken": 0}

    assert Listing.objects.get(pk=listing.pk).checked_on == TODAY
    assert version.current() == before  # the daily run no longer empties the public answer cache


def test_the_check_never_visits_a_private_address(cast, shelf, platform, monkeypatch):
    monkeypatch.setattr(links, "PUBLIC_ONLY", True)
    finding = links.check(f"{platform}/san-pham/1")
    assert not finding.answered and "private" in finding.detail


def test_pages_never_fetch_links(client, cast, shelf, monkeypatch):
    services.listing_record(actor=cast.commune_officer, product=shelf.honey, url="https://tiki.vn/mat-ong")

    def refuse(*args, **kwargs):
        raise AssertionError("a page fetched a link")

    monkeypatch.setattr(links, "check", refuse)
    monkeypatch.setattr(links.urllib.request.OpenerDirector, "open", refuse)
    assert client.get(reverse("catalog:product", args=[shelf.honey.pk])).status_code == 200
