"""Test-only adapters (deliberately broken ones) and a small sample suite of cases."""
