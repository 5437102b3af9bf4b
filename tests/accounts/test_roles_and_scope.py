"""Roles are held over units and reach only that unit's subtree, through pages and the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from ocop.accounts.models import Role, RoleKind
from ocop.accounts.policies import Capability, can, scope_q, why_not
from ocop.audit.models import AuditEvent
from ocop.audit.services import record_event
from ocop.core.errors import Forbidden
from ocop.geo.models import AdminUnit, Era
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db


def test_a_province_role_reaches_both_generations_of_its_units_and_nothing_else(cast):
    legacy_van_ha = AdminUnit.objects.get(era=Era.LEGACY, code="07804")  # Xã Vân Hà, Việt Yên, Bắc Giang
    officer = cast.province_officer
    assert can(officer, Capability.CHECK_DOSSIERS, cast.commune)
    assert can(officer, Capability.CHECK_DOSSIERS, legacy_van_ha)
    assert not can(officer, Capability.CHECK_DOSSIERS, cast.other_province_commune)
    assert why_not(officer, Capability.CHECK_DOSSIERS, cast.other_province_commune) == (
        "Đối tượng này nằm ngoài địa bàn bạn phụ trách."
    )


def test_a_commune_role_reaches_its_commune_and_the_legacy_commune_it_absorbed(cast):
    legacy_van_ha = AdminUnit.objects.get(era=Era.LEGACY, code="07804")
    assert can(cast.commune_officer, Capability.CHECK_DOSSIERS, legacy_van_ha)
    assert not can(cast.commune_officer, Capability.CHECK_DOSSIERS, cast.other_commune)


def test_scope_filter_keeps_only_the_officers_province(cast):
    record_event(actor=None, action="test.bac_ninh", unit=cast.commune)
    record_event(actor=None, action="test.ha_noi", unit=cast.other_province_commune)
    seen = set(
        AuditEvent.objects.filter(scope_q(cast.province_officer, Capability.READ_AUDIT, "unit")).values_list(
            "action", flat=True
        )
    )
    assert "test.bac_ninh" in seen
    assert "test.ha_noi" not in seen


def test_province_officer_does_not_see_another_provinces_audit_page_rows(cast, login):
    record_event(actor=None, action="dossier.submit", unit=cast.other_province_commune, reason="Hà Nội riêng")
    record_event(actor=None, action="dossier.submit", unit=cast.commune, reason="Bắc Ninh riêng")
    page = login(cast.province_officer).get("/accounts/audit/").content.decode()
    assert "Bắc Ninh riêng" in page
    assert "Hà Nội riêng" not in page


def test_only_a_central_officer_assigns_roles_and_it_is_audited(cast, login):
    client = login(cast.province_officer)
    before = Role.active.filter(user=cast.other_producer_user).count()
    refused = client.post(
        "/accounts/roles/",
        {"username": "producer2", "kind": RoleKind.COMMUNE_OFFICER, "unit_code": "00004", "reason": "thử"},
    )
    assert refused.status_code == 404
    assert Role.active.filter(user=cast.other_producer_user).count() == before

    client = login(cast.central)
    response = client.post(
        "/accounts/roles/",
        {
            "username": "producer2",
            "kind": RoleKind.COMMUNE_OFFICER,
            "unit_code": "00004",
            "reason": "Điều động về phường Ba Đình",
        },
    )
    assert response.status_code == 302
    role = Role.active.get(user=cast.other_producer_user, kind=RoleKind.COMMUNE_OFFICER)
    assert role.unit.code == "00004"
    event = AuditEvent.objects.get(action="role.grant", target_id=str(role.pk))
    assert event.actor == cast.central
    assert event.reason == "Điều động về phường Ba Đình"


def test_a_role_over_a_unit_of_the_wrong_level_is_refused_and_nothing_changes(cast, login):
    client = login(cast.central)
    before = Role.objects.count()
    response = client.post(
        "/accounts/roles/",
        {"username": "producer2", "kind": RoleKind.PROVINCE_OFFICER, "unit_code": "00004", "reason": ""},
    )
    assert response.status_code == 200
    assert "Vai trò này không thể giao cho đơn vị cấp này." in response.content.decode()
    assert Role.objects.count() == before


def test_revoking_a_role_needs_a_reason_and_ends_the_access(cast, login):
    role = Role.active.get(user=cast.other_province_officer)
    client = login(cast.central)
    client.post(f"/accounts/roles/{role.pk}/revoke/", {"reason": ""})
    assert Role.active.filter(pk=role.pk).exists()
    client.post(f"/accounts/roles/{role.pk}/revoke/", {"reason": "Nghỉ hưu"})
    assert not Role.active.filter(pk=role.pk).exists()
    assert login(cast.other_province_officer).get("/accounts/audit/").status_code == 404


def test_a_role_revoked_ends_the_access_of_a_session_already_open(cast, login):
    """The roles are read on every request (a statement compiled once per process, not a cached answer)."""
    their_browser = Client()
    their_browser.force_login(cast.other_province_officer)
    assert their_browser.get("/accounts/audit/").status_code == 200
    role = Role.active.get(user=cast.other_province_officer)
    login(cast.central).post(f"/accounts/roles/{role.pk}/revoke/", {"reason": "Nghỉ hưu"})
    assert their_browser.get("/accounts/audit/").status_code == 404


def test_audit_rows_cannot_be_changed_by_the_application_or_by_sql(cast):
    event = record_event(actor=cast.central, action="test.event", reason="gốc")
    event.reason = "sửa"
    with nothing_changes(), pytest.raises(Forbidden):
        event.save()
    with nothing_changes(), pytest.raises(Forbidden):
        AuditEvent.objects.filter(pk=event.pk).update(reason="sửa")
    with nothing_changes(), pytest.raises(Forbidden):
        event.delete()
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'sửa' WHERE id = %s", [event.pk])


def test_the_navigation_shows_the_readers_sections_and_marks_the_page_they_are_on(cast, login):
    def nav(page: str) -> str:
        body = login(cast.province_officer).get(page).content.decode()
        return body[body.index('<nav aria-label="Điều hướng chính"') : body.index("</nav>")]

    on_products = nav("/products/")
    assert '<li><a href="/products/" aria-current="page">Sản phẩm</a></li>' in on_products
    assert '<li><a href="/dossiers/">Hồ sơ cần xử lý</a></li>' in on_products
    assert on_products.count("aria-current") == 1
    assert '<a href="/dossiers/" aria-current="page">' in nav("/dossiers/")
    assert "Phân quyền" not in on_products  # a central officer's section
