"""The catalogue's extension points: a panel another app adds to a product's page, a layer it adds to the map."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.catalog import extensions

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """Empty registries for the test (the installed apps' own registrations are put back afterwards)."""
    monkeypatch.setattr(extensions, "PANELS", {})
    monkeypatch.setattr(extensions, "LAYERS", {})
    return extensions


def test_a_registered_panel_shows_on_the_product_page_only_where_it_has_something(
    client, bac_ninh_shelf, registry
):
    honey, lychee = bac_ninh_shelf["honey"], bac_ninh_shelf["lychee"]
    registry.register_product_panel(
        extensions.ProductPanel(
            key="note",
            context=lambda entry: (
                {"title": "Ghi chú", "items": [{"label": f"Ghi chú về {entry.name}"}]}
                if entry.product_id == honey.pk
                else None
            ),
        )
    )
    shown = client.get(reverse("catalog:product", args=[honey.pk])).content.decode()
    assert "Ghi chú về Mật ong hoa vải Vân Hà" in shown
    other = client.get(reverse("catalog:product", args=[lychee.pk])).content.decode()
    assert "Ghi chú về" not in other


def test_a_registered_layer_is_drawn_on_the_map_and_listed_beside_it(
    client, bac_ninh_shelf, registry, uncached
):
    # Layers register when the processes start; this test adds one between two requests of the same page.
    before = client.get(reverse("catalog:map")).content.decode()
    assert "Quầy thử" not in before
    registry.register_map_layer(
        extensions.MapLayer(
            key="stalls",
            title="Quầy thử nghiệm",
            markers=lambda: [
                extensions.MapMarker(latitude=21.18, longitude=106.07, label="Quầy thử Bắc Ninh", url="/x/"),
            ],
        )
    )
    after = client.get(reverse("catalog:map")).content.decode()
    assert "Quầy thử nghiệm" in after
    assert after.count("Quầy thử Bắc Ninh") == 2  # the marker's title on the drawing, and the list
    assert '<rect x="' in after
