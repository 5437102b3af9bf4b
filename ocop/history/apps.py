from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "ocop.history"
    label = "history"
    verbose_name = "Nhập kết quả công nhận trước đây"
