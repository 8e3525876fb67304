"""Every Hypothesis test runs under a named profile: ``ci`` (derandomized) unless
HYPOTHESIS_PROFILE says otherwise."""

import os

from hypothesis import settings

import phala_spec.models.settings  # noqa: F401  (registers the ci and deep profiles)

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
