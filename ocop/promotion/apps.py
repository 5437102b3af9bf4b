from django.apps import AppConfig


class PromotionConfig(AppConfig):
    name = "ocop.promotion"
    label = "promotion"
    verbose_name = "Xúc tiến thương mại"

    def ready(self) -> None:
        # Where to buy, the product page's panel and the map's layer of shops: the catalogue sits below this
        # app and asks through its extension points.
        from ocop.promotion import public

        public.register()
