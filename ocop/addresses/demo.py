"""Demo data for address aliases: one pick the demo province officer made for Bắc Giang's old address with a
slip in it ("Phượng Sưn"), so the list at /addresses/aliases/ has a row to edit. Running it again changes
nothing."""

from __future__ import annotations

from ocop.accounts.models import User
from ocop.addresses.services import address_alias_create
from ocop.geo.addresses import alias_key
from ocop.geo.models import AddressAlias, AdminUnit, Era

DEMO_ALIASES = [
    # (address as a file writes it, legacy code of the unit it means: Phường Phượng Sơn, thị xã Chũ)
    ("Xã Phượng Sưn, huyện Lục Ngạn, tỉnh Bắc Giang", "07612"),
]


def seed_aliases(officer_username: str = "province") -> int:
    officer = User.objects.filter(username=officer_username).first()
    made = 0
    for address, code in DEMO_ALIASES:
        unit = AdminUnit.objects.filter(era=Era.LEGACY, code=code).first()
        if officer is None or unit is None or AddressAlias.objects.filter(key=alias_key(address)).exists():
            continue
        address_alias_create(actor=officer, address=address, unit=unit)
        made += 1
    return made
