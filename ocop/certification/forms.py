"""Forms of the certification pages. They only read input; every rule is checked by the services."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[;,\t]")


class DateInput(forms.DateInput):
    input_type = "date"


class DecisionForm(forms.Form):
    authority = forms.TypedChoiceField(label=_("Cơ quan ban hành"), coerce=int)
    number = forms.CharField(label=_("Số quyết định"), max_length=50, help_text=_("Ví dụ: 123/QĐ-UBND"))
    date = forms.DateField(label=_("Ngày quyết định"), widget=DateInput)
    signer = forms.CharField(label=_("Người ký"), max_length=200, help_text=_("Chức vụ và họ tên người ký"))
    items = forms.CharField(
        label=_("Sản phẩm được công nhận"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Mỗi dòng một sản phẩm: mã sản phẩm; số sao; điểm (không bắt buộc). Ví dụ: 125; 4; 78,5"),
    )
    note = forms.CharField(
        label=_("Ghi chú"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, authorities=(), **kwargs):
        """`authorities`: (unit id, authority name) the user acts for."""
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = list(authorities)

    def clean_items(self) -> list[tuple[int, int, str | None]]:
        rows, errors = [], []
        for line_number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in _SEPARATORS.split(line.replace(",", ".") if ";" in line else line)]
            try:
                product, stars = int(parts[0]), int(parts[1])
            except (IndexError, ValueError):
                errors.append(_("Dòng %(line)s: cần mã sản phẩm và số sao.") % {"line": line_number})
                continue
            score = parts[2] if len(parts) > 2 and parts[2] else None
            rows.append((product, stars, score))
        if errors:
            raise forms.ValidationError(errors)
        if not rows:
            raise forms.ValidationError(_("Cần ít nhất một sản phẩm."))
        return rows


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision_number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=50)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DateInput)


class StarsForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Hạng sao mới"), coerce=int, choices=[(3, "3"), (4, "4"), (5, "5")]
    )
    reason = forms.CharField(
        label=_("Lý do điều chỉnh"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision_number = forms.CharField(label=_("Số quyết định điều chỉnh"), max_length=50)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DateInput)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến người duyệt"), max_length=2000, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), max_length=2000)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Nội dung mã QR"), max_length=1000)
