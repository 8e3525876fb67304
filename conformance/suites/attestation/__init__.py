"""Authored vectors for attestation through ``register_worker_v2`` [ATT-1]..[ATT-46].

Real evidence: production's two public IAS samples and its DCAP v3 sample with
its ``SgxV30`` collateral, shipped under ``conformance/evidence/``, submitted at
block times around their own validity. Their report data binds a registration
info no vector can reproduce, so they never register a worker: they show how
far each check lets them go (``InvalidRuntimeInfoHash`` once everything else
passes) and which check decides when several fail. The instants come from the
evidence itself (report time, certificate and TCB-info validity), read when
the vectors are generated.

Simulated evidence ([ATT-40]..[ATT-46], reference only: production has no
such provider) registers workers for real on the ``minimal`` preset, and is
refused on ``phala`` and ``khala``. Its signature is the test authority's
Ed25519 signature ([ATT-41]), so these vectors have the ``real`` crypto
setting [VEC-7].

IAS reports under the test signing root ([ATT-13], reference only: trusted
when a vector's genesis sets ``ias_test_root``) reach the checks after the
signature, which no evidence but Intel's own passes on a production chain:
the typed report, the report time, the status, the quote body, each adjacent
pair of the check order, and registration that succeeds.

DCAP evidence under the test root CA ([ATT-39], reference only: trusted when a
vector's genesis sets ``dcap_test_root``) registers workers too, and shows the
order of the registry's checks after verification.

Modules: ``real`` (production's IAS and DCAP samples [ATT-1]..[ATT-38]),
``ias_checks`` (IAS reports under the test root [ATT-8]..[ATT-13]),
``ias_boundaries`` (the same at each check's boundaries: signing keys and
validity, the report time's calendar and freshness across dates, JSON text,
base64), ``dcap_checks`` (DCAP evidence under the test root CA [ATT-39]),
``simulated`` (the simulated provider [ATT-40]..[ATT-46]); ``common`` holds the
error codes and the block and byte helpers they share.
"""
