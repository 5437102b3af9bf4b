from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "ocop.cycle"
    label = "cycle"
    verbose_name = "Chu trình OCOP"

    def ready(self) -> None:
        from ocop.audit.labels import register_label_source
        from ocop.cycle import sections, states
        from ocop.cycle.workflow import audit_label

        states.verify()  # a state the code names but the data file lacks stops the start here
        sections.register()
        register_label_source(audit_label)

        from ocop.core.work_queue import register_work_source
        from ocop.cycle import work

        register_work_source(work.pending_work)  # its lines of the officer's work queue on the home page
