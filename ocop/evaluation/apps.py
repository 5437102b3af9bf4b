from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "ocop.evaluation"
    label = "evaluation"
    verbose_name = "Đánh giá, phân hạng"

    def ready(self) -> None:
        from ocop.evaluation import reading, sections

        sections.register()
        reading.register()

        from ocop.core.work_queue import register_work_source
        from ocop.evaluation import work

        register_work_source(work.pending_work)  # its lines of the officer's work queue on the home page
