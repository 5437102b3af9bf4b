"""Pages of supervision under /supervision/; `complaint/<certificate>/` is the public form linked from the
certificate verification page."""

from django.urls import path

from ocop.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection"),
    path("<int:pk>/<str:action>/", views.inspection_action, name="inspection_action"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("complaints/<int:pk>/dismiss/", views.complaint_dismiss, name="complaint_dismiss"),
    path("plan/", views.plan, name="plan"),
    path("complaint/<int:certificate_id>/", views.complaint, name="complaint"),
]
