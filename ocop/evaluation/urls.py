from django.urls import path

from ocop.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.home, name="home"),
    path("results/", views.results, name="results"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/progress/", views.progress, name="progress"),
    path(
        "rounds/<int:round_id>/<slug:action>/",
        views.round_action,
        name="round_action",
    ),
    path("dossiers/<int:round_dossier_id>/", views.dossier, name="dossier"),
    path("results/<int:round_dossier_id>/", views.result, name="result"),
    path("dossiers/<int:round_dossier_id>/score/", views.score, name="score"),
    path("dossiers/<int:round_dossier_id>/paper/<str:username>/", views.paper_for, name="paper_for"),
    path("dossiers/<int:round_dossier_id>/sheets/<int:sheet_id>/scan/", views.sheet_scan, name="sheet_scan"),
    path("dossiers/<int:round_dossier_id>/<slug:action>/", views.dossier_action, name="dossier_action"),
    # Issue 18: the producer's self-assessment, the help team's pre-check.
    path("self/<int:dossier_id>/", views.self_assess, name="self_assess"),
    path("precheck/", views.precheck_list, name="precheck_list"),
    path("precheck/<int:dossier_id>/", views.precheck, name="precheck"),
]
