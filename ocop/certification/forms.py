"""Forms of the certification pages. They only read input; every rule is checked by the services."""

from __future__ import annotations

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class DecisionForm(forms.Form):
    """A draft from the council's results: the officer ticks products by name (each with the council's stars
    and score); stars, score and dossier are never typed."""

    authority = forms.TypedChoiceField(label=_("Cơ quan ban hành"), coerce=int)
    number = forms.CharField(label=_("Số quyết định"), max_length=50, help_text=_("Ví dụ: 123/QĐ-UBND"))
    date = forms.DateField(label=_("Ngày quyết định"), widget=DateInput)
    signer = forms.CharField(label=_("Người ký"), max_length=200, help_text=_("Chức vụ và họ tên người ký"))
    proposals = forms.TypedMultipleChoiceField(
        label=_("Sản phẩm được hội đồng đề nghị công nhận"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Hạng sao, điểm và hồ sơ lấy từ kết quả của hội đồng."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, authorities=(), proposals=(), **kwargs):
        """`authorities`: (unit id, authority name) the user acts for; `proposals`: the council results
        (round dossiers) awaiting a decision, offered by product name."""
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = list(authorities)
        self.fields["proposals"].choices = [
            (
                rd.pk,
                _("%(product)s – %(producer)s: %(stars)s★, %(score)s điểm (%(round)s)")
                % {
                    "product": rd.dossier.product.name,
                    "producer": rd.dossier.product.producer.name,
                    "stars": rd.recognised_stars,
                    "score": number_format(rd.mean_score, 2),
                    "round": rd.round.name,
                },
            )
            for rd in proposals
        ]


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
    code = forms.CharField(
        label=_("Nội dung mã QR hoặc số giấy chứng nhận"),
        max_length=1000,
        help_text=_("Dán nội dung mã QR, hoặc gõ số in trên giấy chứng nhận, ví dụ 24-2026-00001."),
    )
