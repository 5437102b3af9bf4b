"""Forms of producer pages. They only shape input; every rule is checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.text import sort_key
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.models import LegalForm


def provinces() -> list[AdminUnit]:
    """Current provinces in Vietnamese order of their names without "Tỉnh"/"Thành phố" (Đắk Lắk after Điện Biên)."""
    units = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE)
    return sorted(units, key=lambda unit: sort_key(unit.short_name))


class CommuneMixin(forms.Form):
    """A province select, then the communes of the chosen province (filled by producers/commune.js, or on
    the server when the form comes back with a province chosen)."""

    province = forms.ChoiceField(label=_("Tỉnh, thành phố"))
    commune = forms.ChoiceField(label=_("Xã, phường, đặc khu"))

    def setup_communes(self, province_code: str | None) -> None:
        self.fields["province"].choices = [("", "—")] + [(u.code, u.name) for u in provinces()]
        self.fields["province"].widget.attrs["data-communes-for"] = "id_commune"
        communes = (
            AdminUnit.objects.filter(
                era=Era.CURRENT, level=Level.COMMUNE, parent__code=province_code, parent__era=Era.CURRENT
            )
            if province_code
            else AdminUnit.objects.none()
        )
        # The same order as producers/commune.js (localeCompare "vi" on the full name).
        ordered = sorted(communes, key=lambda unit: sort_key(unit.name))
        self.fields["commune"].choices = [("", "—")] + [(u.code, u.name) for u in ordered]

    def clean_commune(self) -> AdminUnit:
        unit = AdminUnit.objects.filter(
            era=Era.CURRENT, level=Level.COMMUNE, code=self.cleaned_data["commune"]
        ).first()
        if unit is None:
            raise forms.ValidationError(_("Hãy chọn xã, phường, đặc khu."))
        return unit


class _Answer(forms.NullBooleanSelect):
    """Yes, no, or not recorded (the indicators count "not recorded" as no data, never as no)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("Chưa ghi nhận")), ("true", _("Có")), ("false", _("Không"))]


class ProducerFields(forms.Form):
    name = forms.CharField(label=_("Tên chủ thể"), max_length=255)
    legal_form = forms.ChoiceField(label=_("Loại hình"), choices=LegalForm.choices)
    tax_code = forms.CharField(
        label=_("Mã số thuế / số đăng ký kinh doanh"),
        max_length=20,
        required=False,
        help_text=_(
            "10 chữ số (doanh nghiệp, hợp tác xã), 10 chữ số kèm -3 chữ số, hoặc 12 chữ số (hộ kinh doanh)."
        ),
    )
    address = forms.CharField(label=_("Địa chỉ (thôn, số nhà)"), max_length=300, required=False)
    representative = forms.CharField(label=_("Người đại diện"), max_length=150, required=False)
    representative_title = forms.CharField(label=_("Chức vụ"), max_length=100, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    website = forms.URLField(label=_("Trang web"), required=False, assume_scheme="https")
    member_count = forms.IntegerField(label=_("Số thành viên"), min_value=0, required=False)
    worker_count = forms.IntegerField(label=_("Số lao động"), min_value=0, required=False)
    in_craft_village = forms.BooleanField(label=_("Thuộc làng nghề"), required=False)
    craft_village = forms.CharField(label=_("Tên làng nghề"), max_length=200, required=False)
    led_by_woman = forms.NullBooleanField(label=_("Người đứng đầu là phụ nữ"), widget=_Answer)
    led_by_ethnic_minority = forms.NullBooleanField(
        label=_("Người đứng đầu là người dân tộc thiểu số"), widget=_Answer
    )


class RegisterForm(CommuneMixin, ProducerFields):
    full_name = forms.CharField(label=_("Họ và tên của bạn"), max_length=150)
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(
        label=_("Mật khẩu"),
        widget=forms.PasswordInput,
        max_length=200,
        help_text=_("Ít nhất 10 ký tự, không quá đơn giản."),
    )
    password_again = forms.CharField(label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput, max_length=200)

    field_order = [
        "full_name",
        "username",
        "password",
        "password_again",
        "name",
        "legal_form",
        "tax_code",
        "province",
        "commune",
    ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("Hai lần nhập mật khẩu không khớp."))
        return cleaned


class ProducerCreateForm(CommuneMixin, ProducerFields):
    field_order = ["name", "legal_form", "tax_code", "province", "commune"]


class ProducerEditForm(ProducerFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
