"""Forms of the evaluation pages: they parse input; every rule is checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import User
from ocop.accounts.usernames import normalise_username
from ocop.cycle.programme import FIRST_YEAR
from ocop.cycle.routes import level_label
from ocop.evaluation.models import Conclusion, ConflictReason, CouncilRole
from ocop.geo.models import AdminUnit, Era
from ocop.rubrics.models import RubricVersion
from ocop.rubrics.selectors import engine_versions


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def scoring_levels() -> list[tuple[str, str]]:
    """The levels that hold a scoring council in some period of a loaded rubric version, named as the versions
    name them (a level that scored only before a reform, like the district, stays choosable for past rounds)."""
    codes: dict[str, None] = {}
    for version in reversed(engine_versions()):
        for level in version.levels:
            if any(
                (duty := period.duty(level.code)) is not None and duty.scores for period in version.duties
            ):
                codes.setdefault(level.code, None)
    return [(code, level_label(code)) for code in codes]


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt"), max_length=200, help_text=_("Ví dụ: Đợt 1 năm 2025"))
    level = forms.ChoiceField(label=_("Cấp đánh giá"), choices=[])
    unit_code = forms.CharField(
        label=_("Mã đơn vị tổ chức"), max_length=8, help_text=_("Tỉnh: mã tỉnh; Trung ương: VN")
    )
    year = forms.IntegerField(label=_("Năm"), min_value=FIRST_YEAR, max_value=2100)
    rubric_version = forms.ModelChoiceField(
        label=_("Bộ tiêu chí"),
        queryset=RubricVersion.objects.order_by("-effective_from"),
        to_field_name="code",
    )
    held_on = forms.DateField(label=_("Ngày họp hội đồng"), widget=DateInput())
    min_sheets = forms.IntegerField(label=_("Số phiếu tối thiểu"), min_value=1, max_value=50, initial=3)
    disagreement_threshold = forms.DecimalField(
        label=_("Ngưỡng chênh lệch điểm giữa các thành viên trên một tiêu chí"),
        min_value=0,
        max_digits=5,
        decimal_places=2,
        initial=3,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = scoring_levels()  # read per form: a version loaded since counts

    def clean_unit_code(self) -> AdminUnit:
        code = self.cleaned_data["unit_code"].strip()
        unit = AdminUnit.objects.filter(era=Era.CURRENT, code=code).first()
        if unit is None:
            raise forms.ValidationError(_("Không có đơn vị hiện hành mang mã này."))
        return unit


class CouncilForm(forms.Form):
    name = forms.CharField(label=_("Tên Hội đồng"), max_length=300)
    decision_number = forms.CharField(label=_("Số quyết định thành lập"), max_length=60)
    decision_date = forms.DateField(
        label=_("Ngày quyết định"), widget=DateInput(), initial=timezone.localdate
    )


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò trong Hội đồng"), choices=CouncilRole.choices)
    position = forms.CharField(label=_("Chức vụ, đơn vị công tác"), max_length=300, required=False)
    employer = forms.CharField(
        label=_("Cơ quan công tác"),
        max_length=300,
        required=False,
        help_text=_("Dùng để phát hiện xung đột lợi ích khi cùng cơ quan với chủ thể."),
    )

    def clean_username(self) -> User:
        typed = normalise_username(self.cleaned_data["username"])  # stored names are normalised
        user = User.objects.filter(username=typed, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Không có người dùng này."))
        return user


class AddDossierForm(forms.Form):
    dossier = forms.TypedChoiceField(label=_("Hồ sơ đã tiếp nhận"), coerce=int)

    def __init__(self, *args, dossiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].choices = [(d.pk, str(d)) for d in dossiers]


class ConflictForm(forms.Form):
    reason = forms.ChoiceField(label=_("Lý do"), choices=ConflictReason.choices)
    note = forms.CharField(
        label=_("Ghi chú"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Kết luận của Hội đồng"), choices=Conclusion.choices)
    minutes = forms.CharField(
        label=_("Biên bản họp Hội đồng"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
