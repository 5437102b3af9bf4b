"""Django's password rules with our own words where its Vietnamese catalogue lags behind its code.

Django 5.2 changed the minimum-length message ("… at least %d characters."), and the Vietnamese catalogue it
ships still translates the old text: a Vietnamese reader got English. The other validators' messages are
translated by Django's catalogue and are used as they are.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("Mật khẩu quá ngắn: cần ít nhất %(min_length)s ký tự.") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("Mật khẩu cần ít nhất %(min_length)s ký tự.") % {"min_length": self.min_length}
