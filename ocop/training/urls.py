"""Pages of training under /training/."""

from django.urls import path

from ocop.training import views

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="courses"),
    path("new/", views.course_create, name="course_create"),
    path("<int:pk>/", views.course_detail, name="course"),
    path("<int:pk>/import/", views.attendance_import, name="attendance_import"),
    path("<int:pk>/certificates/<int:attendee_id>.pdf", views.certificate_pdf, name="certificate"),
]
