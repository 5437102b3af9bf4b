"""Staff sessions end after a period without activity; producers keep the absolute lifetime only."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from ocop.accounts.policies import is_staff_officer

_LAST_SEEN = "ocop_last_seen"


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_staff_officer(user):
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN, now)
            if now - last_seen > settings.STAFF_IDLE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(
                    request, "Phiên làm việc đã hết hạn do không hoạt động. Vui lòng đăng nhập lại."
                )
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            # Write the session at most once a minute: a page view should not always cost a write.
            if now - last_seen >= 60 or _LAST_SEEN not in request.session:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
