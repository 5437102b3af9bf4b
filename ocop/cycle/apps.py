from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "ocop.cycle"
    label = "cycle"
    verbose_name = "Chu trình OCOP"

    def ready(self) -> None:
        from ocop.cycle import sections

        sections.register()
