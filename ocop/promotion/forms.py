"""Forms of the trade-promotion pages. They only shape input; every rule is checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.forms import CommuneMixin
from ocop.promotion import platforms
from ocop.promotion.models import EventKind, EventLevel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventForm(CommuneMixin):
    name = forms.CharField(label=_("Tên sự kiện"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại"), choices=EventKind.choices)
    level = forms.ChoiceField(label=_("Cấp"), choices=EventLevel.choices, initial=EventLevel.PROVINCE)
    venue = forms.CharField(
        label=_("Địa điểm (nhà văn hóa, trung tâm hội chợ…)"), max_length=300, required=False
    )
    starts_on = forms.DateField(label=_("Ngày bắt đầu"), widget=DATE)
    ends_on = forms.DateField(label=_("Ngày kết thúc"), widget=DATE)
    organiser = forms.CharField(label=_("Đơn vị tổ chức"), max_length=255)

    field_order = [
        "name",
        "kind",
        "level",
        "province",
        "commune",
        "venue",
        "starts_on",
        "ends_on",
        "organiser",
    ]

    def setup_communes(self, province_code: str | None) -> None:
        super().setup_communes(province_code)
        self.fields["commune"].required = False
        self.fields["commune"].help_text = _("Để trống khi sự kiện do tỉnh tổ chức.")

    def clean_commune(self):
        code = self.cleaned_data.get("commune")
        return super().clean_commune() if code else None

    def place(self) -> AdminUnit | None:
        """The commune when one is chosen, else the province."""
        data = self.cleaned_data
        if data.get("commune"):
            return data["commune"]
        return AdminUnit.objects.filter(
            era=Era.CURRENT, level=Level.PROVINCE, code=data.get("province")
        ).first()


class ParticipationForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=None)
    sales_vnd = forms.IntegerField(label=_("Doanh số bán (đồng)"), min_value=0, initial=0)
    contracts = forms.IntegerField(label=_("Số hợp đồng, biên bản ghi nhớ"), min_value=0, initial=0)
    buyers_met = forms.IntegerField(label=_("Số đối tác, khách buôn đã gặp"), min_value=0, initial=0)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)


class ShopForm(CommuneMixin):
    name = forms.CharField(label=_("Tên điểm bán"), max_length=255)
    address = forms.CharField(label=_("Địa chỉ (số nhà, đường, thôn)"), max_length=300)
    operator = forms.CharField(label=_("Đơn vị vận hành"), max_length=255)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    opened_on = forms.DateField(label=_("Ngày khai trương"), widget=DATE)

    field_order = ["name", "province", "commune", "address", "operator", "phone", "opened_on"]


class ShopProductForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm OCOP"), queryset=None)
    since = forms.DateField(label=_("Bày bán từ ngày"), widget=DATE, required=False)

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class ListingForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=None)
    url = forms.CharField(
        label=_("Liên kết gian hàng"),
        max_length=500,
        help_text=_("Địa chỉ bắt đầu bằng http:// hoặc https://, ví dụ trang sản phẩm trên Shopee."),
    )
    platform = forms.ChoiceField(label=_("Sàn"), required=False)

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["platform"].choices = [("", _("Nhận ra từ liên kết"))] + [
            (p.code, p.name) for p in platforms.platforms().values()
        ]


class GiftSetForm(CommuneMixin):
    name = forms.CharField(label=_("Tên bộ quà tặng"), max_length=255)
    products = forms.ModelMultipleChoiceField(
        label=_("Sản phẩm OCOP trong bộ"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Mô tả"), max_length=1000, required=False, widget=forms.Textarea)
    price_vnd = forms.IntegerField(label=_("Giá (đồng)"), min_value=0, required=False)

    field_order = ["name", "province", "commune", "products", "description", "price_vnd"]

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products

    def setup_communes(self, province_code: str | None) -> None:
        super().setup_communes(province_code)
        self.fields["commune"].required = False
        self.fields["commune"].help_text = _("Để trống khi bộ quà tặng là của tỉnh.")

    def clean_commune(self):
        code = self.cleaned_data.get("commune")
        return super().clean_commune() if code else None

    place = EventForm.place
