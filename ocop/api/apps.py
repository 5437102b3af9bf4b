from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ocop.api"
    label = "api"
    verbose_name = "API"
