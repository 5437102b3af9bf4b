from django.urls import path

from ocop.rubrics import views

app_name = "rubrics"
urlpatterns = [
    path("", views.version_list, name="list"),
    path("history/", views.history_import, name="history_import"),
    path("missing-sheets/", views.missing_sheets, name="missing_sheets"),
    path("<str:code>/", views.version_detail, name="version"),
    path("<str:code>/sheets/<str:product_set>/template.xlsx", views.sheet_template, name="sheet_template"),
    path("<str:code>/sheets/<str:product_set>/", views.sheet_view, name="sheet"),
    path("<str:code>/import/", views.sheet_import, name="sheet_import"),
]
