from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "ocop.cycle"
    label = "cycle"
    verbose_name = "Chu trình OCOP"

    def ready(self) -> None:
        from ocop.audit.labels import register_label_source
        from ocop.cycle import sections
        from ocop.cycle.workflow import audit_label

        sections.register()
        register_label_source(audit_label)
