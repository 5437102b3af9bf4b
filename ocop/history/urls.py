from django.urls import path

from ocop.history import views

app_name = "history"
urlpatterns = [
    path("", views.index, name="index"),
    path("uploads/<int:upload_id>/", views.upload, name="upload"),
    path("uploads/<int:upload_id>/choose/", views.choose, name="choose"),
    path("uploads/<int:upload_id>/apply/", views.apply, name="apply"),
    path("batches/<int:batch_id>/undo/", views.undo, name="undo"),
]
