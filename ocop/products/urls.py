from django.urls import path

from ocop.products import views

app_name = "products"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("changes/", views.changes_view, name="changes"),
    path("changes/<int:pk>/", views.change_view, name="change"),
    path("changes/<int:pk>/approve/", views.change_approve_view, name="change_approve"),
    path("changes/<int:pk>/reject/", views.change_reject_view, name="change_reject"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/photos/", views.photo_add_view, name="photo_add"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo_view, name="photo"),
]
