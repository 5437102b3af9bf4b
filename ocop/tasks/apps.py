from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class TasksConfig(AppConfig):
    name = "ocop.tasks"
    label = "tasks"
    verbose_name = "Công việc nền"

    def ready(self) -> None:
        # Every app keeps its background work in `<app>/tasks.py`; load them all so any process (web,
        # worker, scheduler) knows every task by name.
        autodiscover_modules("tasks")
