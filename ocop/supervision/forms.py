"""Forms of supervision pages. They only shape input; the services check every rule again."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.certification.models import ChangeKind
from ocop.supervision.rules import rules


def _kinds():
    return [(kind.code, kind.name) for kind in rules().kinds.values()]


def _severities():
    return [(s.code, s.name) for s in rules().severities.values()]


class DateInput(forms.DateInput):
    input_type = "date"


class OwnIds(forms.Form):
    """Several of these forms share the inspection page: each names its inputs' ids with its own prefix, so every
    label points at its own input (the field names stay plain)."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class InspectionForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Sản phẩm được chứng nhận"), coerce=int)
    kinds = forms.MultipleChoiceField(label=_("Nội dung kiểm tra"), widget=forms.CheckboxSelectMultiple)
    inspected_on = forms.DateField(label=_("Ngày kiểm tra"), widget=DateInput, initial=timezone.localdate)
    team = forms.CharField(label=_("Đoàn kiểm tra"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—"), *products]
        self.fields["kinds"].choices = _kinds()


class FindingForm(OwnIds):
    id_prefix = "finding"
    kind = forms.ChoiceField(label=_("Nội dung"))
    severity = forms.ChoiceField(label=_("Mức độ"))
    description = forms.CharField(
        label=_("Mô tả vi phạm"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    fix_by = forms.DateField(
        label=_("Hạn khắc phục"),
        widget=DateInput,
        required=False,
        help_text=_("Để trống: theo mức độ vi phạm."),
    )
    evidence = forms.FileField(label=_("Tệp chứng cứ (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kinds()
        self.fields["severity"].choices = _severities()


class FollowUpForm(OwnIds):
    id_prefix = "follow_up"
    finding = forms.IntegerField(widget=forms.HiddenInput)
    visited_on = forms.DateField(label=_("Ngày kiểm tra lại"), widget=DateInput, initial=timezone.localdate)
    fixed = forms.BooleanField(label=_("Đã khắc phục"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)


class WarningForm(OwnIds):
    id_prefix = "warning"
    text = forms.CharField(
        label=_("Nội dung cảnh báo"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ProposalForm(OwnIds):
    id_prefix = "proposal"
    kind = forms.ChoiceField(label=_("Đề nghị"), choices=ChangeKind.choices)
    stars = forms.TypedChoiceField(
        label=_("Hạng sao mới (khi hạ hạng)"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), (3, "3"), (4, "4")],
    )
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DateInput, initial=timezone.localdate)


class CloseForm(OwnIds):
    id_prefix = "close"
    conclusion = forms.CharField(
        label=_("Kết luận"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Lý do không kiểm tra"), max_length=2000)


class PlanForm(forms.Form):
    province = forms.ChoiceField(label=_("Tỉnh, thành phố"))
    year = forms.IntegerField(label=_("Năm"))
    size = forms.IntegerField(label=_("Số sản phẩm"), min_value=1, max_value=500, initial=50)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [(u.code, u.name) for u in provinces]


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=_("Sản phẩm bạn mua khác sản phẩm được chứng nhận ở điểm nào?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    where_bought = forms.CharField(label=_("Bạn mua ở đâu (không bắt buộc)"), max_length=300, required=False)
    contact = forms.CharField(
        label=_("Số điện thoại hoặc thư điện tử để liên hệ lại (không bắt buộc)"),
        max_length=200,
        required=False,
    )
