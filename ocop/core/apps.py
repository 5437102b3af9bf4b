from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ocop.core"
    label = "core"
    verbose_name = "Lõi"
