from django.urls import path

from ocop.addresses import views

app_name = "addresses"
urlpatterns = [
    path("aliases/", views.alias_list, name="aliases"),
    path("aliases/new/", views.alias_create, name="alias_create"),
    path("aliases/<int:pk>/", views.alias_edit, name="alias_edit"),
    path("aliases/<int:pk>/delete/", views.alias_delete, name="alias_delete"),
]
