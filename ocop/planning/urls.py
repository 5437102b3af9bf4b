from django.urls import path

from ocop.planning import views

app_name = "planning"

urlpatterns = [
    path("", views.figures_view, name="figures"),
    path("records/<str:code>/", views.records_view, name="records"),
    path("plans/", views.plans_view, name="plans"),
    path("plans/new/", views.plan_create_view, name="plan_create"),
    path("plans/import/", views.plan_import_view, name="plan_import"),
    path("plans/<int:pk>/", views.plan_view, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit_view, name="plan_edit"),
    path("reports/", views.reports_view, name="reports"),
    path("reports/<int:pk>/<str:fmt>/", views.report_download_view, name="report_download"),
]
