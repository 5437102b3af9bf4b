"""Settings for the test suite: the normal settings with OCOP_ENV=test and a data folder of its own."""

import os

os.environ.setdefault("OCOP_ENV", "test")
os.environ.setdefault("OCOP_DATA_DIR", "var/test")

from ocop.settings import *  # noqa: E402,F403
