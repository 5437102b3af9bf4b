"""Actions on producers: self-registration, entry by an officer, confirmation by the commune, edits.

Every function runs in one transaction, checks the actor's right, and records an audit event.
"""

from __future__ import annotations

import re
from typing import cast

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import RoleKind, User
from ocop.accounts.policies import Capability, can
from ocop.accounts.services import role_grant, user_create
from ocop.accounts.usernames import clean_username
from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.core.text import fold, nfc
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.models import (
    LegalForm,
    Producer,
    ProducerMember,
    ProducerStatus,
    RecordChangeRequest,
)
from ocop.producers.policies import forget_memberships, why_not_confirm_producer, why_not_edit_producer
from ocop.producers.selectors import pending_change, producer_guarded_fields, stored_value

# Fields a producer's page edits; the rest (status, unit, tax code) change through their own rules.
EDITABLE_FIELDS = (
    "name",
    "legal_form",
    "address",
    "representative",
    "representative_title",
    "phone",
    "email",
    "website",
    "member_count",
    "worker_count",
    "in_craft_village",
    "craft_village",
    "led_by_woman",
    "led_by_ethnic_minority",
)
_TEXT_LIMITS = {
    "name": 255,
    "address": 300,
    "representative": 150,
    "representative_title": 100,
    "craft_village": 200,
}
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{7,18}$")
_TAX_CODE = re.compile(r"^(\d{10})(\d{3})?$|^(\d{12})$")


def normalise_tax_code(raw: str | None) -> str | None:
    """A tax or registration number in one canonical form, or Invalid.

    Accepted: an enterprise/cooperative tax code of 10 digits, a unit's 10-3 code (written with or without
    the dash), or the 12-digit personal identification number that household businesses use as tax code.
    """
    text = re.sub(r"[\s.]", "", raw or "")
    if not text:
        return None
    match = _TAX_CODE.match(text.replace("-", "")) if re.fullmatch(r"\d{10}-\d{3}|\d+", text) else None
    if match is None:
        raise Invalid(
            _(
                "Mã số thuế «%(value)s» không đúng định dạng: cần 10 chữ số, 10 chữ số kèm -3 chữ số, hoặc 12 chữ số."
            )
            % {"value": (raw or "")[:30]},
            code="producer_tax_code_invalid",
        )
    if match.group(3):
        return match.group(3)
    return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")


def producer_search_text(producer: Producer) -> str:
    return producer_search_text_of(
        name=producer.name, tax_code=producer.tax_code, representative=producer.representative
    )


def producer_search_text_of(*, name: str, tax_code: str | None, representative: str = "") -> str:
    """What a producer is found by, from its fields (for rows written in bulk, without a model instance).
    It is the folded name, then a space and the rest: the history import finds producers by name through this
    column's index (`history.plan._match_producers`)."""
    return fold(f"{name} {tax_code or ''} {representative}")


def _check_unit(unit: AdminUnit | None, *, allow_legacy: bool = False) -> AdminUnit:
    """A producer sits in a commune of today's map; only the system (importing old records) may use a legacy
    commune, which officers of the commune it became then reach through `current_commune`."""
    if unit is None or not (unit.era == Era.CURRENT or allow_legacy) or unit.level != Level.COMMUNE:
        raise Invalid(
            _("Hãy chọn xã, phường hoặc đặc khu hiện hành nơi chủ thể đặt trụ sở."),
            code="producer_unit_invalid",
        )
    return unit


