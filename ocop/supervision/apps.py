from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "ocop.supervision"
    label = "supervision"
    verbose_name = "Kiểm tra, giám sát"

    def ready(self) -> None:
        # The verify page (certification, below) offers the public complaint form through its link registry.
        from ocop.certification.verify_links import register_verify_link
        from ocop.supervision.complaints import complaint_link

        register_verify_link("supervision.complaint", complaint_link)
