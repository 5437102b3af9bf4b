from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "ocop.cycle"
    label = "cycle"
    verbose_name = "Chu trình OCOP"
