"""Pages under /certificates/. The public verification page is `v/<payload>`: the address inside every QR."""

from django.urls import path

from ocop.certification import views

app_name = "certification"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("<int:pk>/", views.certificate_detail, name="detail"),
    path("<int:pk>/pdf/", views.certificate_pdf, name="pdf"),
    path("<int:pk>/revoke/", views.certificate_revoke, name="revoke"),
    path("<int:pk>/stars/", views.certificate_stars, name="stars"),
    path("changes/<int:pk>/approve/", views.change_approve, name="change_approve"),
    path("changes/<int:pk>/reject/", views.change_reject, name="change_reject"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/approve/", views.decision_approve, name="decision_approve"),
    path("decisions/<int:pk>/reject/", views.decision_reject, name="decision_reject"),
    # No trailing slash: every byte of the address counts inside a QR code.
    path("v/<str:payload>", views.verify_page, name="verify"),
    path("verify/", views.verify_form, name="verify_form"),
]
