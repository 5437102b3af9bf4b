from pathlib import Path

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ocop.core"
    label = "core"
    verbose_name = "Lõi"

    def ready(self) -> None:
        from django.conf import settings

        from ocop.core.bodylimit import remove_stale_upload_temporaries

        # A worker killed mid-upload leaves its temporary file; every process starting clears old ones.
        remove_stale_upload_temporaries(
            Path(settings.FILE_UPLOAD_TEMP_DIR), older_than_seconds=settings.UPLOAD_TEMP_MAX_SECONDS
        )
