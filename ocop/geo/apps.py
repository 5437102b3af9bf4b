from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "ocop.geo"
    label = "geo"
    verbose_name = "Đơn vị hành chính"

    def ready(self) -> None:
        from ocop.geo import places

        places.connect()  # a unit saved or deleted: the places named in lists are named again
