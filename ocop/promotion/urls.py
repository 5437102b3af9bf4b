from django.urls import path

from ocop.promotion import views

app_name = "promotion"
urlpatterns = [
    path("", views.home, name="home"),
    path("where-to-buy/", views.where_to_buy, name="where_to_buy"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/participate/", views.participation_create, name="participation_create"),
    path("participations/<int:pk>/<str:action>/", views.participation_act, name="participation_act"),
    path("shops/new/", views.shop_create, name="shop_create"),
    path("shops/<int:pk>/", views.shop, name="shop"),
    path("shops/<int:pk>/products/", views.shop_product_add, name="shop_product_add"),
    path("listings/new/", views.listing_create, name="listing_create"),
    path("listings/<int:pk>/<str:action>/", views.listing_act, name="listing_act"),
    path("gift-sets/new/", views.gift_set_create, name="gift_set_create"),
]
