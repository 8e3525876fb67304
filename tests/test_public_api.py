"""The public API: the top-level names, and the 0.1 module names that still import."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import phala_spec
from phala_spec import compat


@pytest.mark.parametrize("name", phala_spec.__all__)
def test_top_level_names_import(name: str) -> None:
    assert getattr(phala_spec, name) is not None


@pytest.mark.parametrize("old", sorted(compat.MOVED))
def test_a_01_module_name_is_its_new_module(old: str) -> None:
    new = importlib.import_module(f"phala_spec.{compat.MOVED[old]}")
    assert importlib.import_module(f"phala_spec.{old}") is new
    # ``from phala_spec import <old>`` — but ``genesis`` was the function in 0.1 too.
    attribute = getattr(phala_spec, old)
    assert attribute is new or (old == "genesis" and attribute is new.genesis)
    assert new.__spec__ is not None and new.__spec__.name == new.__name__


def test_01_imports_in_a_fresh_interpreter() -> None:
    """What 0.1's users wrote, run before anything else imported the layers."""
    program = "\n".join(
        [
            "from phala_spec import stake_pool_v2, computation, fixed, attestation_dcap",
            "import phala_spec.balances",
            "from phala_spec.genesis import PRESETS",
            "from phala_spec.chain import ChainState, Signed",
            "from phala_spec.offchain import new_runtime, process_block",
            "from phala_spec.registry import SimulatedAttestation",
            "from phala_spec.calls import CALLS, CallData",
            "import phala_spec",
            "assert callable(phala_spec.genesis) and not hasattr(phala_spec.genesis, 'PRESETS')",
            "assert phala_spec.balances is phala_spec.pallets.balances",
            "assert attestation_dcap is phala_spec.tee.dcap",
            "assert stake_pool_v2.__name__ == 'phala_spec.pallets.staking.stake_pool_v2'",
            "assert 'minimal' in PRESETS and 'phala' in PRESETS",
            "print('ok')",
        ]
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'no_such_module'"):
        phala_spec.no_such_module  # noqa: B018
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("phala_spec.no_such_module")
