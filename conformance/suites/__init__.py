"""Authored conformance suites: one module per subsystem [VEC-12].

Every module in this package is imported by
:func:`phala_spec.conformance.authoring.load_suites`; its ``@case`` functions
register themselves in the default registry.
"""