def _clean(fields: dict) -> dict:
    """Validated, normalised values of the editable fields present in `fields`."""
    clean: dict = {}
    for key, value in fields.items():
        if key not in EDITABLE_FIELDS:
            raise Invalid(
                _("Trường «%(field)s» không sửa được ở đây.") % {"field": key}, code="producer_field_unknown"
            )
        if key in _TEXT_LIMITS:
            value = nfc(value or "")
            if len(value) > _TEXT_LIMITS[key]:
                raise Invalid(
                    _("«%(field)s» dài quá %(max)s ký tự.")
                    % {
                        "field": cast(Field, Producer._meta.get_field(key)).verbose_name,
                        "max": _TEXT_LIMITS[key],
                    },
                    code="producer_field_too_long",
                )
        elif key == "legal_form":
            if value not in LegalForm.values:
                raise Invalid(_("Loại hình chủ thể không hợp lệ."), code="producer_legal_form_invalid")
        elif key == "phone":
            value = (value or "").strip()
            if value and not _PHONE.match(value):
                raise Invalid(
                    _("Số điện thoại «%(value)s» không hợp lệ.") % {"value": value[:25]},
                    code="producer_phone_invalid",
                )
        elif key == "email":
            value = (value or "").strip()
            if value:
                try:
                    validate_email(value)
                except ValidationError as exc:
                    raise Invalid(
                        _("Địa chỉ thư điện tử không hợp lệ."), code="producer_email_invalid"
                    ) from exc
        elif key == "website":
            value = (value or "").strip()
            if value:
                try:
                    URLValidator(schemes=["http", "https"])(value)
                except ValidationError as exc:
                    raise Invalid(
                        _("Địa chỉ trang web không hợp lệ."), code="producer_website_invalid"
                    ) from exc
        elif key in ("member_count", "worker_count"):
            if value in ("", None):
                value = None
            elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
                raise Invalid(
                    _("Số thành viên và số lao động phải là số nguyên không âm."),
                    code="producer_count_invalid",
                )
        elif key == "in_craft_village":
            value = bool(value)
        elif key in ("led_by_woman", "led_by_ethnic_minority"):
            value = None if value in ("", None) else bool(value)
        clean[key] = value
    if "name" in clean and not clean["name"]:
        raise Invalid(_("Cần nhập tên chủ thể."), code="producer_name_missing")
    return clean


def _tax_code_free(tax_code: str | None, *, exclude: int | None = None) -> None:
    """Refuse a tax code another producer holds, naming neither that producer nor its commune: whoever types
    a tax code must not learn who owns it (anyone may try on the registration page). The owner's people are
    told how to join it instead: there is no claim flow, so through the commune officer."""
    if not tax_code:
        return
    holders = Producer.objects.filter(tax_code=tax_code)
    if exclude is not None:
        holders = holders.exclude(pk=exclude)
    if holders.exists():
        raise Conflict(
            _(
                "Mã số thuế %(tax_code)s đã được đăng ký trên hệ thống. Nếu đó là đơn vị của bạn, hãy liên hệ cán bộ xã, phường nơi đơn vị đặt trụ sở để được gắn tài khoản vào chủ thể đã có."
            )
            % {"tax_code": tax_code},
            code="producer_tax_code_taken",
        )


def _save_new(producer: Producer) -> Producer:
    try:
        with transaction.atomic():
            producer.save()
    except (
        IntegrityError
    ) as exc:  # a parallel registration took the tax code between the check and the insert
        _tax_code_free(producer.tax_code)
        raise Conflict(_("Mã số thuế này vừa được đăng ký."), code="producer_tax_code_taken") from exc
    return producer


@transaction.atomic
def producer_create(
    *,
    actor,
    name: str,
    legal_form: str,
    unit,
    tax_code: str | None = None,
    owner=None,
    status: str | None = None,
    **fields,
) -> Producer:
    """An officer enters a producer (confirmed at once), or the system does (set-up, imports, demo)."""
    unit = _check_unit(unit, allow_legacy=actor is None)
    if actor is not None and not can(actor, Capability.MANAGE_PRODUCERS, unit):
        raise Forbidden(_("Bạn không có quyền thêm chủ thể tại đơn vị này."), code="producer_forbidden")
    values = _clean({"name": name, "legal_form": legal_form, **fields})
    tax_code = normalise_tax_code(tax_code)
    _tax_code_free(tax_code)
    confirmed = status == ProducerStatus.CONFIRMED or (status is None and actor is not None)
    producer = Producer(unit=unit, tax_code=tax_code, **values)
    producer.status = ProducerStatus.CONFIRMED if confirmed else ProducerStatus.PENDING
    if confirmed:
        producer.confirmed_at = timezone.now()
        producer.confirmed_by = actor if actor is not None else None
    producer.search_text = producer_search_text(producer)
    _save_new(producer)
    if owner is not None:
        ProducerMember.objects.create(producer=producer, user=owner, is_owner=True)
        forget_memberships(owner)
    record_event(
        actor=actor,
        action="producer.create",
        target=producer,
        unit=unit,
        data={"legal_form": producer.legal_form, "tax_code": tax_code, "status": producer.status},
    )
    return producer


