from django.urls import path

from ocop.producers import views

app_name = "producers"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("register/", views.register_view, name="register"),
    path("me/", views.portal_view, name="portal"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/confirm/", views.confirm_view, name="confirm"),
]
