"""Django's model backend, with the signed-in user of each request read by a statement compiled once per
process: every page and API call asks for it, and the ORM spent 0.4 ms of Python building that one query.

A session names the backend that signed it in. `settings.AUTHENTICATION_BACKENDS` keeps Django's own model
backend second, so the sessions it signed in before this backend existed (and those of a host not yet
upgraded, during a rolling upgrade) stay signed in; it never checks a password, because this backend ends
`authenticate` on a refusal (`PermissionDenied`): a wrong password is hashed once, not once per backend."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from ocop.core import statements


class AccountsBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied  # the one check of these credentials: no other backend tries them again
        return user

    def get_user(self, user_id):
        model = get_user_model()
        found = statements.records_of_ids(
            ("accounts.session_user",),
            model,
            lambda where: model._default_manager.filter(where),
            "pk",
            [int(user_id)],
        )
        # As ModelBackend: no such user, or one who may no longer sign in, is nobody.
        return found[0] if found and self.user_can_authenticate(found[0]) else None
