"""Forms of product pages. They only shape input; every rule is checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.products.models import IpStatus, PhotoKind, SalesChannel
from ocop.products.selectors import current_rubric_version, product_sets_of
from ocop.rubrics.selectors import DIGITAL, PAPER, sheet_codes, sheet_mode_label


class ProductSetChoiceField(forms.ModelChoiceField):
    """Each set with its sheet status beside it (issue 12): a set without a digital sheet is scored on paper."""

    digital: frozenset[str] = frozenset()

    def label_from_instance(self, obj) -> str:
        mode = DIGITAL if obj.code in self.digital else PAPER
        return f"{obj.code} – {obj.name} · {sheet_mode_label(mode)}"


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Tên sản phẩm"), max_length=255)
    product_set = ProductSetChoiceField(label=_("Bộ sản phẩm"), queryset=None)
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea, required=False, max_length=5000)
    story = forms.CharField(
        label=_("Câu chuyện sản phẩm"), widget=forms.Textarea, required=False, max_length=10000
    )
    raw_material_origin = forms.CharField(
        label=_("Nguồn gốc nguyên liệu"), widget=forms.Textarea, required=False, max_length=3000
    )
    packaging = forms.CharField(label=_("Bao bì, quy cách đóng gói"), max_length=300, required=False)
    label_info = forms.CharField(label=_("Nhãn sản phẩm"), max_length=300, required=False)
    standards = forms.CharField(
        label=_("Tiêu chuẩn công bố"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: TCCS 01:2024/HTX, số bản tự công bố chất lượng."),
    )
    ip_status = forms.ChoiceField(label=_("Nhãn hiệu, sở hữu trí tuệ"), choices=IpStatus.choices)
    trademark_number = forms.CharField(label=_("Số đơn / số văn bằng"), max_length=60, required=False)
    gtin = forms.CharField(
        label=_("Mã số mã vạch (GTIN)"),
        max_length=20,
        required=False,
        help_text=_("8, 12, 13 hoặc 14 chữ số; số cuối là số kiểm tra."),
    )
    sales_channels = forms.MultipleChoiceField(
        label=_("Nơi bán"), choices=SalesChannel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = current_rubric_version()
        field = self.fields["product_set"]
        field.queryset = product_sets_of(version)
        if version is not None:
            field.digital = sheet_codes(version)
            field.help_text = _(
                "Bộ sản phẩm ghi «phiếu giấy» chưa có phiếu đánh giá điện tử trong bộ tiêu chí đang áp dụng: sản phẩm vẫn được đăng ký và đánh giá; Hội đồng chấm trên phiếu giấy rồi nhập tổng điểm từng phần kèm bản quét phiếu."
            )


class ProductEditForm(ProductForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PhotoForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại ảnh"), choices=PhotoKind.choices)
    file = forms.FileField(label=_("Tệp ảnh (JPEG, PNG)"), required=False)


class ChangeNoteForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến người duyệt"), max_length=2000, required=False)


class ChangeRejectForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), max_length=2000)
