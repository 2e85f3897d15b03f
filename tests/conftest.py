"""Test-wide settings: property tests without per-example time limits (the test machine may be
busy), and with a fixed example sequence in CI so a run can be repeated exactly."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("avtalsbok", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("avtalsbok")
