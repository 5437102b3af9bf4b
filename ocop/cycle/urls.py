from django.urls import path

from ocop.cycle import views

app_name = "cycle"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("forward/", views.bulk_forward_view, name="bulk_forward"),
    path("new/", views.dossier_create_view, name="dossier_create"),
    path("<int:pk>/", views.dossier_view, name="dossier"),
    path("<int:pk>/edit/", views.dossier_edit_view, name="dossier_edit"),
    path("<int:pk>/upload/", views.upload_view, name="upload"),
    path("<int:pk>/documents/<int:document_id>/", views.document_view, name="document"),
    path(
        "<int:pk>/documents/<int:document_id>/criteria/",
        views.document_criteria_view,
        name="document_criteria",
    ),
    path("<int:pk>/act/<slug:action>/", views.dossier_act_view, name="dossier_act"),
    path("<int:pk>/message/", views.message_view, name="message"),
    path("ideas/new/", views.idea_create_view, name="idea_create"),
    path("ideas/<int:pk>/", views.idea_view, name="idea"),
    path("ideas/<int:pk>/act/<slug:action>/", views.idea_act_view, name="idea_act"),
    path("ideas/<int:pk>/plan/", views.plan_create_view, name="plan_create"),
    path("plans/<int:pk>/", views.plan_view, name="plan"),
    path("plans/<int:pk>/act/<slug:action>/", views.plan_act_view, name="plan_act"),
    path("plans/<int:pk>/attach/", views.plan_attach_view, name="plan_attach"),
    path("plans/<int:pk>/files/<int:attachment_id>/", views.plan_file_view, name="plan_file"),
    path("notifications/", views.notifications_view, name="notifications"),
]
