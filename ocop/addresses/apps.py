from django.apps import AppConfig


class AddressesConfig(AppConfig):
    name = "ocop.addresses"
    label = "addresses"
    verbose_name = "Địa chỉ đã ghép đơn vị"
