"""Pages of the dashboards (issue 16 item 4), under /dashboards/: the reader's own unit, or a unit by its code."""

from django.urls import path

from ocop.planning import dashboard_views

app_name = "dashboards"
urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("<str:code>/", dashboard_views.unit_dashboard, name="unit"),
]