@transaction.atomic
def producer_register(
    *,
    username: str,
    password: str,
    full_name: str,
    name: str,
    legal_form: str,
    unit,
    tax_code: str | None = None,
    email: str = "",
    **fields,
) -> tuple[User, Producer]:
    """A producer registers itself: an account, the producer role over its commune, the organisation
    (waiting for the commune's confirmation), and its membership."""
    unit = _check_unit(unit)
    username = clean_username(username)  # normalised; look-alike letters of other scripts are refused
    values = _clean({"name": name, "legal_form": legal_form, "email": email, **fields})
    tax_code = normalise_tax_code(tax_code)
    _tax_code_free(tax_code)
    candidate = User(username=username, full_name=nfc(full_name), email=values.get("email", ""))
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), code="password_weak") from exc
    user = user_create(
        actor=None,
        username=username,
        password=password,
        full_name=nfc(full_name),
        email=values.get("email", ""),
    )
    role_grant(actor=None, user=user, kind=RoleKind.PRODUCER, unit=unit, reason=_("Tự đăng ký chủ thể"))
    producer = Producer(unit=unit, tax_code=tax_code, status=ProducerStatus.PENDING, **values)
    producer.search_text = producer_search_text(producer)
    _save_new(producer)
    ProducerMember.objects.create(producer=producer, user=user, is_owner=True)
    record_event(
        actor=user,
        action="producer.register",
        target=producer,
        unit=unit,
        data={"legal_form": producer.legal_form, "tax_code": tax_code, "username": username},
    )
    return user, producer


def _lock(producer: Producer, expected_version: int | None) -> Producer:
    locked = Producer.objects.select_for_update().select_related("unit").get(pk=producer.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Người khác vừa thay đổi thông tin chủ thể này; hãy tải lại trang rồi sửa tiếp."), code="stale"
        )
    return locked


# ---------------------------------------------------------------------------------------------------------
# Changes that wait for an officer: what a certificate or the commune's confirmation vouches for.


@transaction.atomic
def change_request_open(*, actor, producer: Producer, product, record, changes: dict) -> RecordChangeRequest:
    """Put `changes` of a guarded field on hold for an officer (the caller holds the record's row lock).
    Refused while another change of the same record waits, so nothing of this edit is saved either."""
    reason = why_not_edit_producer(actor, producer)
    if reason:
        raise Forbidden(reason, code="producer_forbidden")
    if product is not None and product.producer_id != producer.pk:
        raise Invalid(_("Sản phẩm không thuộc chủ thể này."), code="product_not_of_producer")
    if pending_change(producer, product) is not None:
        raise Conflict(
            _(
                "Một thay đổi tên, bộ sản phẩm, địa chỉ hoặc mã số thuế của hồ sơ này đang chờ cán bộ duyệt; hãy chờ kết quả rồi sửa tiếp."
            ),
            code="change_already_pending",
        )
    request = RecordChangeRequest.objects.create(
        producer=producer,
        product=product,
        old_values={key: stored_value(getattr(record, key)) for key in changes},
        new_values={key: stored_value(value) for key, value in changes.items()},
        requested_by=actor,
    )
    record_event(
        actor=actor,
        action="record_change.request",
        target=request,
        unit=producer.unit,
        data={"product": product.pk if product else None, "fields": sorted(changes)},
    )
    return request


