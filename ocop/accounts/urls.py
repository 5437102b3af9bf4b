from django.urls import path

from ocop.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("roles/", views.roles_view, name="roles"),
    path("roles/<int:role_id>/revoke/", views.role_revoke_view, name="role_revoke"),
    path("audit/", views.audit_view, name="audit"),
    path("security/", views.security_view, name="security"),
    path("security/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("security/tokens/revoke-all/", views.tokens_revoke_all_view, name="tokens_revoke_all"),
    path("password/", views.password_view, name="password"),
    path("users/", views.users_view, name="users"),
    path("users/<int:user_id>/deactivate/", views.user_deactivate_view, name="user_deactivate"),
    path("users/<int:user_id>/reactivate/", views.user_reactivate_view, name="user_reactivate"),
]
