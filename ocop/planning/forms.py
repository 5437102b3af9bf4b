"""Forms of planning pages: a plan's heading, one target field per indicator, activities one per line."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.planning import catalogue

ACTIVITY_HELP = _(
    "Mỗi dòng một nhiệm vụ: Nội dung | Cơ quan chủ trì | Thời gian | Kinh phí (đồng) | Nguồn kinh phí. "
    "Ví dụ: Tập huấn cán bộ OCOP cấp xã | Sở Nông nghiệp và Môi trường | Quý II | 150000000 | Ngân sách tỉnh"
)


class PlanForm(forms.Form):
    unit = forms.CharField(
        label=_("Mã đơn vị"),
        max_length=8,
        help_text=_("Mã tỉnh, xã hiện hành (ví dụ 24 cho Bắc Ninh), hoặc VN cho toàn quốc."),
    )
    year = forms.IntegerField(label=_("Năm (hoặc năm đầu của giai đoạn)"), min_value=2018, max_value=2100)
    year_to = forms.IntegerField(
        label=_("Năm cuối của giai đoạn"),
        min_value=2018,
        max_value=2100,
        required=False,
        help_text=_("Để trống với kế hoạch một năm."),
    )
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=300, required=False)
    decision_number = forms.CharField(
        label=_("Số quyết định, văn bản ban hành"), max_length=60, required=False
    )
    decision_date = forms.DateField(
        label=_("Ngày ban hành"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    activities = forms.CharField(
        label=_("Nhiệm vụ, hoạt động"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=ACTIVITY_HELP,
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("unit", "year", "year_to"):
                self.fields[name].disabled = True
                self.fields[name].required = False
        # One field per indicator of the catalogue ("từ" value; a range also gives "đến").
        for item in catalogue.indicators():
            suffix = " (%)" if item.unit == "percent" else ""
            self.fields[f"target_{item.code}"] = forms.CharField(
                label=f"{item.name}{suffix}", required=False, max_length=30
            )
            self.fields[f"target_{item.code}_max"] = forms.CharField(
                label=_("… đến (nếu là khoảng)"), required=False, max_length=30
            )

    def target_rows(self) -> list[dict]:
        rows = []
        for item in catalogue.indicators():
            value = (self.cleaned_data.get(f"target_{item.code}") or "").strip()
            value_max = (self.cleaned_data.get(f"target_{item.code}_max") or "").strip()
            if value or value_max:
                rows.append({"indicator": item.code, "value": value or None, "value_max": value_max or None})
        return rows

    def activity_rows(self) -> list[dict]:
        rows = []
        for line in (self.cleaned_data.get("activities") or "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")] + [""] * 5
            rows.append(
                {
                    "name": parts[0],
                    "agency": parts[1],
                    "timing": parts[2],
                    "budget": parts[3] or None,
                    "budget_source": parts[4],
                }
            )
        return rows

    def target_fields(self):
        """(value field, max field) per indicator, for the template's table."""
        return [(self[f"target_{i.code}"], self[f"target_{i.code}_max"], i) for i in catalogue.indicators()]


class PlanImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp kế hoạch (XLSX hoặc CSV)"))


class ReportForm(forms.Form):
    unit = forms.CharField(label=_("Mã đơn vị"), max_length=8)
    year = forms.IntegerField(label=_("Năm"), min_value=2018, max_value=2100)
