"""The catalogue's certified shelf of Bắc Ninh (real certificates, through the certification services) serves
the officer lists' stories too."""

from tests.catalog.conftest import bac_ninh_shelf, issue, officials  # noqa: F401  (fixtures)
