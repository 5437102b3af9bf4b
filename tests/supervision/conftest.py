"""The supervision cast: the certification story (a second officer of Bắc Ninh, the honey cooperative of Phường
Vân Hà with its honey and lychee, Hà Nội's tea) with the honey certified 4★ by Bắc Ninh's People's Committee."""

from __future__ import annotations

import pytest

from tests.certification.conftest import _isolated_files, issue, story  # noqa: F401  (fixtures)


@pytest.fixture
def certified(story, issue):  # noqa: F811
    """The honey's certificate in force (4★, Bắc Ninh); the lychee holds none."""
    (certificate,) = issue([(story.honey, 4, "78.50", None)])
    return certificate
