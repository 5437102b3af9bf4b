from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import RoleKind
from ocop.geo.models import AdminUnit, Era


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput, max_length=200)


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập của người nhận"), max_length=150)
    kind = forms.ChoiceField(label=_("Vai trò"), choices=RoleKind.choices)
    unit_code = forms.CharField(
        label=_("Mã đơn vị (hiện hành)"), max_length=8, help_text=_("Ví dụ: VN, 01, 00004")
    )
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)

    def clean_unit_code(self) -> AdminUnit:
        code = self.cleaned_data["unit_code"].strip()
        unit = AdminUnit.objects.filter(era=Era.CURRENT, code=code).first()
        if unit is None:
            raise forms.ValidationError(_("Không có đơn vị hiện hành mang mã này."))
        return unit


class RoleRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=500)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Mật khẩu hiện tại"), widget=forms.PasswordInput, max_length=200)
    new_password = forms.CharField(label=_("Mật khẩu mới"), widget=forms.PasswordInput, max_length=200)
    new_password_again = forms.CharField(
        label=_("Nhập lại mật khẩu mới"), widget=forms.PasswordInput, max_length=200
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            raise forms.ValidationError(_("Hai lần nhập mật khẩu mới không khớp."))
        return data


class AccountStateForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500)
