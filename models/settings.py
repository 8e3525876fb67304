"""Hypothesis settings profiles for the models [MOD-5].

* ``ci``: deterministic (``derandomize``), no example database, no deadline,
  sized so that the project's model tests finish well under a minute on two
  cores. The tests use it.
* ``deep``: many more and longer runs, randomized unless a seed is given
  (``phala-spec explore --profile deep --seed N`` reproduces a run exactly).

Importing this module registers both profiles; it does not load either. Load
one with ``settings.load_profile("ci")`` or fetch it with :func:`profile`.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

PROFILES = ("ci", "deep")

# Model runs draw large, state-dependent examples on purpose.
_SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
# No "explain" phase: it re-runs the shrunk example many times to annotate it,
# which costs more than the shrink itself and adds nothing to a vector.
_PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=_SUPPRESSED,
    phases=_PHASES,
)

settings.register_profile(
    "deep",
    derandomize=False,
    max_examples=2_000,
    stateful_step_count=120,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=_SUPPRESSED,
    phases=_PHASES,
)


def profile(name: str) -> settings:
    """The registered profile ``name`` (``ci`` or ``deep``)."""
    if name not in PROFILES:
        raise KeyError(f"unknown profile {name!r}; profiles are {', '.join(PROFILES)}")
    return settings.get_profile(name)
