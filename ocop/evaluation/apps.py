from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "ocop.evaluation"
    label = "evaluation"
    verbose_name = "Đánh giá, phân hạng"

    def ready(self) -> None:
        from ocop.evaluation import reading, sections

        sections.register()
        reading.register()
