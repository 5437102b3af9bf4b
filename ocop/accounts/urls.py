from django.urls import path

from ocop.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("roles/", views.roles_view, name="roles"),
    path("roles/<int:role_id>/revoke/", views.role_revoke_view, name="role_revoke"),
    path("audit/", views.audit_view, name="audit"),
]
