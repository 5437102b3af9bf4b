"""Forms of the cycle pages. They only shape input; every rule is checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.cycle.models import ApplicationType
from ocop.rubrics.selectors import engine_version_on


def star_choices() -> list[tuple[str, str]]:
    """The stars a dossier may apply for: the bands the rubric version in force today recognises."""
    version = engine_version_on(timezone.localdate())
    stars = sorted(version.recognised_stars) if version is not None else []
    return [("", _("Chưa chọn")), *((str(n), _("%(n)s sao") % {"n": n}) for n in stars)]


def year_choices():
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in (this_year + 1, this_year, this_year - 1)]


class IdeaForm(forms.Form):
    summary = forms.CharField(label=_("Mô tả ý tưởng sản phẩm"), widget=forms.Textarea, max_length=5000)
    idea_origin = forms.CharField(
        label=_("Nguồn gốc ý tưởng"), widget=forms.Textarea, required=False, max_length=5000
    )
    local_raw_materials = forms.CharField(
        label=_("Nguyên liệu địa phương"), widget=forms.Textarea, required=False, max_length=5000
    )
    local_labour = forms.CharField(
        label=_("Sử dụng lao động địa phương"), widget=forms.Textarea, required=False, max_length=5000
    )
    local_identity = forms.CharField(
        label=_("Bản sắc, tri thức địa phương"), widget=forms.Textarea, required=False, max_length=5000
    )


class IdeaCreateForm(IdeaForm):
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int)

    field_order = ["year", "summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year


class IdeaEditForm(IdeaForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    target_market = forms.CharField(
        label=_("Thị trường mục tiêu"), widget=forms.Textarea, required=False, max_length=5000
    )
    production_capacity = forms.CharField(label=_("Năng lực sản xuất"), required=False, max_length=300)
    raw_material_plan = forms.CharField(
        label=_("Kế hoạch nguyên liệu"), widget=forms.Textarea, required=False, max_length=5000
    )
    investment_vnd = forms.IntegerField(label=_("Tổng vốn đầu tư (đồng)"), min_value=0, required=False)
    expected_revenue_vnd = forms.IntegerField(
        label=_("Doanh thu dự kiến mỗi năm (đồng)"), min_value=0, required=False
    )
    workers_planned = forms.IntegerField(label=_("Số lao động dự kiến"), min_value=0, required=False)
    marketing_plan = forms.CharField(
        label=_("Kế hoạch tiếp thị, bán hàng"), widget=forms.Textarea, required=False, max_length=5000
    )
    timeline = forms.CharField(
        label=_("Tiến độ thực hiện"), widget=forms.Textarea, required=False, max_length=5000
    )


class DossierForm(forms.Form):
    application_type = forms.ChoiceField(label=_("Loại đăng ký"), choices=ApplicationType.choices)
    target_stars = forms.TypedChoiceField(
        label=_("Hạng sao đăng ký"), choices=star_choices, required=False, coerce=int, empty_value=None
    )
    previous_certificate = forms.ChoiceField(
        label=_("Giấy chứng nhận trước đó (nâng hạng, đánh giá lại)"),
        required=False,
        help_text=_("Chọn theo số in trên giấy chứng nhận của chủ thể, ví dụ 24-2026-00001."),
    )

    def __init__(self, *args, certificate_choices=(), **kwargs):
        """`certificate_choices`: (number, label) of the producer's own certificates."""
        super().__init__(*args, **kwargs)
        self.fields["previous_certificate"].choices = [("", _("— Không —")), *certificate_choices]


class DossierCreateForm(DossierForm):
    year = forms.TypedChoiceField(label=_("Năm đánh giá"), coerce=int)

    field_order = ["year", "application_type", "target_stars"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year


class DossierEditForm(DossierForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp (PDF, JPEG, PNG, DOCX, XLSX)"), required=False)