def _split_guarded(changed: dict, guarded: tuple[str, ...]) -> tuple[dict, dict]:
    held = {key: value for key, value in changed.items() if key in guarded}
    return {key: value for key, value in changed.items() if key not in held}, held


def producer_fields_save(producer: Producer, values: dict) -> None:
    """Write changed fields of a producer (an edit, or an approved change request): its search text and version
    follow, and a tax code taken at the same moment by another producer is a conflict, not a 500. The caller
    holds the lock and records the event."""
    for key, value in values.items():
        setattr(producer, key, value)
    producer.search_text = producer_search_text(producer)
    producer.version += 1
    producer.updated_at = timezone.now()
    try:
        with transaction.atomic():
            producer.save()
    except IntegrityError as exc:
        raise Conflict(
            _("Mã số thuế này vừa được đăng ký cho chủ thể khác."), code="producer_tax_code_taken"
        ) from exc


@transaction.atomic
def producer_update(
    *, actor, producer: Producer, expected_version: int | None = None, tax_code=..., **fields
) -> Producer:
    """Edit a producer's details (its members, or an officer over its unit). A change of its name, address or
    tax code while one of its products holds a certificate (the tax code also once the commune confirmed it)
    waits for an officer's approval as a `RecordChangeRequest`; the other fields are saved at once."""
    producer = _lock(producer, expected_version)
    reason = why_not_edit_producer(actor, producer)
    if reason:
        raise Forbidden(reason, code="producer_forbidden")
    values = _clean(fields)
    changed = {key: value for key, value in values.items() if getattr(producer, key) != value}
    if tax_code is not ...:
        normalised = normalise_tax_code(tax_code)
        if normalised != producer.tax_code:
            _tax_code_free(normalised, exclude=producer.pk)
            changed["tax_code"] = normalised
    changed, held = _split_guarded(changed, producer_guarded_fields(producer))
    if held:
        change_request_open(actor=actor, producer=producer, product=None, record=producer, changes=held)
    if not changed:
        return producer
    producer_fields_save(producer, changed)
    record_event(
        actor=actor,
        action="producer.update",
        target=producer,
        unit=producer.unit,
        data={"fields": sorted(changed)},
    )
    return producer


@transaction.atomic
def producer_confirm(*, actor, producer: Producer, expected_version: int | None = None) -> Producer:
    """An officer of the producer's commune confirms a self-registered producer."""
    producer = _lock(producer, expected_version)
    reason = why_not_confirm_producer(actor, producer)
    if reason:
        code = (
            "producer_already_confirmed"
            if producer.status == ProducerStatus.CONFIRMED
            else "producer_forbidden"
        )
        raise (Conflict if code == "producer_already_confirmed" else Forbidden)(reason, code=code)
    producer.status = ProducerStatus.CONFIRMED
    producer.confirmed_by = actor
    producer.confirmed_at = timezone.now()
    producer.version += 1
    producer.updated_at = producer.confirmed_at
    producer.save(update_fields=["status", "confirmed_by", "confirmed_at", "version", "updated_at"])
    record_event(actor=actor, action="producer.confirm", target=producer, unit=producer.unit)
    return producer


@transaction.atomic
def producer_member_add(*, actor, producer: Producer, user: User) -> ProducerMember:
    """An officer gives an existing producer account access to an organisation it entered."""
    producer = _lock(producer, None)
    if not can(actor, Capability.MANAGE_PRODUCERS, producer.unit):
        raise Forbidden(_("Bạn không có quyền gắn tài khoản cho chủ thể này."), code="producer_forbidden")
    if ProducerMember.objects.filter(producer=producer, user=user).exists():
        raise Conflict(_("Tài khoản này đã thuộc chủ thể."), code="producer_member_exists")
    member = ProducerMember.objects.create(producer=producer, user=user, is_owner=False)
    forget_memberships(user)
    record_event(
        actor=actor,
        action="producer.member_add",
        target=producer,
        unit=producer.unit,
        data={"user": user.username},
    )
    return member
