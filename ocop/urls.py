"""Top-level URLs: each app's pages under its own prefix, the API under /api/v1/."""

from django.urls import include, path

from ocop.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("health/ready/", core_views.ready, name="ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("ocop.accounts.urls")),
    path("api/v1/", include("ocop.api.urls")),
]

# (prefix, module): each app's pages under its own prefix.
APP_URLS = [
    ("producers/", "ocop.producers.urls"),
    ("products/", "ocop.products.urls"),
    ("rubrics/", "ocop.rubrics.urls"),
    ("dossiers/", "ocop.cycle.urls"),
    ("evaluation/", "ocop.evaluation.urls"),
    ("certificates/", "ocop.certification.urls"),
    ("catalog/", "ocop.catalog.urls"),
    ("tasks/", "ocop.tasks.urls"),
    ("planning/", "ocop.planning.urls"),
    ("dashboards/", "ocop.planning.dashboard_urls"),
    ("addresses/", "ocop.addresses.urls"),
    ("history/", "ocop.history.urls"),
    ("promotion/", "ocop.promotion.urls"),
    ("training/", "ocop.training.urls"),
    ("supervision/", "ocop.supervision.urls"),
]
urlpatterns += [path(prefix, include(module_name)) for prefix, module_name in APP_URLS]

handler400 = "ocop.core.views.error_400"
handler403 = "ocop.core.views.error_403"
handler404 = "ocop.core.views.error_404"
handler500 = "ocop.core.views.error_500"
