from django.urls import path

from ocop.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("probe/", views.task_probe, name="probe"),
    path("<int:run_id>/retry/", views.task_retry, name="retry"),
    path("<int:run_id>/output/", views.task_output, name="output"),
]
