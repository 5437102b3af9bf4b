"""Sessions end: for everyone after an absolute lifetime from sign-in, for staff also after idle time.

Django's own cookie age slides forward whenever the session is saved (and a staff session is saved at least
once a minute, to track idleness), so the absolute limit is kept here from the time of sign-in.

The first to read `request.user`, this middleware also hands the views the signed-in user itself instead of
Django's lazy wrapper: every attribute read through the wrapper is a call, and a list of fifty dossiers reads
the user's roles and memberships two thousand times for its rights (`cycle.policies.flags`)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.policies import is_staff_officer

_LAST_SEEN = "ocop_last_seen"
_SIGNED_IN = "ocop_signed_in_at"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        request.user = user = getattr(user, "_wrapped", user)  # evaluated by the line above
        now = int(time.time())
        session = request.session
        signed_in = session.setdefault(_SIGNED_IN, now)
        if now - signed_in > settings.SESSION_COOKIE_AGE:
            return self._end(request, _("Phiên làm việc đã quá thời hạn tối đa. Vui lòng đăng nhập lại."))
        if is_staff_officer(user):
            last_seen = session.get(_LAST_SEEN, now)
            if now - last_seen > settings.STAFF_IDLE_SECONDS:
                return self._end(
                    request, _("Phiên làm việc đã hết hạn do không hoạt động. Vui lòng đăng nhập lại.")
                )
            # Write the session at most once a minute: a page view should not always cost a write.
            if now - last_seen >= 60 or _LAST_SEEN not in session:
                session[_LAST_SEEN] = now
        return self.get_response(request)

    def _end(self, request, message: str):
        logout(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)
        messages.info(request, message)
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
