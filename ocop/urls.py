"""Top-level URLs: each app's pages under its own prefix, the API under /api/v1/."""

from importlib import import_module

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

# (prefix, module). Apps that are not built yet are skipped, so each lands on its own.
APP_URLS = [
    ("producers/", "ocop.producers.urls"),
    ("products/", "ocop.products.urls"),
    ("rubrics/", "ocop.rubrics.urls"),
    ("dossiers/", "ocop.cycle.urls"),
    ("evaluation/", "ocop.evaluation.urls"),
    ("certificates/", "ocop.certification.urls"),
    ("catalog/", "ocop.catalog.urls"),
    ("tasks/", "ocop.tasks.urls"),
]
for prefix, module_name in APP_URLS:
    try:
        import_module(module_name)
    except ModuleNotFoundError as missing:
        if missing.name and module_name.startswith(missing.name):
            continue
        raise
    urlpatterns.append(path(prefix, include(module_name)))

handler400 = "ocop.core.views.error_400"
handler403 = "ocop.core.views.error_403"
handler404 = "ocop.core.views.error_404"
handler500 = "ocop.core.views.error_500"
