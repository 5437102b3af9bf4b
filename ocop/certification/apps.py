from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "ocop.certification"
    label = "certification"
    verbose_name = "Công nhận và chứng nhận"

    def ready(self) -> None:
        from ocop.certification import selectors
        from ocop.cycle.certificates import register_source

        # A re-evaluation or upgrade dossier picks the certificate it follows from the producer's own.
        register_source("certification", selectors.certificate_refs_of_producer)

        from ocop.certification import work
        from ocop.core.work_queue import register_work_source

        register_work_source(work.pending_work)  # its lines of the officer's work queue on the home page
