from django.urls import path

from ocop.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("products/<int:product_id>/", views.product, name="product"),
    path("products/<int:product_id>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("producers/<int:producer_id>/", views.producer, name="producer"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("map/", views.map_view, name="map"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/certified-products.<str:fmt>", views.export, name="export"),
]
