from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "ocop.catalog"
    label = "catalog"
    verbose_name = "Tra cứu công khai"
