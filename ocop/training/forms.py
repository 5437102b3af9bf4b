"""Forms of training pages. They only shape input; the services check every rule again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.geo.models import AdminUnit, Era
from ocop.training.models import BudgetSource
from ocop.training.topics import topic_choices


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Tên lớp"), max_length=300)
    topic = forms.ChoiceField(label=_("Chuyên đề"))
    unit_code = forms.CharField(
        label=_("Mã đơn vị tổ chức"),
        max_length=8,
        help_text=_("VN cho lớp Trung ương, mã tỉnh hoặc mã xã hiện hành; cấp của lớp theo đơn vị này."),
    )
    organiser = forms.CharField(label=_("Đơn vị chủ trì"), max_length=300)
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    starts_on = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    budget = forms.DecimalField(
        label=_("Kinh phí (đồng)"), required=False, min_value=0, decimal_places=0, max_digits=15
    )
    budget_source = forms.ChoiceField(label=_("Nguồn kinh phí"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = topic_choices()
        self.fields["budget_source"].choices = [("", "—"), *BudgetSource.choices]

    def clean_unit_code(self) -> AdminUnit:
        code = self.cleaned_data["unit_code"].strip()
        unit = AdminUnit.objects.filter(era=Era.CURRENT, code=code).first()
        if unit is None:
            raise forms.ValidationError(
                _("Không có đơn vị hành chính hiện hành mã «%(code)s».") % {"code": code}
            )
        return unit


class SheetForm(forms.Form):
    file = forms.FileField(label=_("Danh sách học viên (XLSX hoặc CSV)"))
