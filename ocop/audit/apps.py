from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ocop.audit"
    label = "audit"
    verbose_name = "Nhật ký"
