from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "ocop.products"
    label = "products"
    verbose_name = "Sản phẩm"

    def ready(self) -> None:
        from ocop.products import sections

        sections.register()
