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
            "Mỗi dòng một cột: tên cột chuẩn = tên cột trong tệp. Tên cột chuẩn: Tên sản phẩm, Chủ thể, Địa chỉ, "
            "Hạng sao, Điểm, Số quyết định, Ngày quyết định, Cấp công nhận, Bộ sản phẩm. Ví dụ: Địa chỉ = Nơi sản xuất"
        ),
    )

    def clean_mapping(self) -> dict[str, str]:
        from ocop.core.text import fold, shorten

        from .history import COLUMN_LABELS, COLUMNS

        # A column is named by its standard header ("Địa chỉ") or by its key ("address"), as earlier files did.
        known = {fold(label): key for key, label in COLUMN_LABELS.items()} | {key: key for key in COLUMNS}
        mapping = {}
        for line in self.cleaned_data["mapping"].splitlines():
            if not line.strip():
                continue
            name, sep, header = line.partition("=")
            key = known.get(name.strip()) or known.get(fold(name))
            if not sep or key is None or not header.strip():
                raise forms.ValidationError(
                    _("Dòng «%(line)s» không đúng dạng tên cột chuẩn = tên cột trong tệp.")
                    % {"line": shorten(line, 80)}
                )
            mapping[key] = header.strip()
        return mapping
