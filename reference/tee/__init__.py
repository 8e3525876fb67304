"""TEE evidence: the attestation policy and its verifiers.

The shared policy (allowlist, freshness, binding, confidence) in
:mod:`.attestation`; the evidence a worker submits (:mod:`.evidence`); Intel IAS reports (:mod:`.ias`), DCAP v3 quotes
(:mod:`.dcap`), the reference-only simulated provider (:mod:`.simulated`),
test IAS signing root (:mod:`.ias_test_root`) and test DCAP root CA
(:mod:`.dcap_test_root`), and the pinned Intel roots
(:mod:`.intel_roots`, :mod:`.intel_dcap_root`).

May use: :mod:`phala_spec.primitives`. Used by the registry pallet. The X.509
stack loads only when evidence is verified.
"""
