from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "ocop.planning"
    label = "planning"
    verbose_name = "Kế hoạch, chỉ tiêu và báo cáo OCOP"

    def ready(self) -> None:
        # The catalogue is checked at start (a wrong file refuses to start), and the summary table listens to
        # the records it counts: the apps below never import planning.
        from ocop.planning import catalogue, signals

        catalogue.indicators()
        signals.connect()
