from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "ocop.training"
    label = "training"
    verbose_name = "Tập huấn"
