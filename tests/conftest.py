"""Shared test settings: hypothesis profiles and small helpers."""

import os

from hypothesis import HealthCheck, settings

# "ci" (default) keeps the whole suite within CI's time budget; "thorough" is
# for a long local run:  KZGAME_HYPOTHESIS=thorough pytest
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# "compat": the suite on the oldest dependency versions (scripts/test-oldest.sh), which
# checks that the same code runs there, not the properties as widely as "ci" does
settings.register_profile(
    "compat", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("KZGAME_HYPOTHESIS", "ci"))
