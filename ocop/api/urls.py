"""The HTTP API under /api/v1/: one NinjaAPI, one router per app, mounted here and only here."""

from __future__ import annotations

from importlib import import_module

from django.urls import path
from ninja import NinjaAPI

from ocop.accounts.api_auth import any_caller
from ocop.api import errors
from ocop.api.parser import TextParser

api = NinjaAPI(
    title="OCOP API",
    version="1",
    description='API của Hệ thống thông tin Chương trình OCOP. Lỗi: {"code", "message"}.',
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
    auth=any_caller,
    parser=TextParser(),
)
errors.install(api)

# (prefix, module holding `router`): every app's API, in the order the document lists them.
ROUTERS = [
    ("/auth", "ocop.accounts.api"),
    ("/units/aliases", "ocop.addresses.api"),  # before /units: its /{era}/{code} would take /aliases/{id}
    ("/units", "ocop.geo.api"),
    ("/rubrics", "ocop.rubrics.api"),
    ("/producers", "ocop.producers.api"),
    ("/products", "ocop.products.api"),
    ("/dossiers", "ocop.cycle.api"),
    ("/evaluation", "ocop.evaluation.api"),
    ("/certificates", "ocop.certification.api"),
    ("/catalog", "ocop.catalog.api"),
    ("/indicators", "ocop.planning.api"),
    ("/plans", "ocop.planning.api_plans"),
    ("/reports", "ocop.planning.api_reports"),
    ("/promotion", "ocop.promotion.api"),
    ("/training", "ocop.training.api"),
    ("/supervision", "ocop.supervision.api"),
]
for prefix, module_name in ROUTERS:
    api.add_router(prefix, import_module(module_name).router)

urlpatterns = [path("", api.urls)]
