from django.apps import AppConfig


class RubricsConfig(AppConfig):
    name = "ocop.rubrics"
    label = "rubrics"
    verbose_name = "Bộ tiêu chí"
