"""Forms of the rubric pages: uploads for the sheet import and the historical results import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_SHEET_BYTES = 2 * 1024 * 1024
MAX_HISTORY_BYTES = 10 * 1024 * 1024


class _Upload(forms.Form):
    max_bytes = MAX_SHEET_BYTES
    file = forms.FileField(label=_("Tệp XLSX hoặc CSV"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size is known before the content is read: refuse large files without buffering them.
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": self.max_bytes // (1024 * 1024)}
            )
        return upload


class SheetUploadForm(_Upload):
    product_set = forms.ChoiceField(label=_("Bộ sản phẩm"))

    def __init__(self, *args, product_sets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_set"].choices = [(p.code, f"{p.code} – {p.name}") for p in product_sets]
        self.order_fields(["product_set", "file"])


class HistoryUploadForm(_Upload):
    max_bytes = MAX_HISTORY_BYTES
    mapping = forms.CharField(
        label=_("Tên cột riêng của tỉnh (không bắt buộc)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Mỗi dòng một cột: khóa = tên cột trong tệp. Khóa: product, producer, address, stars, score, "
            "decision_number, decision_date, level, product_set. Ví dụ: address = Nơi sản xuất"
        ),
    )

    def clean_mapping(self) -> dict[str, str]:
        from .history import COLUMNS

        mapping = {}
        for line in self.cleaned_data["mapping"].splitlines():
            if not line.strip():
                continue
            key, sep, header = line.partition("=")
            key = key.strip()
            if not sep or key not in COLUMNS or not header.strip():
                raise forms.ValidationError(
                    _("Dòng «%(line)s» không đúng dạng khóa = tên cột.") % {"line": line[:80]}
                )
            mapping[key] = header.strip()
        return mapping
